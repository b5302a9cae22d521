import { createHash } from 'node:crypto';
import { parseHeaders } from '../bounces/mime.parser';
import { ReportRejected, type FailureReport } from './report.types';

/**
 * DMARC failure reports (RFC 9991, and RFC 6591 before it): an ARF message (RFC 5965) whose
 * message/feedback-report part has Feedback-Type: auth-failure. The fields are header syntax, so
 * the bounce module's header parser reads them. The report has no id of its own: the id is a hash
 * of the fields that identify the reported message, so the same report sent twice dedups.
 */
export function parseFailureReport(feedback: string, originalHeaders?: string): FailureReport {
  const h = parseHeaders(feedback);
  const get = (k: string) => h.get(k)?.[0]?.trim() || undefined;
  const feedbackType = get('feedback-type')?.toLowerCase();
  if (!feedbackType) throw new ReportRejected('report_invalid', 'the feedback report has no Feedback-Type');
  const orig = originalHeaders ? parseHeaders(originalHeaders) : undefined;
  const og = (k: string) => orig?.get(k)?.[0]?.trim() || undefined;
  const authResults = get('authentication-results');
  const fromDomain = /header\.from=([^\s;]+)/i.exec(authResults ?? '')?.[1];
  const origFromDomain = addressDomain(og('from'));
  const domain = (get('reported-domain') ?? fromDomain ?? origFromDomain ?? '').toLowerCase();
  if (!domain) throw new ReportRejected('report_invalid', 'the failure report names no Reported-Domain');
  // Some generators append the PTR name: "148.163.85.135 (host.example)".
  const sourceIp = get('source-ip')?.split(/[\s(]/)[0];
  const arrivalDate = get('arrival-date') ?? get('received-date');
  const messageId = og('message-id') ?? get('message-id');
  const reportId = createHash('sha256')
    .update([domain, sourceIp, arrivalDate, messageId, get('original-rcpt-to'), feedbackType].join('\n'))
    .digest('hex')
    .slice(0, 32);
  const original = orig ? { from: og('from'), subject: og('subject'), messageId: og('message-id') } : undefined;
  return {
    kind: 'failure',
    reportId,
    feedbackType,
    domain,
    ...(sourceIp ? { sourceIp } : {}),
    ...(arrivalDate ? { arrivalDate } : {}),
    ...(get('auth-failure') ? { authFailure: get('auth-failure')!.toLowerCase() } : {}),
    ...(get('delivery-result') ? { deliveryResult: get('delivery-result')!.toLowerCase() } : {}),
    ...(get('dkim-domain') ? { dkimDomain: get('dkim-domain')!.toLowerCase() } : {}),
    ...(get('dkim-selector') ? { dkimSelector: get('dkim-selector') } : {}),
    ...(get('spf-dns') ? { spfDns: get('spf-dns') } : {}),
    ...(get('original-mail-from') ? { originalMailFrom: get('original-mail-from') } : {}),
    ...(get('original-rcpt-to') ? { originalRcptTo: get('original-rcpt-to') } : {}),
    ...(authResults ? { authenticationResults: authResults } : {}),
    ...(original ? { original: JSON.parse(JSON.stringify(original)) as FailureReport['original'] } : {}),
  };
}

/** The domain of the last address in a From value ("Name <a@b.example>"), scanned without a backtracking pattern. */
function addressDomain(from: string | undefined): string | undefined {
  const at = from?.lastIndexOf('@') ?? -1;
  if (!from || at < 0) return undefined;
  let rest = from.slice(at + 1).trimEnd();
  if (rest.endsWith('>')) rest = rest.slice(0, -1);
  return /^[^>\s]+$/.test(rest) ? rest : undefined;
}
