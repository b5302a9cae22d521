import { finding, type Finding } from '../common/finding';
import type { DnsResolver } from '../infra/dns/resolver.port';
import {
  countingResolver,
  describeFailure,
  isIndeterminate,
  parseTagList,
  txtStrings,
  type SectionStatus,
} from './dns.common';
import { DNS_FINDINGS as F, suggestTxt } from './dns.findings';

/** SMTP TLS Reporting (RFC 8460 §3): "v=TLSRPTv1; rua=<mailto: or https: URIs>" at _smtp._tls. */
export interface TlsRptParsed {
  valid: boolean;
  errors: string[];
  rua: string[];
}

export function parseTlsRpt(text: string): TlsRptParsed {
  const { tags, errors } = parseTagList(text);
  if (!/^v=TLSRPTv1\s*(;|$)/.test(text.trim())) errors.push('the record must start with "v=TLSRPTv1"');
  const rua = (tags.get('rua') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!rua.length) errors.push('rua= is required');
  for (const u of rua) {
    if (!/^mailto:[^@\s]+@[^@\s]+$/i.test(u) && !/^https:\/\/[^\s]+$/i.test(u))
      errors.push(`rua "${u}" must be a mailto: or https: URI`);
  }
  return { valid: errors.length === 0, errors, rua };
}

export interface TlsRptSection {
  status: SectionStatus;
  txt: string[];
  record?: string;
  parsed?: TlsRptParsed;
  queries: number;
}

export async function checkTlsRpt(
  domain: string,
  resolver: DnsResolver,
): Promise<{ section: TlsRptSection; findings: Finding[] }> {
  const dns = countingResolver(resolver);
  const findings: Finding[] = [];
  const owner = `_smtp._tls.${domain}`;
  const l = await dns.query(owner, 'TXT');
  const txt = txtStrings(l);
  const section: TlsRptSection = { status: 'ok', txt, queries: 0 };
  const suggestion = suggestTxt(owner, `v=TLSRPTv1; rua=mailto:tls-reports@${domain}`);
  if (isIndeterminate(l)) {
    section.status = 'indeterminate';
    findings.push(
      finding(F.TLSRPT_INVALID, `The lookup of ${owner} ended in ${describeFailure(l)}; TLS-RPT status unknown.`, {
        severity: 'info',
        remediation: 'Run the check again.',
        evidence: { lookup: l },
      }),
    );
  } else {
    const records = txt.filter((t) => /^v=TLSRPTv1/i.test(t.trim()));
    if (records.length === 0) {
      section.status = 'missing';
      findings.push(
        finding(F.TLSRPT_MISSING, `${owner} has no "v=TLSRPTv1" record.`, {
          remediation: `Publish: ${suggestion}`,
          evidence: { txt },
        }),
      );
    } else if (records.length > 1) {
      section.status = 'fail';
      findings.push(
        finding(
          F.TLSRPT_INVALID,
          `${owner} has ${records.length} TLS-RPT records; RFC 8460 §3 says senders then use none.`,
          { remediation: `Keep one: ${suggestion}`, evidence: { records } },
        ),
      );
    } else {
      section.record = records[0]!;
      section.parsed = parseTlsRpt(section.record);
      if (!section.parsed.valid) {
        section.status = 'warn';
        const good = section.parsed.rua.filter((u) => parseTlsRpt(`v=TLSRPTv1; rua=${u}`).valid);
        findings.push(
          finding(F.TLSRPT_INVALID, `The TLS-RPT record at ${owner} is invalid: ${section.parsed.errors.join('; ')}.`, {
            remediation: `Use: ${suggestTxt(owner, `v=TLSRPTv1; rua=${good.length ? good.join(',') : `mailto:tls-reports@${domain}`}`)}`,
            evidence: { record: section.record, errors: section.parsed.errors },
          }),
        );
      }
    }
  }
  section.queries = dns.count;
  return { section, findings };
}
