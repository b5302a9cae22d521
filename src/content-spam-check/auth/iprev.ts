import ipaddr from 'ipaddr.js';
import type { DnsResolver } from '../../infra/dns/resolver.port';

/**
 * Forward-confirmed reverse DNS ("iprev", RFC 8601 §3): PTR of the IP, then A/AAAA of each name
 * (at most 3, as receivers bound it); pass when one name resolves back to the IP. DNS failures make
 * it temperror, never fail.
 */
export function reverseName(ip: string): string {
  const addr = ipaddr.process(ip);
  if (addr.kind() === 'ipv4') return `${addr.toByteArray().reverse().join('.')}.in-addr.arpa`;
  const nibbles = addr
    .toByteArray()
    .flatMap((b) => [b >> 4, b & 15])
    .map((n) => n.toString(16));
  return `${nibbles.reverse().join('.')}.ip6.arpa`;
}

export async function checkIprev(
  ip: string,
  dns: DnsResolver,
  signal?: AbortSignal,
): Promise<{ result: 'pass' | 'fail' | 'temperror'; ptr: string[]; detail: string }> {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(ip);
  } catch {
    return { result: 'fail', ptr: [], detail: `${ip} is not an IP address` };
  }
  const ptr = await dns.query(reverseName(ip), 'PTR', { signal });
  if (ptr.status !== 'noerror' && ptr.status !== 'nxdomain')
    return { result: 'temperror', ptr: [], detail: `PTR lookup: ${ptr.status}` };
  const names = ptr.answers.slice(0, 3).map((n) => n.replace(/\.$/, ''));
  if (names.length === 0) return { result: 'fail', ptr: [], detail: `${ip} has no PTR record` };
  const type = addr.kind() === 'ipv4' ? 'A' : 'AAAA';
  let temp = false;
  for (const name of names) {
    const fwd = await dns.query(name, type, { signal });
    if (fwd.status !== 'noerror' && fwd.status !== 'nxdomain') temp = true;
    if (
      fwd.answers.some((a) => {
        try {
          return ipaddr.process(a).toString() === addr.toString();
        } catch {
          return false;
        }
      })
    ) {
      return { result: 'pass', ptr: names, detail: `${ip} -> ${name} -> ${ip}` };
    }
  }
  return temp
    ? { result: 'temperror', ptr: names, detail: `forward lookup of ${names.join(', ')} failed` }
    : { result: 'fail', ptr: names, detail: `${names.join(', ')} do(es) not resolve back to ${ip}` };
}
