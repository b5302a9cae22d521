import type { DnsServer } from '../../config/dns-server';
import type { DnsLookup, DnsQueryOptions, DnsResolver, DnsStatus, RRType } from './resolver.port';
import {
  buildQuery,
  classifyResponse,
  mapResponse,
  validName,
  type MappedLookup,
  type WireMessage,
} from './dns-response';
import { tcpExchange, type ExchangeResult } from './dns-transport';
import { DEFAULT_UDP_POOL, UdpSocketPool, type UdpPoolOptions } from './udp-socket-pool';
import { dnsStats as globalStats, type DnsStats } from './dns-stats';

export interface StubResolverOptions {
  servers: DnsServer[];
  fallbackServers?: DnsServer[];
  /** Per try (UDP attempt, or the TCP retry after TC). */
  timeoutMs: number;
  /** Extra rounds over the servers after the first, for timeouts and network errors. */
  retries: number;
  /** EDNS0 UDP payload size advertised (RFC 6891 §6.2.5); 0 disables EDNS. 1232 avoids IP fragmentation. */
  ednsUdpSize?: number;
  stats?: DnsStats;
  /** UDP sockets per server, in-flight bound and socket rotation (defaults: DEFAULT_UDP_POOL). */
  udp?: Partial<UdpPoolOptions>;
}

/** A resolver that also reports what a cache needs (negative TTL from the SOA). */
export interface DetailedResolver extends DnsResolver {
  resolve<T extends RRType>(name: string, type: T, opts?: DnsQueryOptions): Promise<MappedLookup<T>>;
}

type Attempt<T extends RRType> = { mapped: MappedLookup<T> } | { failure: DnsStatus; message: string };

const fmt = (s: DnsServer): string => (s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`);

/**
 * A stub resolver (RFC 1034 §5.3.1) over UDP with TCP fallback. It asks recursive resolvers
 * (config.dnsServers, else /etc/resolv.conf), never iterates itself, and never throws for DNS
 * outcomes: every failure is a status on the returned lookup.
 */
export class StubResolver implements DetailedResolver {
  private readonly stats: DnsStats;
  private readonly udp: UdpSocketPool;

  constructor(private readonly opts: StubResolverOptions) {
    if (!opts.servers.length && !(opts.fallbackServers ?? []).length)
      throw new Error('StubResolver needs at least one server');
    this.stats = opts.stats ?? globalStats;
    this.udp = new UdpSocketPool({ ...DEFAULT_UDP_POOL, ...opts.udp }, this.stats);
  }

  /** Closes the UDP sockets; lookups in flight end as errors. The sockets never hold the process open. */
  close(): void {
    this.udp.close();
  }

  async query<T extends RRType>(name: string, type: T, opts?: DnsQueryOptions): Promise<DnsLookup<T>> {
    return (await this.resolve(name, type, opts)).lookup;
  }

  async resolve<T extends RRType>(rawName: string, type: T, qopts: DnsQueryOptions = {}): Promise<MappedLookup<T>> {
    const name = rawName.trim().replace(/\.$/, '');
    const fail = (status: DnsStatus, error: string, server?: string): MappedLookup<T> => ({
      lookup: { name, type, status, answers: [], authenticated: false, error, ...(server ? { server } : {}) },
    });
    if (!validName(name)) return fail('error', 'invalid domain name (RFC 1035 §2.3.4 length limits)');

    const timeoutMs = qopts.timeoutMs ?? this.opts.timeoutMs;
    let last: { status: DnsStatus; message: string; server?: string } = {
      status: 'timeout',
      message: 'no server tried',
    };
    let answered: MappedLookup<T> | undefined;

    for (const group of [this.opts.servers, this.opts.fallbackServers ?? []]) {
      // Servers that answered SERVFAIL/REFUSED are not asked again in later rounds.
      const done = new Set<DnsServer>();
      for (let round = 0; round <= this.opts.retries; round++) {
        for (const server of group) {
          if (done.has(server)) continue;
          if (qopts.signal?.aborted) return fail('timeout', 'aborted');
          const r = await this.attempt(server, name, type, timeoutMs, qopts.signal);
          if ('mapped' in r) {
            const st = r.mapped.lookup.status;
            if (st === 'noerror' || st === 'nxdomain') return r.mapped;
            // SERVFAIL, REFUSED or another rcode: another server may do better (RFC 1035 §7.2).
            answered = r.mapped;
            done.add(server);
          } else {
            last = { status: r.failure, message: r.message, server: fmt(server) };
          }
        }
      }
    }
    // A server's own answer says more than our failure to reach another one.
    return answered ?? fail(last.status, last.message, last.server);
  }

  private async attempt<T extends RRType>(
    server: DnsServer,
    name: string,
    type: T,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<Attempt<T>> {
    const udpSize = this.opts.ednsUdpSize ?? 1232;
    let r = await this.exchange(server, name, type, 'udp', udpSize > 0 ? { udpSize } : undefined, timeoutMs, signal);
    // RFC 6891 §7: a server that does not know EDNS answers FORMERR/NOTIMP; ask again without OPT.
    if ('msg' in r && udpSize > 0 && (r.msg.rcode === 'FORMERR' || r.msg.rcode === 'NOTIMP')) {
      r = await this.exchange(server, name, type, 'udp', undefined, timeoutMs, signal);
    }
    // RFC 7766 §5 / RFC 1035 §4.2.1: a truncated UDP answer is retried over TCP.
    if ('msg' in r && r.msg.flag_tc) {
      this.stats.tcpFallbacks++;
      r = await this.exchange(server, name, type, 'tcp', udpSize > 0 ? { udpSize } : undefined, timeoutMs, signal);
    }
    if (!('msg' in r)) return r;
    try {
      return { mapped: mapResponse(r.msg, name, type, fmt(server)) };
    } catch (e) {
      this.stats.errors++;
      return { failure: 'error', message: `malformed response: ${(e as Error).message}` };
    }
  }

  private async exchange(
    server: DnsServer,
    name: string,
    type: RRType,
    transport: 'udp' | 'tcp',
    edns: { udpSize: number } | undefined,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<{ msg: WireMessage } | { failure: DnsStatus; message: string }> {
    // Over UDP the socket pool replaces the id with one unique on its socket and passes it back.
    const { bytes } = buildQuery(name, type, edns);
    let decoded: WireMessage | undefined;
    const classify = (msg: Buffer, id: number): 'match' | 'foreign' | 'malformed' => {
      const c = classifyResponse(msg, id, name, type);
      if (c.verdict === 'match') decoded = c.decoded;
      return c.verdict;
    };
    this.stats.queries++;
    const xo = { timeoutMs, signal, classify };
    const res: ExchangeResult = await (transport === 'udp'
      ? this.udp.channel(server).exchange(bytes, xo)
      : tcpExchange(server, bytes, xo));
    if ('response' in res && decoded) return { msg: decoded };
    if ('failure' in res) {
      if (res.failure === 'timeout' || res.failure === 'aborted') {
        if (res.failure === 'timeout') this.stats.timeouts++;
        return { failure: 'timeout', message: `${transport} ${fmt(server)}: ${res.message}` };
      }
      this.stats.errors++;
      return { failure: 'error', message: `${transport} ${fmt(server)}: ${res.message}` };
    }
    return { failure: 'error', message: 'no decoded response' };
  }
}
