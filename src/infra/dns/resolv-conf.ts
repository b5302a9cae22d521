import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { DnsServer } from '../../config/dns-server';

/**
 * The system's nameservers, used when DNS_SERVERS is empty. resolv.conf(5): `nameserver ADDR` lines,
 * IPv6 link-local zone ids (`fe80::1%eth0`) kept as is; with none, glibc falls back to the local
 * host, and so do we.
 */
export function systemNameservers(path = '/etc/resolv.conf'): DnsServer[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [{ host: '127.0.0.1', port: 53 }];
  }
  const out: DnsServer[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m && isIP(m[1]!.split('%')[0]!)) out.push({ host: m[1]!, port: 53 });
  }
  return out.length ? out : [{ host: '127.0.0.1', port: 53 }];
}
