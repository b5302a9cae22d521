import { BASIS_RANK, explainWithBasis, type ExplanationBasis } from '../explain/explain.engine';
import type { Explanation } from '../explain/explain.types';
import { parseReply } from '../explain/reply.parser';
import { linearRegex } from '../../common/text/linear-regex';
import { bouncePatterns } from './bounce-patterns';
import type { BounceAction, BounceAnalysis, BounceFormat, BounceRecipient } from './bounce.types';
import { dsnAddress, parseDeliveryStatus } from './dsn.parser';
import { header, headerText, leaves, parseHeaders, parseMime, type MimePart } from './mime.parser';
import { parseSesNotification } from './ses-notification.parser';
import {
  copiedHeaders,
  errorSection,
  isAddress,
  normalizeAddress,
  parseTextBounce,
  unquoteForwarded,
} from './text-bounce.parser';

/** Finding codes that mean the address itself will never work (remove it from lists). */
const HARD_CODES = new Set([
  'SMTP_RECIPIENT_UNKNOWN',
  'SMTP_RECIPIENT_MOVED',
  'RECIPIENT_DOMAIN_NOT_FOUND',
  'RECIPIENT_DOMAIN_NULL_MX',
  'SMTP_RECIPIENT_SYNTAX_INVALID',
  'SMTP_NOT_ACCEPTING_MAIL',
]);
const ENHANCED = /(?<![\d.])[245]\.\d{1,3}\.\d{1,3}(?!\.?\d)/;
const MAX_INPUT = 10 * 1024 * 1024;
// Linear engine: as a backtracking search this is quadratic on a long word without "@".
const ADDRESS = linearRegex(/[^\s<>"',;:()]+@[^\s<>"',;:()]+/g);

function addressesIn(value: string | undefined): string[] {
  if (!value) return [];
  return [...ADDRESS.matchAll(value)].map((m) => normalizeAddress(m[0])).filter(isAddress);
}

function textOf(root: MimePart): string {
  const texts = leaves(root)
    .filter(
      (p) =>
        p.contentType === 'text/plain' || p.contentType === 'text/html' || p.contentType === 'message/delivery-status',
    )
    .filter((p) => p.contentType !== 'text/html' || !leaves(root).some((q) => q.contentType === 'text/plain'))
    .map((p) =>
      p.contentType === 'text/html'
        ? p.text
            .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/tr>/gi, '\n')
            .replace(/<[^<>]+>/g, ' ')
            .replace(/&nbsp;/g, ' ')
            .replace(/&lt;/g, '<')
            .replace(/&gt;/g, '>')
            .replace(/&amp;/g, '&')
        : p.text,
    );
  return texts.join('\n');
}

/** The original message (message/rfc822 or text/rfc822-headers part), headers only. */
function originalHeaders(root: MimePart): Map<string, string[]> | undefined {
  const part = leaves(root).find(
    (p) =>
      p.contentType === 'message/rfc822' ||
      p.contentType === 'text/rfc822-headers' ||
      p.contentType === 'message/rfc822-headers',
  );
  if (!part) return undefined;
  return parseHeaders(part.text.split(/\r?\n\r?\n/, 1)[0]);
}

/** Explain a diagnostic; when it says too little, the bounce's own wording may say more. */
function explainBest(candidates: string[]): { explanation: Explanation; basis: ExplanationBasis } {
  let best: { explanation: Explanation; basis: ExplanationBasis } | undefined;
  let firstClass: string | undefined;
  for (const text of candidates) {
    if (!text || !text.trim()) continue;
    const parsed = parseReply(text);
    // Later, vaguer texts may name the cause better, but never overturn the class of a reply
    // already read (a transcript's "250 Ok" must not replace its "451" failure).
    const cls = parsed.code !== null ? String(parsed.code)[0] : parsed.enhancedStatus?.[0];
    if (firstClass && cls && cls !== firstClass) continue;
    firstClass ??= cls;
    const r = explainWithBasis(parsed);
    if (!best || BASIS_RANK[r.basis] > BASIS_RANK[best.basis]) best = r;
    if (BASIS_RANK[best.basis] >= BASIS_RANK.enhanced) break;
  }
  return best ?? explainWithBasis(parseReply(''));
}

/**
 * The status of a recipient whose report carries none: the quoted reply's own codes, else the
 * bounce's wording. A final bounce quoting a 4xx reply keeps class 4: the cause was transient and
 * the MTA gave up (the action says "failed"), as Postfix reports it (Status 4.x.x, Action failed).
 * A message returned because its queue lifetime ran out is X.4.7, which RFC 3463 §3.5 calls
 * "useful only as a persistent transient error", hence 4.4.7.
 */
function statusFrom(explanation: Explanation, delayed: boolean, expired = false): string {
  const digit = explanation.code !== null ? String(explanation.code)[0] : null;
  if (explanation.enhancedStatus && (!digit || explanation.enhancedStatus[0] === digit))
    return explanation.enhancedStatus;
  if (digit === '2' || digit === '4' || digit === '5') return `${digit}.0.0`;
  if (expired) return '4.4.7';
  return delayed ? '4.0.0' : '5.0.0';
}

/**
 * A reply quoted inside another MTA's wrapper, e.g. Amazon SES's
 * "5.1.0 - Unknown address error 550-'5.7.1 <...>... Access denied'": the inner reply is what the
 * receiving server said, the wrapper only SES's summary of it.
 */
function innerReply(diag: string | null | undefined): string | null {
  if (!diag) return null;
  const m = /\b([245]\d\d)[ -]?(['"])((?:[245]\.\d{1,3}\.\d{1,3}\s)?[^'"]{3,}?)\2/.exec(diag);
  return m ? `${m[1]} ${m[3]}` : null;
}

/**
 * In a session transcript ("Out: 250 2.1.5 Ok" / "In: DATA" / "Out: 451 4.3.0 ...", or
 * Sendmail's "<<<" lines) the first 4xx/5xx reply is the failure; earlier 2xx/3xx replies only
 * show how far the session got.
 */
function transcriptFailure(diag: string | null | undefined): string | null {
  // [ \t], not \s: under the m flag "^\s*" rescans a run of blank lines from every line start.
  if (!diag || !/^[ \t]*(?:out:|<<<)[ \t]*[2-5]\d\d/im.test(diag)) return null;
  const lines = diag.split('\n');
  const i = lines.findIndex((l) => /^\s*(?:out:|<<<)\s*[45]\d\d/i.test(l));
  if (i < 0) return null;
  const code = /[45]\d\d/.exec(lines[i])![0];
  const reply = [lines[i]];
  for (const l of lines.slice(i + 1)) {
    if (!new RegExp(`^\\s*(?:out:|<<<)\\s*${code}[ -]`, 'i').test(l)) break;
    reply.push(l);
  }
  return reply.map((l) => l.replace(/^\s*(?:out:|<<<)\s*/i, '')).join('\n');
}

/** The reply to explain for one diagnostic: the inner reply of a wrapper, the failing transcript line, or itself. */
function replyOf(diag: string | null | undefined): string {
  // Zoho writes the reply code as a field: "Error, ERROR_CODE :421, ERROR_CODE :, Host not reachable."
  const fielded = diag?.replace(/ERROR_CODE\s*:\s*([245]\d\d)\b,?/i, '$1');
  return innerReply(fielded) ?? transcriptFailure(fielded) ?? fielded ?? '';
}

/**
 * Hard only when the address itself is the problem. An "unknown user" in reply to the message
 * content (end of DATA) means the recipient was accepted at RCPT and a filter refused the
 * content; without a stage, a specific status naming another cause (5.2.2 mailbox full,
 * 5.2.1 disabled) outranks the wording. (Sendmail's ">>> DATA" transcripts are pipelined RCPT
 * replies, so the DATA command alone does not count.)
 */
function isHard(explanation: Explanation, status: string | null, stage: Stage, basis?: ExplanationBasis): boolean {
  if (!HARD_CODES.has(explanation.findingCode)) return false;
  // RFC 5321 §3.3: before RCPT TO no recipient has been named, so a refusal there (greeting,
  // HELO, MAIL FROM) is about us; and a local program's output (x-unix) is a mailer error.
  if (stage === 'session' || stage === 'program') return false;
  // An explicit address status (5.1.x: other address status, unknown, moved, bad domain) pins
  // the failure on the address.
  const addressStatus = [explanation.enhancedStatus, status].some(
    (s) => s !== null && s !== undefined && /^5\.1\.(0|1|2|6|10)$/.test(s),
  );
  if (stage === 'content' && !addressStatus) return false;
  // "Unknown user" with neither the command it answered (RCPT) nor an address status: content
  // filters answer the end of DATA with the same words, so the bounce does not show that the
  // mailbox is missing (Sisimai's "filtered" rule, Sisimai::Reason::UserUnknown/Filtered). A
  // provider's documented code or text for a missing account (Gmail NoSuchUser, Exchange
  // 000C05A6, Yahoo "dd", Orange 416 ...) does show it, and so does the local delivery of the
  // MTA that holds the mailbox (no SMTP reply involved: "mail.local: unknown user").
  if (
    explanation.findingCode === 'SMTP_RECIPIENT_UNKNOWN' &&
    stage !== 'rcpt' &&
    stage !== 'local' &&
    !addressStatus &&
    basis !== 'provider'
  )
    return false;
  // A transcript reply read after ">>> DATA" (pipelining) counts as content-stage unless the
  // reported status or a provider's own wording pins it on the address.
  if (stage === 'transcript-data' && !addressStatus && basis !== 'provider') return false;
  // X.7.x is "delivery not authorized": a policy refusal worded as "unknown user" (filters do
  // this) says nothing reliable about the address.
  if (stage !== 'rcpt' && (/^5\.7\./.test(explanation.enhancedStatus ?? '') || /^5\.7\./.test(status ?? '')))
    return false;
  if (stage !== 'rcpt' && status) {
    const reported = explainWithBasis(parseReply(status));
    if (reported.basis === 'enhanced' && !HARD_CODES.has(reported.explanation.findingCode)) return false;
  }
  return true;
}

type Stage = 'session' | 'rcpt' | 'content' | 'transcript-data' | 'program' | 'local' | undefined;

function stageOf(...texts: (string | null | undefined)[]): Stage {
  for (const t of texts) {
    if (!t) continue;
    // "SMTP:RCPT host 192.0.2.8: 553 ...": the failed command, then the host that answered.
    if (
      /in reply to end of data|after end of data|SMTP command:?\s*DATA\b|after DATA\b|\[DATA\]|\bSMTP:DATA\b/i.test(t)
    )
      return 'content';
    if (
      /(?:>>>|<<<|after|in reply to|from)\s*RCPT TO|RCPT TO response|RCPT TO:?\s*<[^<>\s]+>:|\[RCPT_TO\]|did not like our RCPT|does not like recipient|in reply to RCPT|after RCPT\b|\bSMTP:RCPT\b/i.test(
        t,
      )
    )
      return 'rcpt';
    if (bouncePatterns().sessionStage.test(t)) return 'session';
    // Sendmail transcript: the failing reply was read after ">>> DATA".
    if (/^>>>\s*DATA\s*$/im.test(t)) return 'transcript-data';
  }
  return undefined;
}

function recipient(
  address: string,
  action: BounceAction,
  status: string | null,
  remoteMta: string | null,
  diagnosticCode: string | null,
  explanation: Explanation,
  stage?: Stage,
  basis?: ExplanationBasis,
): BounceRecipient {
  // A final failure with an address status (4.1.x: the MTA gave up on "user unknown" answered
  // with a temporary code) condemns the address as much as 5.1.x does.
  const permanent = status
    ? status.startsWith('5') || (action === 'failed' && /^4\.1\.\d+$/.test(status))
    : explanation.class === 'permanent';
  let reason: BounceRecipient['reason'] = explanation.category;
  if (action === 'complaint') reason = 'feedback';
  else if (action === 'auto-replied') reason = 'auto_reply';
  else if (action === 'delivered' || action === 'relayed' || action === 'expanded' || status?.startsWith('2'))
    reason = 'delivered';
  const hard =
    reason !== 'delivered' &&
    action !== 'complaint' &&
    action !== 'auto-replied' &&
    permanent &&
    isHard(explanation, status, stage, basis);
  return { address, action, status, remoteMta, diagnosticCode, hardSoft: hard ? 'hard' : 'soft', reason, explanation };
}

function analyzeArf(part: MimePart, root: MimePart): BounceAnalysis {
  // RFC 5965 §3.1-3.2: machine-readable fields; the complained-about recipient is
  // Original-Rcpt-To when present, else the To: of the returned message.
  const h = parseHeaders(part.text);
  const feedbackType = h.get('feedback-type')?.[0]?.toLowerCase().trim() ?? 'other';
  let addresses = (h.get('original-rcpt-to') ?? []).flatMap(addressesIn);
  if (addresses.length === 0) addresses = (h.get('removal-recipient') ?? []).flatMap(addressesIn);
  if (addresses.length === 0) addresses = addressesIn(originalHeaders(root)?.get('to')?.join(', '));
  const explanation = {
    ...explainWithBasis(parseReply('')).explanation,
    category: 'spam_content' as const,
    findingCode: 'COMPLAINT_REPORTED',
    title: `Feedback report (${feedbackType}) from a mailbox provider`,
    meaning:
      'An RFC 5965 feedback report: a recipient or the provider reported the message (complaint, fraud, authentication failure or opt-out). It is not a delivery failure.',
    remediation: [
      'Stop mailing the reporting recipient, and review how they were subscribed.',
      'For auth-failure reports, run the DNS audit of the sender domain.',
    ],
    references: ['https://www.rfc-editor.org/rfc/rfc5965', 'https://www.rfc-editor.org/rfc/rfc6591'],
    suggestedChecks: ['content' as const, 'dns' as const],
    retryable: false,
  };
  const uniq = [...new Map(addresses.map((a) => [a.toLowerCase(), a])).values()];
  return {
    isBounce: true,
    format: 'arf',
    reportingMta: h.get('reporting-mta')?.[0]?.replace(/^[\w-]+;\s*/, '') ?? null,
    feedbackType,
    originalMessageId: originalHeaders(root)?.get('message-id')?.[0] ?? null,
    recipients: uniq.map((a) => recipient(a, 'complaint', null, null, null, explanation)),
  };
}

/**
 * Analyse one bounce, complaint or auto-reply. RFC 3464 delivery-status parts first, then
 * RFC 5965 feedback reports, then the text formats of MTAs that send no DSN, then RFC 3834
 * auto-replies. Never throws on malformed input: a message that is none of these gives
 * `isBounce: false` and no recipients.
 */
export function analyzeBounce(raw: string | Buffer): BounceAnalysis {
  return analyzeBounceAt(raw, 0);
}

function analyzeBounceAt(raw: string | Buffer, depth: number): BounceAnalysis {
  const input = typeof raw === 'string' ? raw.slice(0, MAX_INPUT) : raw.subarray(0, MAX_INPUT);
  const root = parseMime(input);
  const all = leaves(root);
  for (const leaf of all) if (leaf.contentType === 'text/plain') leaf.text = unquoteForwarded(leaf.text);
  const subject = headerText(header(root, 'subject'));
  const from = header(root, 'from') ?? '';
  const text = textOf(root);
  const copied = copiedHeaders(text);
  const original = originalHeaders(root) ?? (copied ? parseHeaders(copied) : undefined);
  const originalMessageId = original?.get('message-id')?.[0] ?? null;
  const section = errorSection(text);
  const p = bouncePatterns();
  const delayed = p.delayWording.test(subject) || (p.delayWording.test(section) && !p.finalWording.test(subject));
  const expired = !delayed && p.expiredWording.test(section);

  const feedback = all.find((x) => x.contentType === 'message/feedback-report');
  if (feedback) return analyzeArf(feedback, root);

  const ses = parseSesNotification(text);
  if (ses.length > 0) {
    const recipients = ses.map((r) => {
      if (r.kind === 'complaint') {
        const arf = analyzeArf(
          { ...root, text: `Feedback-Type: ${r.feedbackType}\nOriginal-Rcpt-To: ${r.address}` },
          root,
        ).recipients[0];
        return arf;
      }
      const { explanation } = explainBest([r.diagnosticCode ?? '', r.status ?? '']);
      const action = (
        r.kind === 'delivery'
          ? 'delivered'
          : r.action === 'delayed' || r.bounceType === 'Transient'
            ? 'delayed'
            : 'failed'
      ) as BounceAction;
      return recipient(
        r.address,
        action,
        r.status ?? statusFrom(explanation, action === 'delayed'),
        r.reportingMta,
        r.diagnosticCode,
        explanation,
        stageOf(r.diagnosticCode),
      );
    });
    return {
      isBounce: true,
      format: 'text',
      reportingMta: ses[0].reportingMta,
      originalMessageId,
      recipients: recipients.filter((r) => r !== undefined),
    };
  }

  const exclude = new Set(
    [
      header(root, 'to'),
      from,
      header(root, 'return-path'),
      header(root, 'reply-to'),
      original?.get('from')?.[0],
      original?.get('return-path')?.[0],
      original?.get('sender')?.[0],
    ]
      .flatMap(addressesIn)
      .map((a) => a.toLowerCase()),
  );
  const failedHeader = (root.headers.get('x-failed-recipients') ?? []).flatMap(addressesIn);

  // RFC 3464 (and RFC 6533 message/global-delivery-status); a DSN pasted into a text part too.
  const dsnParts = all.filter((x) => /^message\/(global-)?delivery-status$/.test(x.contentType));
  if (dsnParts.length === 0) {
    const inline = all.find(
      (x) =>
        x.contentType.startsWith('text/') &&
        /^Final-Recipient\s*:/im.test(x.text) &&
        /^(Status|Action)\s*:/im.test(x.text),
    );
    if (inline)
      dsnParts.push({
        ...inline,
        text: inline.text.slice(inline.text.search(/^(Reporting-MTA|Final-Recipient|Original-Recipient)\s*:/im)),
      });
  }
  const textRecipients = () => parseTextBounce(text, exclude);
  if (dsnParts.length === 0 && depth === 0) {
    // A notice that forwards another MTA's delivery report as an attached message (an RFC 6522
    // multipart/report inside message/rfc822) and has no report of its own: the attached report,
    // with its machine-readable fields, is the evidence.
    const forwarded = all.find(
      (x) =>
        x.contentType === 'message/rfc822' &&
        /^\s*multipart\/report\s*;[^]*report-type\s*=\s*"?delivery-status/i.test(
          header({ headers: parseHeaders(x.text.split(/\r?\n\r?\n/, 1)[0]) }, 'content-type') ?? '',
        ),
    );
    if (forwarded) {
      const inner = analyzeBounceAt(Buffer.from(forwarded.text, 'latin1'), 1);
      if (inner.recipients.length > 0) return inner;
    }
  }
  if (dsnParts.length > 0) {
    const dsn = dsnParts.map((x) => parseDeliveryStatus(x.text));
    const rows = dsn.flatMap((d) => d.recipients);
    if (rows.length > 0) {
      let fromText: ReturnType<typeof parseTextBounce> | undefined;
      const recipients = rows.map((r, i) => {
        let address = r.finalRecipient ?? r.originalRecipient ?? failedHeader[i] ?? null;
        if (!address || !isAddress(address)) {
          fromText ??= textRecipients();
          address = fromText[i]?.address ?? address ?? '';
        }
        const textDiag =
          (fromText ??= textRecipients()).find((t) => t.address.toLowerCase() === address.toLowerCase())?.diagnostic ??
          '';
        const diag = r.diagnosticCode;
        const withStatus = diag && r.status && !ENHANCED.test(diag) ? `${diag} (#${r.status})` : diag;
        // A reply quoted inside a wrapper is the receiving server's word; the wrapper's summary
        // (and the bounce text repeating it) must not relabel it.
        const inner = innerReply(diag);
        const { explanation, basis } = explainBest(
          inner ? [inner] : [transcriptFailure(diag) ?? withStatus ?? '', replyOf(textDiag), r.status ?? '', section],
        );
        const action = (
          ['failed', 'delayed', 'delivered', 'relayed', 'expanded'].includes(r.action ?? '')
            ? r.action
            : delayed
              ? 'delayed'
              : 'failed'
        ) as BounceAction;
        let status = r.status ?? statusFrom(explanation, action === 'delayed', expired);
        // The reporting MTA may downgrade a remote 5xx to 4.x.x (Postfix does at the greeting);
        // when it then failed the message and the remote server gave its own permanent enhanced
        // status (RFC 3463), that verdict is the status. A bare 5xx next to a 4.x.x is left alone.
        const said = diag ? parseReply(diag) : null;
        if (
          action === 'failed' &&
          status.startsWith('4') &&
          said?.enhancedStatus?.startsWith('5') &&
          String(said.code ?? 5).startsWith('5')
        )
          status = said.enhancedStatus;
        // RFC 3464 §2.3.5: Remote-MTA MUST be given when the failure was an SMTP relay attempt;
        // without it and without a Diagnostic-Code, the reporting MTA failed its own local delivery.
        const stage =
          r.diagnosticType === 'x-unix'
            ? 'program'
            : (stageOf(diag, textDiag, section) ?? (!r.remoteMta && !diag ? 'local' : undefined));
        return recipient(address, action, status, r.remoteMta, diag, explanation, stage, basis);
      });
      return {
        isBounce: true,
        format: 'rfc3464',
        reportingMta: dsn.find((d) => d.reportingMta)?.reportingMta ?? null,
        originalMessageId,
        recipients,
      };
    }
  }

  // A mailer-daemon sender, a null return path (RFC 5321 §4.5.5) or X-Failed-Recipients mark a
  // bounce even when it also says Auto-Submitted; a bounce-like subject alone does not.
  const nullReturnPath = /^<?>?$/.test((header(root, 'return-path') ?? 'x').trim());
  const autoSubmitted = (header(root, 'auto-submitted') ?? '').toLowerCase();
  const autoReply =
    /auto-replied/.test(autoSubmitted) ||
    root.headers.has('x-autoreply') ||
    root.headers.has('x-autorespond') ||
    /auto_?reply/i.test(header(root, 'precedence') ?? '') ||
    /^(auto(matic)?[ -]?(reply|response)|out of (the )?office|vacation|away from)/i.test(
      subject.replace(/^(re|aw):\s*/i, ''),
    );

  const fromDaemon = p.bounceFrom.test(from) || failedHeader.length > 0 || (nullReturnPath && !autoReply);
  if (fromDaemon || (p.bounceSubject.test(subject) && !autoReply)) {
    let found = textRecipients();
    if (found.length === 0 && failedHeader.length > 0)
      found = failedHeader.map((a) => ({ address: a, diagnostic: '' }));
    if (found.length === 0)
      found = addressesIn(original?.get('to')?.join(', '))
        .slice(0, 1)
        .map((a) => ({ address: a, diagnostic: '' }));
    if (found.length > 0) {
      const recipients = found.map((f) => {
        // With several recipients, the error section and the subject mix their errors: explain
        // each recipient from its own lines only.
        const { explanation, basis } = explainBest(
          found.length > 1 ? [replyOf(f.diagnostic)] : [replyOf(f.diagnostic), section, subject],
        );
        const status = statusFrom(explanation, delayed, expired);
        const diag = f.diagnostic ? f.diagnostic.replace(/\s+/g, ' ').slice(0, 1000) : null;
        return recipient(
          f.address,
          delayed && status.startsWith('4') ? 'delayed' : 'failed',
          status,
          parseReply(f.diagnostic || section).remoteHost ?? null,
          diag,
          explanation,
          stageOf(f.diagnostic, section),
          basis,
        );
      });
      return { isBounce: true, format: 'text', reportingMta: null, originalMessageId, recipients };
    }
  }

  if (autoReply) {
    // RFC 3834 §3.1.7: an automatic response; the replying mailbox is its From.
    const address = addressesIn(from)[0];
    if (address) {
      const base = explainWithBasis(parseReply('')).explanation;
      const explanation: Explanation = {
        ...base,
        category: 'other',
        findingCode: 'AUTO_REPLY',
        class: 'success',
        title: 'Automatic reply (vacation or out of office), not a bounce',
        meaning:
          "An RFC 3834 automatic response: the message was delivered and the recipient's mailbox answered automatically.",
        remediation: ['Nothing to fix; do not count auto-replies as bounces.'],
        references: ['https://www.rfc-editor.org/rfc/rfc3834'],
        suggestedChecks: [],
        retryable: false,
      };
      return {
        isBounce: true,
        format: 'rfc3834',
        reportingMta: null,
        originalMessageId,
        recipients: [recipient(address, 'auto-replied', null, null, null, explanation)],
      };
    }
  }

  return { isBounce: false, format: 'none' as BounceFormat, reportingMta: null, originalMessageId, recipients: [] };
}

export { dsnAddress };
