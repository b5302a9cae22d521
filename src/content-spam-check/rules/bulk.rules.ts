import { parseParams } from '../raw/header-block';
import { h, type MessageFacts } from './rule.types';
import type { Severity } from '../../common/finding';

/**
 * Bulk-sender requirements of the large mailbox providers (Gmail and Yahoo, February 2024):
 * each row pass/fail/unknown/not-applicable. A failing row becomes a finding (with points) when the
 * requirement applies: `all` senders, or `bulk` ones when the message looks like bulk mail.
 */
export type ComplianceStatus = 'pass' | 'fail' | 'unknown' | 'not-applicable';

export interface ComplianceRow {
  code: string;
  requirement: string;
  appliesTo: 'all' | 'bulk';
  status: ComplianceStatus;
  detail: string;
}

export interface ComplianceRule {
  code: string;
  requirement: string;
  appliesTo: 'all' | 'bulk';
  points: number;
  severity: Severity;
  title: string;
  remediation: string;
  references?: string[];
  check(f: MessageFacts): { status: ComplianceStatus; detail: string };
}

const GMAIL = 'https://support.google.com/a/answer/81126';
const YAHOO = 'https://senders.yahooinc.com/best-practices/';

const spfPass = (f: MessageFacts) => f.auth?.spf?.result === 'pass';
const dkimPass = (f: MessageFacts) => (f.auth?.dkim ?? []).some((d) => d.result === 'pass');

/** DKIM-Signature h= lists of signatures that verified (RFC 6376 §3.5). */
function signedHeaderLists(f: MessageFacts): string[][] {
  const passing = new Set((f.auth?.dkim ?? []).filter((d) => d.result === 'pass').map((d) => d.domain.toLowerCase()));
  return h(f, 'dkim-signature')
    .map((v) => {
      const tags = Object.fromEntries(
        v
          .split(';')
          .map((t) => t.split('=').map((s) => s.trim()))
          .filter((kv) => kv.length >= 2)
          .map(([k, ...r]) => [k!.toLowerCase(), r.join('=')]),
      );
      return { d: (tags.d ?? '').toLowerCase(), h: (tags.h ?? '').toLowerCase().replace(/\s+/g, '').split(':') };
    })
    .filter((s) => passing.has(s.d))
    .map((s) => s.h);
}

