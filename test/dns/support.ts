import { createResolver } from '../../src/infra/dns';
import type { DnsResolver } from '../../src/infra/dns/resolver.port';
import type { FixtureDnsServer } from '../support/dns-server';

/**
 * The real stub resolver (UDP/TCP) pointed at the fixture server. Short timeout and no retries:
 * the fixture answers at once or, for a "timeout" fault, never. No cache unless asked, because
 * tests reload zones between cases.
 */
export function testResolver(
  server: FixtureDnsServer,
  opts: { cache?: boolean; timeoutMs?: number; retries?: number } = {},
): DnsResolver {
  return createResolver({
    dnsServers: [{ host: server.host, port: server.port }],
    // 1 s rather than less: on a loaded 2-core CI machine an answer can take a few hundred ms.
    dnsTimeoutMs: opts.timeoutMs ?? 1000,
    dnsRetries: opts.retries ?? 0,
    dnsFallbackServers: [],
    env: { DNS_CACHE_MAX_ENTRIES: opts.cache ? '10000' : '0' },
  });
}
