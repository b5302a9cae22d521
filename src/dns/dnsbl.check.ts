import { isIP } from 'node:net';
import { finding, type Finding, type Severity } from '../common/finding';
import type { DnsResolver } from '../infra/dns/resolver.port';
import { countingResolver, isIndeterminate, type SectionStatus } from './dns.common';
import { DNS_FINDINGS as F } from './dns.findings';
import { ipv6Nibbles } from './spf.macro';

/**
 * DNS blocklists (RFC 5782). An IP is queried as its reversed octets (nibbles for IPv6, §2.4)
 * under the list's zone, a domain as itself (§3). An A answer of 127.0.0.0/8 is a listing whose
 * last octets carry the list's meaning; 127.255.255.0/24 is by convention an error code (query
 * refused, e.g. through a public resolver), which is NOT a listing.
 */
interface ListInfo {
  name: string;
  delist: string;
  codes: Record<string, { meaning: string; severity?: Severity }>;
  refused?: string[];
}

export const KNOWN_LISTS: Record<string, ListInfo> = {
  'zen.spamhaus.org': {
    name: 'Spamhaus ZEN',
    delist: 'https://check.spamhaus.org/',
    codes: {
      '127.0.0.2': { meaning: 'SBL: direct spam source or spam operation' },
      '127.0.0.3': { meaning: 'SBL CSS: snowshoe spam / low-reputation sender' },
      '127.0.0.4': { meaning: 'XBL: exploited host (botnet, open proxy, compromised)' },
      '127.0.0.9': { meaning: 'SBL DROP: hijacked or criminal netblock' },
      '127.0.0.10': { meaning: 'PBL (ISP): end-user range that should not send mail directly', severity: 'warning' },
      '127.0.0.11': {
        meaning: 'PBL (Spamhaus): end-user range that should not send mail directly',
        severity: 'warning',
      },
    },
  },
  'bl.spamcop.net': {
    name: 'SpamCop',
    delist: 'https://www.spamcop.net/bl.shtml',
    codes: { '127.0.0.2': { meaning: 'reported as a spam source by SpamCop users (expires automatically)' } },
  },
  'b.barracudacentral.org': {
    name: 'Barracuda BRBL',
    delist: 'https://www.barracudacentral.org/rbl/removal-request',
    codes: { '127.0.0.2': { meaning: 'poor sending reputation at Barracuda' } },
  },
  'psbl.surriel.com': {
    name: 'PSBL',
    delist: 'https://psbl.org/',
    codes: { '127.0.0.2': { meaning: 'sent mail to PSBL spam traps' } },
  },
  'dbl.spamhaus.org': {
    name: 'Spamhaus DBL',
    delist: 'https://check.spamhaus.org/',
    codes: {
      '127.0.1.2': { meaning: 'spam domain' },
      '127.0.1.4': { meaning: 'phishing domain' },
      '127.0.1.5': { meaning: 'malware domain' },
      '127.0.1.6': { meaning: 'botnet C&C domain' },
      '127.0.1.102': { meaning: 'abused legitimate domain (spam)' },
      '127.0.1.103': { meaning: 'abused legitimate spammed redirector' },
      '127.0.1.104': { meaning: 'abused legitimate domain (phishing)' },
      '127.0.1.105': { meaning: 'abused legitimate domain (malware)' },
      '127.0.1.106': { meaning: 'abused legitimate domain (botnet C&C)' },
    },
    // 127.0.1.255: "IP queries prohibited" (an IP was sent to a domain list).
    refused: ['127.0.1.255'],
  },
  'multi.surbl.org': {
    name: 'SURBL',
    delist: 'https://www.surbl.org/surbl-analysis',
    // SURBL answers a bitmask in the last octet; 127.0.0.1 means the query was blocked.
    codes: {},
    refused: ['127.0.0.1'],
  },
};

const SURBL_BITS: [number, string][] = [
  [8, 'PH (phishing)'],
  [16, 'MW (malware)'],
  [64, 'ABUSE (spam)'],
  [128, 'CR (cracked site)'],
];

export interface DnsblQuery {
  subject: string;
  kind: 'ip' | 'domain';
  role: string;
  zone: string;
  name: string;
  dnsStatus: string;
  answers: string[];
  txt?: string[];
  outcome: 'listed' | 'not-listed' | 'refused' | 'indeterminate';
  meanings: string[];
}

export interface DnsblSection {
  status: SectionStatus;
  queries: DnsblQuery[];
  lookups: number;
}

/** Query name for an address under a zone (RFC 5782 §2.1, §2.4). */
export function dnsblName(ip: string, zone: string): string {
  if (isIP(ip) === 6) return `${ipv6Nibbles(ip).reverse().join('.').toLowerCase()}.${zone}`;
  return `${ip.split('.').reverse().join('.')}.${zone}`;
}

