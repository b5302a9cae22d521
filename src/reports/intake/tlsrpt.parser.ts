import { ReportRejected, type ReportLimits, type TlsRptPolicy, type TlsRptReport } from './report.types';

/** SMTP TLS reports (RFC 8460 §4.4): JSON, size-bounded before JSON.parse by the caller. */
type Json = Record<string, unknown>;

const o = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const s = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const n = (v: unknown): number => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0);

function date(v: unknown, what: string): string {
  const t = s(v);
  const d = t ? new Date(t) : undefined;
  if (!d || Number.isNaN(d.getTime()))
    throw new ReportRejected('report_invalid', `date-range ${what} "${t ?? ''}" is not a date`);
  return d.toISOString();
}

export function parseTlsRptJson(textIn: string, limits: ReportLimits): TlsRptReport {
  let doc: unknown;
  try {
    doc = JSON.parse(textIn);
  } catch (e) {
    throw new ReportRejected('json_malformed', `the JSON is malformed: ${(e as Error).message}`);
  }
  const r = o(doc);
  const policiesIn = Array.isArray(r.policies) ? r.policies : undefined;
  const orgName = s(r['organization-name']);
  const range = o(r['date-range']);
  if (!policiesIn || !orgName || !r['date-range'])
    throw new ReportRejected(
      'not_a_report',
      'the JSON lacks organization-name, date-range or policies: not an RFC 8460 TLS report',
    );
  let details = 0;
  const policies: TlsRptPolicy[] = policiesIn.map((pIn) => {
    const p = o(pIn);
    const pol = o(p.policy);
    const sum = o(p.summary);
    const fails = Array.isArray(p['failure-details']) ? p['failure-details'] : [];
    details += fails.length;
    if (details > limits.maxRecords)
      throw new ReportRejected('too_many_records', `the report has more than ${limits.maxRecords} failure details`);
    const mx = pol['mx-host'];
    return {
      policyType: s(pol['policy-type']) ?? 'no-policy-found',
      policyDomain: (s(pol['policy-domain']) ?? '').toLowerCase(),
      mxHost: (Array.isArray(mx) ? mx : mx === undefined ? [] : [mx]).map(String),
      successful: n(sum['total-successful-session-count']),
      failed: n(sum['total-failure-session-count']),
      failures: fails.map((fIn) => {
        const f = o(fIn);
        return {
          resultType: s(f['result-type']) ?? 'unknown',
          ...(s(f['sending-mta-ip']) ? { sendingMtaIp: s(f['sending-mta-ip']) } : {}),
          ...(s(f['receiving-mx-hostname'])
            ? { receivingMxHostname: s(f['receiving-mx-hostname'])!.toLowerCase().replace(/\.$/, '') }
            : {}),
          ...(s(f['receiving-ip']) ? { receivingIp: s(f['receiving-ip']) } : {}),
          count: n(f['failed-session-count']),
          ...(s(f['failure-reason-code']) ? { reasonCode: s(f['failure-reason-code']) } : {}),
        };
      }),
    };
  });
  const domain = policies.find((p) => p.policyDomain)?.policyDomain;
  if (!domain) throw new ReportRejected('report_invalid', 'no policy in the TLS report names a policy-domain');
  const begin = date(range['start-datetime'], 'start-datetime');
  const end = date(range['end-datetime'], 'end-datetime');
  // report-id is REQUIRED (RFC 8460 §4.4); some senders omit it: derive one that dedups the same report.
  const reportId = s(r['report-id']) ?? `${orgName}!${domain}!${begin}`;
  return {
    kind: 'tlsrpt',
    reportId,
    orgName,
    ...(s(r['contact-info']) ? { contact: s(r['contact-info']) } : {}),
    begin,
    end,
    domain,
    policies,
  };
}
