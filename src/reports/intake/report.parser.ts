import { simpleParser } from 'mailparser';
import { parseAggregateXml } from './aggregate.parser';
import { gunzipBounded, isGzip, isZip, unzipBounded } from './decompress';
import { parseFailureReport } from './failure.parser';
import { ReportRejected, type ParsedReport, type ParseOutcome, type ReportLimits } from './report.types';
import { parseTlsRptJson } from './tlsrpt.parser';

/**
 * One entry point for every report input, however it arrived (upload, SMTP, IMAP): an XML or JSON
 * document, gzip or zip of one, or a whole message carrying any of those or an ARF failure report.
 * Every layer is bounded (ReportLimits); a refusal is data with a code and a reason, never a throw.
 */
const MAX_NESTING = 3;

function looksLikeMessage(buf: Buffer): boolean {
  const head = buf.subarray(0, 2048).toString('latin1');
  return /^(?:From [^\n]*\n)?[!-9;-~]+:[^\n]*\r?\n/.test(head) && /\r?\n\r?\n/.test(head + '\n\n');
}

function firstChar(buf: Buffer): string {
  const s = buf
    .subarray(0, 64)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  return s[0] ?? '';
}

async function decode(buf: Buffer, limits: ReportLimits, depth: number): Promise<ParsedReport[]> {
  if (depth > MAX_NESTING) throw new ReportRejected('archive_invalid', 'archives nested too deep');
  if (isGzip(buf)) return decode(gunzipBounded(buf, limits), limits, depth + 1);
  if (isZip(buf)) {
    const out: ParsedReport[] = [];
    for (const f of unzipBounded(buf, limits)) out.push(...(await decode(f.data, limits, depth + 1)));
    return out;
  }
  if (buf.length > limits.maxDecompressedBytes)
    throw new ReportRejected('too_large', `the document is ${buf.length} bytes (limit ${limits.maxDecompressedBytes})`);
  const c = firstChar(buf);
  if (c === '<') return [parseAggregateXml(buf.toString('utf8').replace(/^\uFEFF/, ''), limits)];
  if (c === '{') return [parseTlsRptJson(buf.toString('utf8'), limits)];
  if (depth === 0 && looksLikeMessage(buf)) return decodeMessage(buf, limits);
  if (buf.length === 0) throw new ReportRejected('not_a_report', 'the input is empty');
  throw new ReportRejected(
    'not_a_report',
    'the input is neither XML, JSON, gzip, zip nor an email message: not a DMARC or TLS report',
  );
}

const REPORT_TYPES =
  /^(application\/(gzip|x-gzip|zip|x-zip-compressed|xml|json|octet-stream|tlsrpt\+gzip|tlsrpt\+json|tlsrpt)|text\/xml)$/;

async function decodeMessage(buf: Buffer, limits: ReportLimits): Promise<ParsedReport[]> {
  const mail = await simpleParser(buf, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  const atts = mail.attachments ?? [];
  const out: ParsedReport[] = [];
  const feedback = atts.find((a) => a.contentType === 'message/feedback-report');
  if (feedback) {
    const orig = atts.find((a) => a.contentType === 'message/rfc822' || a.contentType === 'text/rfc822-headers');
    const origHeaders = orig ? orig.content.toString('latin1').split(/\r?\n\r?\n/)[0] : undefined;
    out.push(parseFailureReport(feedback.content.toString('utf8'), origHeaders));
    return out;
  }
  const candidates = atts.filter(
    (a) => REPORT_TYPES.test(a.contentType) || /\.(xml|json|gz|zip)$/i.test(a.filename ?? ''),
  );
  if (candidates.length > limits.maxEntries)
    throw new ReportRejected(
      'archive_too_many_entries',
      `the message has ${candidates.length} report attachments (limit ${limits.maxEntries})`,
    );
  for (const a of candidates) out.push(...(await decode(a.content, limits, 1)));
  if (out.length === 0)
    throw new ReportRejected(
      'not_a_report',
      'the message carries no DMARC aggregate (XML, gzip, zip), failure (ARF) or TLS-RPT (JSON) part',
    );
  return out;
}

export async function parseReportInput(buf: Buffer, limits: ReportLimits): Promise<ParseOutcome> {
  try {
    if (buf.length > limits.maxInputBytes)
      throw new ReportRejected('too_large', `the input is ${buf.length} bytes (limit ${limits.maxInputBytes})`);
    return { ok: true, reports: await decode(buf, limits, 0) };
  } catch (e) {
    if (e instanceof ReportRejected) return { ok: false, code: e.code, reason: e.message };
    // A parser bug or an input no layer foresaw: still a refusal, not a crash.
    return { ok: false, code: 'report_invalid', reason: `the report could not be parsed: ${(e as Error).message}` };
  }
}