export const BULK_RULES: ComplianceRule[] = [
  {
    code: 'BULK_SPF_OR_DKIM',
    requirement: 'SPF or DKIM passes',
    appliesTo: 'all',
    points: 1.5,
    severity: 'error',
    title: 'Neither SPF nor DKIM authenticates the message',
    remediation: 'All senders to Gmail/Yahoo must pass SPF or DKIM; set up DKIM signing and an SPF record.',
    references: [GMAIL, YAHOO],
    check: (f) => {
      if (!f.auth) return { status: 'unknown', detail: 'authentication not evaluated' };
      if (dkimPass(f) || spfPass(f)) return { status: 'pass', detail: dkimPass(f) ? 'DKIM passes' : 'SPF passes' };
      if (!f.context?.clientIp)
        return { status: 'unknown', detail: 'no valid DKIM; SPF needs a delivery context (clientIp)' };
      return {
        status: 'fail',
        detail: `DKIM: ${f.auth.dkim.map((d) => d.result).join(',') || 'none'}; SPF: ${f.auth.spf?.result ?? 'none'}`,
      };
    },
  },
  {
    code: 'BULK_SPF_AND_DKIM',
    requirement: 'SPF and DKIM both pass',
    appliesTo: 'bulk',
    points: 0.5,
    severity: 'warning',
    title: 'Bulk mail must pass both SPF and DKIM',
    remediation: 'Senders of more than 5,000 messages a day to Gmail need both SPF and DKIM.',
    references: [GMAIL],
    check: (f) => {
      if (!f.auth) return { status: 'unknown', detail: 'authentication not evaluated' };
      if (!dkimPass(f)) return { status: 'fail', detail: 'DKIM does not pass' };
      if (!f.context?.clientIp) return { status: 'unknown', detail: 'DKIM passes; SPF needs a delivery context' };
      return spfPass(f)
        ? { status: 'pass', detail: 'SPF and DKIM pass' }
        : { status: 'fail', detail: `SPF ${f.auth.spf?.result ?? 'none'}` };
    },
  },
  {
    code: 'BULK_DMARC_RECORD',
    requirement: 'DMARC record published for the From domain',
    appliesTo: 'bulk',
    points: 0.5,
    severity: 'warning',
    title: 'Bulk mail needs a DMARC record on the From domain',
    remediation: 'Publish "_dmarc.<domain> TXT v=DMARC1; p=none" at least.',
    references: [GMAIL, YAHOO],
    check: (f) => {
      const d = f.auth?.dmarc;
      if (!d) return { status: 'unknown', detail: 'DMARC not evaluated (no From domain?)' };
      if (d.result === 'temperror') return { status: 'unknown', detail: 'DMARC lookup failed' };
      return d.record
        ? { status: 'pass', detail: d.record }
        : { status: 'fail', detail: `no DMARC record for ${d.domain ?? 'the From domain'}` };
    },
  },
  {
    code: 'BULK_DMARC_ALIGNED',
    requirement: 'From domain aligned with SPF or DKIM (DMARC passes)',
    appliesTo: 'bulk',
    points: 1.0,
    severity: 'error',
    title: 'The From domain does not align with SPF or DKIM',
    remediation: 'Sign with d= your From domain, or use an envelope sender under it (RFC 7489 §3.1).',
    references: [GMAIL, 'https://www.rfc-editor.org/rfc/rfc7489#section-3.1'],
    check: (f) => {
      const d = f.auth?.dmarc;
      if (!d) return { status: 'unknown', detail: 'DMARC not evaluated' };
      if (d.dkimAligned || d.spfAligned)
        return { status: 'pass', detail: d.dkimAligned ? 'DKIM aligned' : 'SPF aligned' };
      if (d.evaluated === 'dkim-only')
        return { status: 'unknown', detail: 'DKIM does not align; SPF alignment needs a delivery context' };
      return { status: 'fail', detail: 'neither SPF nor DKIM aligns with the From domain' };
    },
  },
  {
    code: 'BULK_LIST_UNSUBSCRIBE',
    requirement: 'List-Unsubscribe header (RFC 2369)',
    appliesTo: 'bulk',
    points: 1.0,
    severity: 'warning',
    title: 'Bulk mail without a List-Unsubscribe header',
    remediation: 'Add "List-Unsubscribe: <https://...>, <mailto:...>" (RFC 2369 §3.2).',
    references: ['https://www.rfc-editor.org/rfc/rfc2369#section-3.2', GMAIL],
    check: (f) =>
      h(f, 'list-unsubscribe').length
        ? { status: 'pass', detail: h(f, 'list-unsubscribe')[0]!.slice(0, 200) }
        : { status: 'fail', detail: 'no List-Unsubscribe header' },
  },
  {
    code: 'BULK_ONE_CLICK_UNSUBSCRIBE',
    requirement: 'One-click unsubscribe (RFC 8058)',
    appliesTo: 'bulk',
    points: 0.5,
    severity: 'warning',
    title: 'No RFC 8058 one-click unsubscribe',
    remediation:
      'Add an https URI in List-Unsubscribe, "List-Unsubscribe-Post: List-Unsubscribe=One-Click", and cover both headers with your DKIM signature (RFC 8058 §3.1, §4).',
    references: ['https://www.rfc-editor.org/rfc/rfc8058', GMAIL, YAHOO],
    check: (f) => {
      const lu = h(f, 'list-unsubscribe')[0];
      const post = h(f, 'list-unsubscribe-post')[0];
      if (!lu) return { status: 'fail', detail: 'no List-Unsubscribe header' };
      if (!/<https:\/\/[^<>]+>/i.test(lu))
        return { status: 'fail', detail: 'List-Unsubscribe has no https URI (RFC 8058 §3.1)' };
      if (!post || parseParams(`x; ${post}`).params['list-unsubscribe']?.toLowerCase() !== 'one-click') {
        return { status: 'fail', detail: 'List-Unsubscribe-Post: List-Unsubscribe=One-Click is missing' };
      }
      // RFC 8058 §4: a valid DKIM signature must cover both fields.
      const covered = signedHeaderLists(f).some(
        (l) => l.includes('list-unsubscribe') && l.includes('list-unsubscribe-post'),
      );
      if (!f.auth) return { status: 'unknown', detail: 'headers present; DKIM coverage not evaluated' };
      return covered
        ? { status: 'pass', detail: 'one-click headers present and DKIM-signed' }
        : { status: 'fail', detail: 'one-click headers are not covered by a valid DKIM signature (RFC 8058 §4)' };
    },
  },
  {
    code: 'BULK_FCRDNS',
    requirement: 'Sending IP has forward-confirmed reverse DNS',
    appliesTo: 'all',
    points: 1.0,
    severity: 'error',
    title: 'The sending IP has no forward-confirmed reverse DNS',
    remediation:
      'Give the sending IP a PTR record whose name resolves back to the same IP (ask your hosting provider).',
    references: [GMAIL, 'https://www.rfc-editor.org/rfc/rfc8601#section-3'],
    check: (f) => {
      if (!f.context?.clientIp || !f.iprev)
        return { status: 'not-applicable', detail: 'needs a delivery context (clientIp)' };
      if (f.iprev.result === 'temperror') return { status: 'unknown', detail: f.iprev.detail };
      return { status: f.iprev.result === 'pass' ? 'pass' : 'fail', detail: f.iprev.detail };
    },
  },
  {
    code: 'BULK_MESSAGE_FORMAT',
    requirement: 'RFC 5322 format: one From, a Date and a Message-ID',
    appliesTo: 'all',
    points: 0,
    severity: 'warning',
    title: 'The message breaks RFC 5322 formatting rules the providers enforce',
    remediation: 'Exactly one From, one Date and a Message-ID header (RFC 5322 §3.6).',
    references: [GMAIL, 'https://www.rfc-editor.org/rfc/rfc5322#section-3.6'],
    check: (f) => {
      const problems = [
        ...(h(f, 'from').length !== 1 ? [`${h(f, 'from').length} From fields`] : []),
        ...(h(f, 'date').length !== 1 ? [`${h(f, 'date').length} Date fields`] : []),
        ...(h(f, 'message-id').length !== 1 ? [`${h(f, 'message-id').length} Message-ID fields`] : []),
      ];
      return problems.length
        ? { status: 'fail', detail: problems.join(', ') }
        : { status: 'pass', detail: 'From, Date and Message-ID present once' };
    },
  },
];

/** Does the message look like bulk mail (lists, newsletters, campaigns)? */
export function detectBulk(
  get: (k: string) => string[],
  text: string,
  html: string | undefined,
): { looksBulk: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (get('list-unsubscribe').length) reasons.push('List-Unsubscribe header');
  if (get('list-id').length) reasons.push('List-Id header');
  const prec = get('precedence')[0]?.toLowerCase();
  if (prec && /bulk|list|junk/.test(prec)) reasons.push(`Precedence: ${prec}`);
  if (get('feedback-id').length) reasons.push('Feedback-ID header');
  if (/\bunsubscribe\b/i.test(text.slice(0, 200_000)) || (html && /\bunsubscribe\b/i.test(html.slice(0, 500_000))))
    reasons.push('"unsubscribe" in the body');
  return { looksBulk: reasons.length > 0, reasons };
}
