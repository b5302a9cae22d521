import { DEFAULT_UDP_POOL } from './udp-socket-pool';

/**
 * Settings of the resolver (AppConfig slice `dns`, parsed once by loadConfig; documented in the README):
 * - DNS_CACHE_MAX_ENTRIES (10000): LRU bound of the shared cache;
 * - DNS_CACHE_MAX_TTL (3600 s): cap on positive TTLs;
 * - DNS_CACHE_MAX_NEGATIVE_TTL (900 s): cap on NXDOMAIN/NODATA caching (RFC 2308);
 * - DNS_CACHE_SERVFAIL_TTL (5 s): how long SERVFAIL/REFUSED are kept, 0 = never;
 * - DNS_EDNS_UDP_SIZE (1232): advertised EDNS0 payload size, 0 = no EDNS (and no DO bit);
 * - DNS_QUERY_BUDGET (100): default per-check lookup budget;
 * - DNS_UDP_SOCKETS (4): long-lived UDP sockets per server, each on its own random port (rotated);
 * - DNS_MAX_INFLIGHT (128): UDP queries in flight per server; more wait in a queue (not dropped).
 */
export interface DnsSettings {
  cacheMaxEntries: number;
  cacheMaxTtl: number;
  cacheMaxNegativeTtl: number;
  cacheServfailTtl: number;
  ednsUdpSize: number;
  queryBudget: number;
  udpSockets: number;
  maxInFlight: number;
}

type Env = Record<string, string | undefined>;

function intSetting(env: Env, key: string, def: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${key}: "${raw}" must be an integer between ${min} and ${max}`);
  return n;
}

export function readDnsSettings(env: Env = {}): DnsSettings {
  return {
    cacheMaxEntries: intSetting(env, 'DNS_CACHE_MAX_ENTRIES', 10_000, 0, 10_000_000),
    cacheMaxTtl: intSetting(env, 'DNS_CACHE_MAX_TTL', 3600, 0, 604_800),
    cacheMaxNegativeTtl: intSetting(env, 'DNS_CACHE_MAX_NEGATIVE_TTL', 900, 0, 86_400),
    cacheServfailTtl: intSetting(env, 'DNS_CACHE_SERVFAIL_TTL', 5, 0, 300),
    ednsUdpSize: intSetting(env, 'DNS_EDNS_UDP_SIZE', 1232, 0, 4096),
    queryBudget: intSetting(env, 'DNS_QUERY_BUDGET', 100, 1, 100_000),
    udpSockets: intSetting(env, 'DNS_UDP_SOCKETS', DEFAULT_UDP_POOL.sockets, 1, 64),
    maxInFlight: intSetting(env, 'DNS_MAX_INFLIGHT', DEFAULT_UDP_POOL.maxInFlight, 1, 10_000),
  };
}
