import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { finding, type Finding } from '../common/finding';
import type { DnsResolver } from '../infra/dns/resolver.port';
import { countingResolver, isIndeterminate, type SectionStatus } from './dns.common';
import { DNS_FINDINGS as F } from './dns.findings';
import { reverseName } from './spf.eval';

/**
 * Reverse DNS and forward-confirmed reverse DNS (FCrDNS, the "iprev" of RFC 8601 §3): the PTR
 * names of an address, and whether one of them resolves back to it. Receivers commonly reject
 * senders without it, so sending IPs and MX addresses (which usually also send) are checked.
 */
export interface PtrTarget {
  ip: string;
  role: 'mx' | 'sending';
  host?: string;
}

export interface PtrResult extends PtrTarget {
  reverseName: string;
  status: 'confirmed' | 'missing' | 'mismatch' | 'indeterminate';
  dnsStatus: string;
  names: string[];
  /** Forward addresses of each PTR name. */
  forward: Record<string, string[]>;
}

export interface PtrSection {
  status: SectionStatus;
  addresses: PtrResult[];
  queries: number;
}

function sameIp(a: string, b: string): boolean {
  try {
    return ipaddr.parse(a).toNormalizedString() === ipaddr.parse(b).toNormalizedString();
  } catch {
    return false;
  }
}

/** The owner name and PTR text a user publishes (or asks their provider to publish). */
export function suggestPtr(ip: string, host: string): string {
  return `${reverseName(ip)}. IN PTR ${host.replace(/\.$/, '')}.`;
}

export async function checkPtr(
  domain: string,
  targets: PtrTarget[],
  resolver: DnsResolver,
): Promise<{ section: PtrSection; findings: Finding[] }> {
  const dns = countingResolver(resolver);
  const findings: Finding[] = [];
  const unique = [...new Map(targets.filter((t) => isIP(t.ip)).map((t) => [t.ip, t])).values()];
  const addresses = await Promise.all(
    unique.map(async (t): Promise<PtrResult> => {
      const rev = reverseName(t.ip);
      const ptr = await dns.query(rev, 'PTR');
      const base = {
        ...t,
        reverseName: rev,
        dnsStatus: ptr.status,
        names: ptr.answers.map((n) => n.replace(/\.$/, '').toLowerCase()),
        forward: {} as Record<string, string[]>,
      };
      if (isIndeterminate(ptr)) return { ...base, status: 'indeterminate' };
      if (base.names.length === 0) return { ...base, status: 'missing' };
      const family = isIP(t.ip) === 6 ? 'AAAA' : 'A';
      let undetermined = false;
      // At most 10 names, as SPF's ptr and most MTAs bound it (RFC 7208 §4.6.4).
      for (const n of base.names.slice(0, 10)) {
        const fwd = await dns.query(n, family);
        if (isIndeterminate(fwd)) undetermined = true;
        base.forward[n] = fwd.answers;
        if (fwd.answers.some((a) => sameIp(a, t.ip))) return { ...base, status: 'confirmed' };
      }
      return { ...base, status: undetermined ? 'indeterminate' : 'mismatch' };
    }),
  );

  for (const a of addresses) {
    const who = a.role === 'mx' ? `MX ${a.host ?? ''} address ${a.ip}` : `sending IP ${a.ip}`;
    const severity = a.role === 'sending' ? 'error' : 'warning';
    const wanted = a.host ?? `mail.${domain}`;
    if (a.status === 'missing') {
      findings.push(
        finding(F.PTR_MISSING, `${who} has no PTR record (${a.reverseName}: ${a.dnsStatus}).`, {
          severity,
          remediation: `Ask the owner of the address block to publish: ${suggestPtr(a.ip, wanted)} (and keep "${wanted}. IN ${isIP(a.ip) === 6 ? 'AAAA' : 'A'} ${a.ip}").`,
          evidence: a,
        }),
      );
    } else if (a.status === 'mismatch') {
      const name = a.names[0]!;
      findings.push(
        finding(
          F.PTR_MISMATCH,
          `${who} has PTR ${a.names.join(', ')}, but ${a.names.length > 1 ? 'none of those names resolves' : 'that name does not resolve'} back to ${a.ip}.`,
          {
            severity,
            remediation: `Publish "${name}. IN ${isIP(a.ip) === 6 ? 'AAAA' : 'A'} ${a.ip}", or change the PTR: ${suggestPtr(a.ip, wanted)}.`,
            evidence: a,
          },
        ),
      );
    } else if (a.status === 'indeterminate') {
      findings.push(
        finding(F.PTR_LOOKUP_FAILED, `The reverse DNS checks for ${who} did not complete (${a.dnsStatus}).`, {
          evidence: a,
        }),
      );
    }
  }
  const status: SectionStatus =
    addresses.length === 0
      ? 'skipped'
      : findings.some((f) => f.severity === 'error')
        ? 'fail'
        : findings.some((f) => f.code === 'PTR_LOOKUP_FAILED')
          ? 'indeterminate'
          : findings.length
            ? 'warn'
            : 'ok';
  return { section: { status, addresses, queries: dns.count }, findings };
}
