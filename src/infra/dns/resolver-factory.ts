import type { AppConfig } from '../../config/config.schema';
import type { DnsResolver } from './resolver.port';
import { StubResolver } from './stub-resolver';
import { CachedResolver } from './cached-resolver';
import { BudgetResolver } from './budget-resolver';
import { systemNameservers } from './resolv-conf';
import type { DnsStats } from './dns-stats';
import { readDnsSettings, type DnsSettings } from './dns.settings';

export { readDnsSettings, type DnsSettings };

/**
 * What the resolver needs: the servers and timeouts of AppConfig and its `dns` slice. Callers
 * outside the app (tests, tools) may pass raw `env` strings instead of the parsed slice.
 */
export type ResolverConfig = Pick<AppConfig, 'dnsServers' | 'dnsTimeoutMs' | 'dnsRetries' | 'dnsFallbackServers'> & {
  dns?: DnsSettings;
  env?: Record<string, string | undefined>;
};

export interface CreateResolverOptions {
  stats?: DnsStats;
  /** Clock for the cache (tests). */
  now?: () => number;
  resolvConf?: string;
}

/** The shared resolver, carrying the default per-check budget from DNS_QUERY_BUDGET. */
export type SharedResolver = CachedResolver & { readonly defaultBudget: number };

/** The process-wide resolver: stub + shared cache. Create it once and share it across checks. */
export function createResolver(config: ResolverConfig, opts: CreateResolverOptions = {}): SharedResolver {
  const s = config.dns ?? readDnsSettings(config.env);
  const stub = new StubResolver({
    servers: config.dnsServers.length ? config.dnsServers : systemNameservers(opts.resolvConf),
    fallbackServers: config.dnsFallbackServers,
    timeoutMs: config.dnsTimeoutMs,
    retries: config.dnsRetries,
    ednsUdpSize: s.ednsUdpSize,
    stats: opts.stats,
    udp: { sockets: s.udpSockets, maxInFlight: s.maxInFlight },
  });
  const cache = new CachedResolver(stub, {
    maxEntries: s.cacheMaxEntries,
    maxTtl: s.cacheMaxTtl,
    maxNegativeTtl: s.cacheMaxNegativeTtl,
    servfailTtl: s.cacheServfailTtl,
    now: opts.now,
    stats: opts.stats,
  });
  return Object.assign(cache, { defaultBudget: s.queryBudget });
}

/** A per-check view of the shared resolver with its own query budget (default DNS_QUERY_BUDGET). */
export function createCheckResolver(
  shared: DnsResolver & { defaultBudget?: number },
  budget?: number,
  stats?: DnsStats,
): BudgetResolver {
  return new BudgetResolver(shared, budget ?? shared.defaultBudget ?? 100, stats);
}
