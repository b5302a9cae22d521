import { finding, type Finding } from '../common/finding';
import { gradeKind } from '../findings/grading';
import type { DnsLookup, DnsResolver, MxData } from '../infra/dns/resolver.port';
import { MX_FINDINGS as F } from './mx.findings';

export interface MxHost {
  exchange: string;
  priority: number;
  addresses: { A: string[]; AAAA: string[] };
  /** Status of the address lookups: indeterminate ones are not reported as unresolvable. */
  lookup: { A: string; AAAA: string };
  cname?: string[];
  isIpLiteral: boolean;
}

export interface MxResult {
  domain: string;
  /**
   * `dns-failing`: the MX, SOA and NS queries all ended in SERVFAIL (every name server failing);
   * `unreachable`: MX records, but no target resolves to an address.
   */
  status: 'ok' | 'null-mx' | 'implicit' | 'missing' | 'nxdomain' | 'dns-failing' | 'unreachable' | 'indeterminate';
  hosts: MxHost[];
  /** The raw lookups, for evidence. */
  raw: { mx: DnsLookup<'MX'>; implicit?: { A: DnsLookup<'A'>; AAAA: DnsLookup<'AAAA'> } };
}

const IP_LITERAL = /^(\d{1,3}\.){3}\d{1,3}$|^\[?[0-9a-f:]+\]?$/i;

function indeterminate(l: DnsLookup): boolean {
  return l.status !== 'noerror' && l.status !== 'nxdomain';
}

/**
 * MX audit (RFC 5321 §5.1, RFC 7505). Pure: all DNS goes through the injected resolver.
 * Lookups of the targets run concurrently.
 */
