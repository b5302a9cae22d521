import { isIP } from 'node:net';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ReportRejected, type AggregateReport, type AggregateRow, type ReportLimits } from './report.types';

/**
 * DMARC aggregate reports (RFC 9990 §3 and its XML schema; RFC 7489 appendix C for the older
 * shape, which has pct and no np/testing/discovery_method). fast-xml-parser with entity processing
 * off; documents with a DOCTYPE or ENTITY declaration are refused before parsing (no report needs
 * one, and they are how billion-laughs and external-entity attacks start).
 */
const ARRAYS = new Set(['record', 'dkim', 'spf', 'reason']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  trimValues: true,
  // Arrays only where the schema allows several: under record, auth_results and policy_evaluated.
  isArray: (name, jpath) =>
    ARRAYS.has(name) &&
    (name === 'record' ||
      /auth_results\.(dkim|spf)$/.test(String(jpath)) ||
      /policy_evaluated\.reason$/.test(String(jpath))),
});

type Node = Record<string, unknown>;

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The five predefined entities and character references (XML 1.0 §4.6, §4.1): no DTD involved. */
function unescape(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-f]{1,6});/gi, (m, e: string) => {
    if (e[0] !== '#') return PREDEFINED[e.toLowerCase()] ?? m;
    const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const raw = typeof v === 'object' ? (v as Node)['#text'] : v;
  if (raw === undefined || raw === null || typeof raw === 'object') return undefined;
  const s = unescape(String(raw as string | number).trim());
  return s === '' ? undefined : s;
}

function obj(v: unknown): Node {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : {};
}

function arr(v: unknown): Node[] {
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(obj);
}

function epoch(v: unknown, what: string): string {
  const s = text(v);
  if (!s || !/^\d{1,12}$/.test(s))
    throw new ReportRejected('report_invalid', `date_range ${what} "${s ?? ''}" is not a Unix time`);
  return new Date(Number(s) * 1000).toISOString();
}

const lower = (v: unknown) => text(v)?.toLowerCase();

/** Refuse DTDs before any parser sees them. */
export function assertNoDtd(xml: string): void {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw new ReportRejected(
      'xml_dtd_forbidden',
      'the XML declares a DOCTYPE or ENTITY: refused (entity expansion is never performed on reports)',
    );
}

export function parseAggregateXml(xml: string, limits: ReportLimits): AggregateReport {
  assertNoDtd(xml);
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new ReportRejected('xml_malformed', `the XML is malformed at line ${valid.err.line}: ${valid.err.msg}`);
  const doc = obj(parser.parse(xml));
  const fb = obj(doc.feedback);
  if (!doc.feedback)
    throw new ReportRejected('not_a_report', 'the XML has no <feedback> root: not a DMARC aggregate report');
  const meta = obj(fb.report_metadata);
  const pol = obj(fb.policy_published);
  const range = obj(meta.date_range);
  const reportId = text(meta.report_id);
  // Some generators leave org_name empty (parsedmarc's samples): fall back to the contact address.
  const orgName = text(meta.org_name) ?? text(meta.email) ?? 'unknown';
  const domain = lower(pol.domain);
  const missing = [!reportId && 'report_id', !domain && 'policy_published/domain'].filter(Boolean);
  if (missing.length) throw new ReportRejected('report_invalid', `the aggregate report lacks ${missing.join(', ')}`);
  const ns = typeof fb['@xmlns'] === 'string' ? fb['@xmlns'] : '';
  const format: AggregateReport['format'] =
    ns.includes('dmarc-2.0') || pol.np !== undefined || pol.testing !== undefined || pol.discovery_method !== undefined
      ? '9990'
      : '7489';
  const records = arr(fb.record);
  if (records.length > limits.maxRecords)
    throw new ReportRejected(
      'too_many_records',
      `the report has ${records.length} records (limit ${limits.maxRecords})`,
    );
  const rows: AggregateRow[] = [];
  const problems: string[] = [];
  records.forEach((r, i) => {
    const row = obj(r.row);
    const pe = obj(row.policy_evaluated);
    const ids = obj(r.identifiers);
    const auth = obj(r.auth_results);
    const ip = text(row.source_ip);
    const count = Number(text(row.count));
    if (!ip || isIP(ip) === 0) return problems.push(`record ${i + 1}: source_ip "${ip ?? ''}" is not an IP address`);
    if (!Number.isSafeInteger(count) || count < 0)
      return problems.push(`record ${i + 1}: count "${text(row.count) ?? ''}" is not a count`);
    rows.push({
      sourceIp: ip,
      count,
      disposition: lower(pe.disposition) ?? 'none',
      dkimAligned: lower(pe.dkim) === 'pass',
      spfAligned: lower(pe.spf) === 'pass',
      headerFrom: lower(ids.header_from) ?? domain!,
      ...(lower(ids.envelope_from) ? { envelopeFrom: lower(ids.envelope_from) } : {}),
      dkim: arr(auth.dkim).map((d) => ({
        domain: lower(d.domain) ?? '',
        ...(text(d.selector) ? { selector: text(d.selector) } : {}),
        result: lower(d.result) ?? 'none',
      })),
      spf: arr(auth.spf).map((s) => ({
        domain: lower(s.domain) ?? '',
        ...(lower(s.scope) ? { scope: lower(s.scope) } : {}),
        result: lower(s.result) ?? 'none',
      })),
      reasons: arr(pe.reason).map((x) => ({
        type: lower(x.type) ?? 'other',
        ...(text(x.comment) ? { comment: text(x.comment) } : {}),
      })),
    });
  });
  const pct = text(pol.pct);
  return {
    kind: 'aggregate',
    format,
    reportId: reportId!,
    orgName,
    ...(text(meta.email) ? { email: text(meta.email) } : {}),
    begin: epoch(range.begin, 'begin'),
    end: epoch(range.end, 'end'),
    domain: domain!,
    policy: {
      ...(lower(pol.p) ? { p: lower(pol.p) } : {}),
      ...(lower(pol.sp) ? { sp: lower(pol.sp) } : {}),
      ...(lower(pol.np) ? { np: lower(pol.np) } : {}),
      ...(lower(pol.adkim) ? { adkim: lower(pol.adkim) } : {}),
      ...(lower(pol.aspf) ? { aspf: lower(pol.aspf) } : {}),
      ...(pct && /^\d+$/.test(pct) ? { pct: Number(pct) } : {}),
      ...(lower(pol.testing) ? { testing: lower(pol.testing) } : {}),
      ...(lower(pol.discovery_method) ? { discoveryMethod: lower(pol.discovery_method) } : {}),
    },
    rows,
    problems,
  };
}
