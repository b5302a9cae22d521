import addressparser from 'nodemailer/lib/addressparser';
import { registrableDomain } from '../analysis/url.analysis';
import { domainOf, h, type ContentRule, type MessageFacts } from './rule.types';

/**
 * Visible recipients (To and Cc, RFC 5322 §3.6.3). Mail to many people belongs in Bcc or on a
 * list; lists of harvested addresses (the same mailbox name at many domains) are a spam tell.
 */
const MAX_RECIPIENTS = 2000;
/** More visible addresses than a working group: a privacy leak and a bulk-mail sign. */
const MANY = 15;

function recipients(f: MessageFacts): string[] {
  const out: string[] = [];
  for (const v of [...h(f, 'to'), ...h(f, 'cc')]) {
    for (const a of addressparser(v.slice(0, 100_000), { flatten: true })) {
      if ('address' in a && a.address && out.length < MAX_RECIPIENTS) out.push(a.address.toLowerCase());
    }
  }
  return [...new Set(out)];
}

export const RECIPIENT_RULES: ContentRule[] = [
  {
    code: 'RECIPIENTS_SIMILAR',
    area: 'structure',
    points: 1.5,
    severity: 'warning',
    title: 'The same mailbox name at many domains in To/Cc (SpamAssassin SUSPICIOUS_RECIPS)',
    remediation:
      'webmaster@a, webmaster@b, webmaster@c... is a harvested list, not people who know you; mail only recipients who asked for it.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) => {
      const byLocal = new Map<string, Set<string>>();
      for (const r of recipients(f)) {
        const at = r.lastIndexOf('@');
        const d = registrableDomain(domainOf(r) ?? '');
        if (at <= 0 || !d) continue;
        const local = r.slice(0, at);
        byLocal.set(local, (byLocal.get(local) ?? new Set()).add(d));
      }
      const [local, domains] = [...byLocal.entries()].sort((a, b) => b[1].size - a[1].size)[0] ?? [
        '',
        new Set<string>(),
      ];
      return domains.size >= 3
        ? { detail: `"${local}@" at ${domains.size} different domains (${[...domains].slice(0, 4).join(', ')}...).` }
        : null;
    },
  },
  {
    code: 'RECIPIENTS_MANY',
    area: 'structure',
    points: 1.0,
    severity: 'warning',
    title: `${MANY} or more addresses visible in To/Cc`,
    remediation:
      "Everyone sees everyone's address; use Bcc, or a mailing list with List-Unsubscribe, for mail to many people.",
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) => {
      const n = recipients(f).length;
      return n >= MANY ? { detail: `${n} addresses in To and Cc.` } : null;
    },
  },
];