export async function auditMx(domain: string, dns: DnsResolver): Promise<{ result: MxResult; findings: Finding[] }> {
  const findings: Finding[] = [];
  const mx = await dns.query(domain, 'MX');
  const result: MxResult = { domain, status: 'ok', hosts: [], raw: { mx } };

  if (mx.status === 'nxdomain') {
    result.status = 'nxdomain';
    findings.push(
      finding(F.DOMAIN_NOT_FOUND, `${domain} does not exist in DNS (NXDOMAIN).`, { evidence: { lookup: mx } }),
    );
    return { result, findings };
  }
  if (mx.status === 'servfail') {
    // SERVFAIL for the zone's own SOA and NS too is what a resolver answers when no name server
    // of the domain serves it (a lame delegation, RFC 8499 §7, or broken DNSSEC): a sender's
    // resolver gets the same, so the mail cannot be delivered. A timeout stays indeterminate.
    const [soa, ns] = await Promise.all([dns.query(domain, 'SOA'), dns.query(domain, 'NS')]);
    if (soa.status === 'servfail' && ns.status === 'servfail') {
      result.status = 'dns-failing';
      findings.push(
        finding(F.DOMAIN_DNS_FAILING, `The MX, SOA and NS queries for ${domain} all ended in SERVFAIL.`, {
          evidence: { lookups: [mx, soa, ns] },
        }),
      );
      return { result, findings };
    }
  }
  if (indeterminate(mx)) {
    result.status = 'indeterminate';
    findings.push(
      finding(
        F.MX_LOOKUP_FAILED,
        `The MX query for ${domain} ended in ${mx.status}${mx.error ? `: ${mx.error}` : ''}.`,
        { evidence: { lookup: mx } },
      ),
    );
    return { result, findings };
  }

  const records = [...mx.answers].sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange));
  // RFC 7505 §3: a null MX is a single record with preference 0 and exchange ".".
  const nulls = records.filter((r) => r.exchange === '' || r.exchange === '.');
  if (nulls.length > 0) {
    if (records.length > nulls.length) {
      findings.push(
        finding(
          F.MX_NULL_MIXED,
          `${domain} publishes a null MX and ${records.length - nulls.length} other MX record(s).`,
          { evidence: { records } },
        ),
      );
    } else {
      result.status = 'null-mx';
      findings.push(
        finding(F.MX_NULL, `${domain} publishes a null MX ("MX 0 ."): it explicitly receives no mail.`, {
          evidence: { records },
        }),
      );
      return { result, findings };
    }
  }

  if (records.length === 0) {
    // RFC 5321 §5.1: no MX -> the domain itself is the implicit MX if it has an address.
    const [a, aaaa] = await Promise.all([dns.query(domain, 'A'), dns.query(domain, 'AAAA')]);
    result.raw.implicit = { A: a, AAAA: aaaa };
    const addrs = [...a.answers, ...aaaa.answers];
    if (addrs.length > 0) {
      result.status = 'implicit';
      result.hosts.push({
        exchange: domain,
        priority: 0,
        addresses: { A: a.answers, AAAA: aaaa.answers },
        lookup: { A: a.status, AAAA: aaaa.status },
        isIpLiteral: false,
      });
      findings.push(
        finding(F.MX_IMPLICIT, `${domain} has no MX record; senders deliver to its address ${addrs.join(', ')}.`, {
          evidence: { A: a.answers, AAAA: aaaa.answers },
        }),
      );
    } else if (indeterminate(a) || indeterminate(aaaa)) {
      result.status = 'indeterminate';
      findings.push(
        finding(
          F.MX_LOOKUP_FAILED,
          `${domain} has no MX record and its address lookups failed (${a.status}/${aaaa.status}).`,
          { evidence: { A: a, AAAA: aaaa } },
        ),
      );
    } else {
      result.status = 'missing';
      findings.push(
        finding(F.MX_MISSING, `${domain} has no MX record and no A/AAAA record, so no one can deliver mail to it.`, {
          remediation: `Publish an MX record, e.g. "${domain}. 3600 IN MX 10 mx.${domain}." and an A record for mx.${domain}.`,
          evidence: { mx },
        }),
      );
    }
    return { result, findings };
  }

  const real = records.filter((r) => !(r.exchange === '' || r.exchange === '.'));
  result.hosts = await Promise.all(real.map((r) => resolveHost(r, dns)));

  for (const h of result.hosts) {
    if (h.isIpLiteral) {
      findings.push(
        finding(F.MX_TARGET_IP_LITERAL, `MX ${h.priority} of ${domain} is "${h.exchange}", an IP address.`, {
          evidence: { exchange: h.exchange },
        }),
      );
      continue;
    }
    if (h.cname?.length) {
      findings.push(
        finding(F.MX_TARGET_CNAME, `MX target ${h.exchange} is an alias (CNAME chain: ${h.cname.join(' -> ')}).`, {
          evidence: { cname: h.cname },
        }),
      );
    }
    const none = h.addresses.A.length + h.addresses.AAAA.length === 0;
    const undetermined =
      (h.lookup.A !== 'noerror' && h.lookup.A !== 'nxdomain') ||
      (h.lookup.AAAA !== 'noerror' && h.lookup.AAAA !== 'nxdomain');
    if (none && !undetermined) {
      findings.push(
        finding(
          F.MX_TARGET_UNRESOLVABLE,
          `MX target ${h.exchange} (priority ${h.priority}) has no A or AAAA record (A: ${h.lookup.A}, AAAA: ${h.lookup.AAAA}).`,
          {
            remediation: `Add an address record such as "${h.exchange}. 3600 IN A <server address>", or change the MX to a host that resolves.`,
            evidence: { exchange: h.exchange, lookup: h.lookup },
          },
        ),
      );
    } else if (none) {
      findings.push(
        finding(
          F.MX_LOOKUP_FAILED,
          `The address lookups for MX target ${h.exchange} did not complete (A: ${h.lookup.A}, AAAA: ${h.lookup.AAAA}).`,
          { evidence: { exchange: h.exchange, lookup: h.lookup } },
        ),
      );
    }
  }
  const unresolvable = findings.filter((f) => f.code === F.MX_TARGET_UNRESOLVABLE.code).length;
  if (unresolvable > 0 && unresolvable === result.hosts.length) {
    result.status = 'unreachable';
    findings.unshift(
      finding(
        F.MX_ALL_UNREACHABLE,
        `None of the ${unresolvable} MX target(s) of ${domain} has an address record: no sender can connect to any of them.`,
        {
          remediation: `Add an address record for ${result.hosts.map((h) => h.exchange).join(', ')} (e.g. "${result.hosts[0]!.exchange}. 3600 IN A <server address>"), or point the MX at a host that has one.`,
          evidence: { exchanges: result.hosts.map((h) => h.exchange) },
        },
      ),
    );
  }
  if (result.hosts.length === 1) {
    findings.push(finding(F.MX_SINGLE_HOST, `${domain} has a single MX host (${result.hosts[0]!.exchange}).`));
  }
  const prios = new Map<number, number>();
  for (const h of result.hosts) prios.set(h.priority, (prios.get(h.priority) ?? 0) + 1);
  const shared = [...prios].filter(([, n]) => n > 1).map(([p]) => p);
  if (shared.length)
    findings.push(
      finding(
        F.MX_DUPLICATE_PRIORITY,
        `Priority ${shared.join(', ')} is shared by several MX hosts (load is spread between them).`,
      ),
    );
  return { result, findings };
}

async function resolveHost(r: MxData, dns: DnsResolver): Promise<MxHost> {
  const exchange = r.exchange.replace(/\.$/, '').toLowerCase();
  if (IP_LITERAL.test(exchange) && /[\d:]/.test(exchange) && !/[g-z]/i.test(exchange)) {
    return {
      exchange,
      priority: r.priority,
      addresses: { A: [], AAAA: [] },
      lookup: { A: 'skipped', AAAA: 'skipped' },
      isIpLiteral: true,
    };
  }
  const [a, aaaa] = await Promise.all([dns.query(exchange, 'A'), dns.query(exchange, 'AAAA')]);
  const cname = a.cnames?.length ? a.cnames : aaaa.cnames?.length ? aaaa.cnames : undefined;
  return {
    exchange,
    priority: r.priority,
    addresses: { A: a.answers, AAAA: aaaa.answers },
    lookup: { A: a.status, AAAA: aaaa.status },
    ...(cname ? { cname } : {}),
    isIpLiteral: false,
  };
}

/**
 * The `mx` kind's verdict and score: the shared grading (src/findings/grading.ts) over mail
 * routing, root cause first. Every name server failing is a verdict (F) yet still retried, as
 * any SERVFAIL is, before it is stored.
 */
export function mxOutcome(findings: Finding[], status: MxResult['status']) {
  if (status === 'indeterminate') return { verdict: 'indeterminate' as const, score: 0, findings, transient: true };
  return { ...gradeKind('mx', findings), transient: status === 'dns-failing' };
}