/** Classify the A answers of one list query. Exported for tests of the code tables. */
export function classifyDnsbl(
  zone: string,
  answers: string[],
): { outcome: DnsblQuery['outcome']; meanings: string[]; severity: Severity } {
  const info = KNOWN_LISTS[zone];
  const refused = answers.filter((a) => a.startsWith('127.255.255.') || info?.refused?.includes(a));
  const listed = answers.filter((a) => a.startsWith('127.') && !refused.includes(a));
  if (listed.length === 0)
    return {
      outcome: refused.length ? 'refused' : 'not-listed',
      meanings: refused.map((a) => `${a}: query refused or blocked by the list`),
      severity: 'info',
    };
  let severity: Severity = 'warning';
  const meanings = listed.map((a) => {
    if (zone === 'multi.surbl.org') {
      const bits = Number(a.split('.')[3]);
      const names = SURBL_BITS.filter(([b]) => bits & b).map(([, n]) => n);
      severity = 'error';
      return `${a}: ${names.join(', ') || 'listed'}`;
    }
    const c = info?.codes[a];
    if ((c?.severity ?? 'error') === 'error') severity = 'error';
    return `${a}: ${c?.meaning ?? "listed (see the list's documentation for this return code)"}`;
  });
  return { outcome: 'listed', meanings, severity };
}

export async function checkDnsbl(
  subjects: { ips: { ip: string; role: string }[]; domains: string[] },
  zones: { ip: string[]; domain: string[] },
  resolver: DnsResolver,
): Promise<{ section: DnsblSection; findings: Finding[] }> {
  const dns = countingResolver(resolver);
  const findings: Finding[] = [];
  const ips = [...new Map(subjects.ips.filter((s) => isIP(s.ip)).map((s) => [s.ip, s])).values()];
  const jobs = [
    ...ips.flatMap((s) =>
      zones.ip.map((zone) => ({ subject: s.ip, kind: 'ip' as const, role: s.role, zone, name: dnsblName(s.ip, zone) })),
    ),
    ...subjects.domains.flatMap((d) =>
      zones.domain.map((zone) => ({ subject: d, kind: 'domain' as const, role: 'domain', zone, name: `${d}.${zone}` })),
    ),
  ];
  const queries = await Promise.all(
    jobs.map(async (j): Promise<DnsblQuery> => {
      const a = await dns.query(j.name, 'A');
      if (isIndeterminate(a)) return { ...j, dnsStatus: a.status, answers: [], outcome: 'indeterminate', meanings: [] };
      const c = classifyDnsbl(j.zone, a.answers);
      const q: DnsblQuery = { ...j, dnsStatus: a.status, answers: a.answers, outcome: c.outcome, meanings: c.meanings };
      if (c.outcome === 'listed') {
        // §2.1: the TXT record at the same name usually carries the reason and a lookup URL.
        const txt = await dns.query(j.name, 'TXT');
        q.txt = txt.answers.map((t) => t.join(''));
        const info = KNOWN_LISTS[j.zone];
        findings.push(
          finding(
            F.DNSBL_LISTED,
            `${j.kind === 'ip' ? `${j.role === 'mx' ? 'MX address' : 'Sending IP'} ${j.subject}` : `Domain ${j.subject}`} is listed on ${info?.name ?? j.zone}: ${c.meanings.join('; ')}.`,
            {
              severity: c.severity,
              remediation: `${F.DNSBL_LISTED.remediation}${info ? ` Delisting: ${info.delist}` : ''}`,
              evidence: {
                list: j.zone,
                query: j.name,
                returnCodes: a.answers,
                meanings: c.meanings,
                txt: q.txt,
                delist: info?.delist,
              },
            },
          ),
        );
      }
      return q;
    }),
  );
  const refused = queries.filter((q) => q.outcome === 'refused');
  const zonesRefused = [...new Set(refused.map((q) => q.zone))];
  for (const zone of zonesRefused) {
    const qs = refused.filter((q) => q.zone === zone);
    findings.push(
      finding(
        F.DNSBL_QUERY_REFUSED,
        `${KNOWN_LISTS[zone]?.name ?? zone} answered ${[...new Set(qs.flatMap((q) => q.answers))].join(', ')}: the query was refused, so listing status on this list is unknown (not listed is not implied).`,
        {
          evidence: { zone, queries: qs.map((q) => ({ name: q.name, answers: q.answers })) },
        },
      ),
    );
  }
  const status: SectionStatus =
    jobs.length === 0
      ? 'skipped'
      : findings.some((f) => f.code === 'DNSBL_LISTED' && f.severity === 'error')
        ? 'fail'
        : findings.some((f) => f.code === 'DNSBL_LISTED')
          ? 'warn'
          : queries.some((q) => q.outcome === 'indeterminate' || q.outcome === 'refused')
            ? 'indeterminate'
            : 'ok';
  return { section: { status, queries, lookups: dns.count }, findings };
}
