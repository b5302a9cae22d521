import { parseMailDate, receivedHops } from '../analysis/received.analysis';
import { registrableDomain } from '../analysis/url.analysis';
import { domainOf, h, type ContentRule } from './rule.types';

/**
 * Header fields that mail software writes one way and spamware another: dates, Message-IDs, the
 * mailer's name, the From display name, subjects carrying campaign ids. Each rule follows a
 * SpamAssassin or rspamd rule named in its title; our points are at most theirs, because we do not
 * know which Received hops were trusted.
 */

/** Outlook Express 4-6 Message-IDs (SpamAssassin 20_ratware.cf __OE_MSGID_1/_2). */
const OE_MSGID = [
  /^<(?:[0-9a-f]{8}|[0-9a-f]{12})\$[0-9a-f]{8}\$[0-9a-f]{8}@\S+>$/i,
  /^<[A-Za-z0-9-]{7}[A-Za-z0-9]{20}@hotmail\.com>$/,
];
const HOUR = 3600_000;

export const HEADER_FORGERY_RULES: ContentRule[] = [
  {
    code: 'DATE_NO_TIMEZONE',
    area: 'structure',
    points: 1.0,
    severity: 'warning',
    title: 'The Date header has no time zone (SpamAssassin INVALID_DATE)',
    remediation:
      'RFC 5322 §3.3 requires a zone ("+0000"); mail libraries always write one, so a bare local time marks hand-made or spamware headers.',
    references: ['https://www.rfc-editor.org/rfc/rfc5322#section-3.3'],
    test: (f) => {
      const d = h(f, 'date')[0];
      if (d === undefined) return null;
      const p = parseMailDate(d);
      return p.ms !== undefined && !p.hasZone ? { detail: `Date "${d.slice(0, 100)}" has no zone offset.` } : null;
    },
  },
  {
    code: 'DATE_IN_FUTURE',
    area: 'structure',
    points: 1.5,
    severity: 'warning',
    title: 'The Date header is hours later than the first Received time (SpamAssassin DATE_IN_FUTURE_*)',
    remediation:
      'The message claims to be written after the first relay received it; spamware forges dates to float to the top of inboxes. Let the sending software set Date from a synchronised clock.',
    references: ['https://www.rfc-editor.org/rfc/rfc5322#section-3.6.1'],
    test: (f) => {
      const d = h(f, 'date')[0];
      const date = d === undefined ? undefined : parseMailDate(d).ms;
      // The bottom-most dated hop is the first relay: RFC 5321 §4.4 prepends trace fields.
      const first = receivedHops(h(f, 'received'))
        .map((x) => x.date)
        .filter((x): x is number => x !== undefined)
        .pop();
      if (date === undefined || first === undefined) return null;
      const ahead = (date - first) / HOUR;
      return ahead >= 3
        ? {
            detail: `Date is ${ahead.toFixed(1)} hours after the first Received time.`,
            evidence: { date: d, firstReceived: new Date(first).toISOString() },
          }
        : null;
    },
  },
  {
    code: 'SUBJECT_TRACKING_ID',
    area: 'text',
    points: 1.0,
    severity: 'warning',
    title: 'The Subject carries a campaign id set off by a run of spaces',
    remediation:
      'Subjects like "Great offer!          4711" are bulk-mail software stamping a per-copy id to defeat checksum filters; keep ids out of the Subject.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) => {
      const m = /(?:\S\s{5,}[#[(]?[A-Za-z]{0,3}\d{3,}[\])]?\s*$)|(?:^\s*[#[(]?\d{3,}[\])]?\s{5,}\S)/.exec(f.subject);
      return m
        ? { detail: `Subject "${f.subject.replace(/\s+/g, ' ').slice(0, 100)}" has an id after a run of spaces.` }
        : null;
    },
  },
  {
    code: 'FROM_DISPLAY_NAME_SPOOF',
    area: 'structure',
    points: 2.0,
    severity: 'error',
    title: 'The From display name shows another address than the real sender (rspamd SPOOF_DISPLAY_NAME)',
    remediation:
      'Mail clients show the name, so "billing@bank.example" <x@other.example> reads as the bank. Use a plain name, or the real address.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) => {
      const hit = f.from.find((a) => {
        const shown = /(?<![^\s<>"@])[^\s<>"@]+@([a-z0-9-]+(?:\.[a-z0-9-]+)+)/i.exec(a.name)?.[1];
        const real = domainOf(a.address);
        return shown && real && registrableDomain(shown) !== registrableDomain(real);
      });
      return hit ? { detail: `From shows "${hit.name.slice(0, 100)}" but the address is ${hit.address}.` } : null;
    },
  },
  {
    code: 'MUA_FORGED_OUTLOOK',
    area: 'structure',
    points: 2.0,
    severity: 'error',
    title: "X-Mailer claims Outlook Express but the Message-ID is not Outlook's (SpamAssassin FORGED_MUA_OUTLOOK)",
    remediation:
      'Outlook Express writes Message-IDs like <000801c2...$...$...@host>; a different form means another program borrowed its name. Do not fake X-Mailer.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) => {
      const mailer = h(f, 'x-mailer')[0];
      const mid = h(f, 'message-id')[0]?.trim();
      if (!mailer || !mid || !/\bOutlook Express [456]\./.test(mailer)) return null;
      return OE_MSGID.some((re) => re.test(mid))
        ? null
        : { detail: `X-Mailer "${mailer.slice(0, 80)}" with Message-ID ${mid.slice(0, 100)}.` };
    },
  },
  {
    code: 'MSGID_RATWARE',
    area: 'structure',
    points: 1.0,
    severity: 'warning',
    title: 'Message-ID made of capital letters only (SpamAssassin MSGID_SPAM_CAPS)',
    remediation:
      "Mail software builds Message-IDs from time stamps, counters or UUIDs (RFC 5322 §3.6.4); a run of random capitals before the @ is a bulk-mail tool's signature.",
    references: ['https://www.rfc-editor.org/rfc/rfc5322#section-3.6.4'],
    test: (f) => {
      const mid = h(f, 'message-id')[0]?.trim();
      return mid && /^<?[A-Z]{12,}@/.test(mid) ? { detail: `Message-ID ${mid.slice(0, 100)}.` } : null;
    },
  },
];
