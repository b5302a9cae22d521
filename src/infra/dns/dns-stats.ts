/**
 * Counters for metrics. Every resolver built by `createResolver` updates the process-wide
 * `dnsStats` unless given its own object (tests do, to stay independent of each other).
 */
export interface DnsStats {
  /** Exchanges sent upstream (each UDP or TCP attempt counts once). */
  queries: number;
  /** Lookups answered from the cache. */
  cacheHits: number;
  cacheMisses: number;
  /** Lookups that joined an identical lookup already in flight. */
  deduplicated: number;
  /** Upstream exchanges that got no answer in time. */
  timeouts: number;
  /** UDP answers with TC that were retried over TCP (RFC 7766 §5). */
  tcpFallbacks: number;
  /** Lookups refused by a per-check query budget. */
  budgetExceeded: number;
  /** Transport failures and undecodable responses. */
  errors: number;
  /** UDP exchanges that waited for a free in-flight place (DNS_MAX_INFLIGHT) before being sent. */
  queued: number;
  /** Datagrams dropped for answering nothing in flight: wrong id, wrong question or wrong source. */
  foreignPackets: number;
  /** UDP sockets opened (each on a fresh random port; they rotate, see udp-socket-pool.ts). */
  socketsOpened: number;
  /** UDP sockets closed (rotated, idle, or after an ICMP error); open = opened - closed. */
  socketsClosed: number;
}

export function newDnsStats(): DnsStats {
  return {
    queries: 0,
    cacheHits: 0,
    cacheMisses: 0,
    deduplicated: 0,
    timeouts: 0,
    tcpFallbacks: 0,
    budgetExceeded: 0,
    errors: 0,
    queued: 0,
    foreignPackets: 0,
    socketsOpened: 0,
    socketsClosed: 0,
  };
}

/** Process-wide counters, read by the metrics endpoint. */
export const dnsStats: DnsStats = newDnsStats();
