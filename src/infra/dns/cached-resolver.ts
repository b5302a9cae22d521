import type { DnsLookup, DnsQueryOptions, DnsResolver, RRType } from './resolver.port';
import type { DetailedResolver } from './stub-resolver';
import type { MappedLookup } from './dns-response';
import { lc } from './dns-response';
import { dnsStats as globalStats, type DnsStats } from './dns-stats';

export interface CacheOptions {
  /** LRU bound on entries. */
  maxEntries?: number;
  /** Cap on positive TTLs, seconds. */
  maxTtl?: number;
  /** Cap on negative TTLs, seconds (RFC 2308 §5 suggests 1-3 hours at most; we stay lower). */
  maxNegativeTtl?: number;
  /** Seconds a SERVFAIL/REFUSED is kept (RFC 2308 §7.1 allows up to 5 minutes); 0 disables. */
  servfailTtl?: number;
  /** Clock in milliseconds; injectable so tests advance time without sleeping. */
  now?: () => number;
  stats?: DnsStats;
}

interface Entry {
  lookup: DnsLookup;
  expires: number;
  ttl: number;
}

const isDetailed = (r: DnsResolver): r is DetailedResolver =>
  typeof (r as Partial<DetailedResolver>).resolve === 'function';

/**
 * A shared, TTL-respecting cache in front of a resolver, with in-flight de-duplication: identical
 * concurrent lookups (same name and type) share one upstream query.
 *
 * What is cached: positive answers for min(TTL over the RRset and CNAMEs, maxTtl); NXDOMAIN and
 * NODATA for the SOA-derived negative TTL (RFC 2308 §5), not at all without a SOA (RFC 2308 §5:
 * "SHOULD NOT be cached"); SERVFAIL/REFUSED for a few seconds; timeouts and errors never.
 */
export class CachedResolver implements DnsResolver {
  readonly stats: DnsStats;
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<MappedLookup<RRType>>>();
  private readonly now: () => number;
  private readonly o: Required<Omit<CacheOptions, 'now' | 'stats'>>;

  constructor(
    private readonly inner: DnsResolver,
    opts: CacheOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.stats = opts.stats ?? globalStats;
    this.o = {
      maxEntries: opts.maxEntries ?? 10_000,
      maxTtl: opts.maxTtl ?? 3600,
      maxNegativeTtl: opts.maxNegativeTtl ?? 900,
      servfailTtl: opts.servfailTtl ?? 5,
    };
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  async query<T extends RRType>(name: string, type: T, opts: DnsQueryOptions = {}): Promise<DnsLookup<T>> {
    const key = `${type}|${lc(name.trim())}`;
    const hit = this.get(key);
    if (hit) {
      this.stats.cacheHits++;
      return { ...(hit as DnsLookup<T>), name: name.trim().replace(/\.$/, '') };
    }
    let shared = this.inflight.get(key);
    if (shared) {
      this.stats.deduplicated++;
    } else {
      this.stats.cacheMisses++;
      // The shared query is not tied to one caller's signal: another caller may still want it.
      const { signal: _ignored, ...rest } = opts;
      shared = this.fetch(name, type, rest).finally(() => this.inflight.delete(key));
      this.inflight.set(key, shared);
      void shared.then(
        (m) => this.store(key, m),
        () => undefined,
      );
    }
    const result = await raceAbort(shared, opts.signal);
    if (!result) return { name, type, status: 'timeout', answers: [], authenticated: false, error: 'aborted' };
    return cloneLookup(result.lookup) as DnsLookup<T>;
  }

  private fetch(name: string, type: RRType, opts: DnsQueryOptions): Promise<MappedLookup<RRType>> {
    if (isDetailed(this.inner)) return this.inner.resolve(name, type, opts);
    // Another resolver may keep and change what it returned: the cache keeps its own copy.
    return this.inner.query(name, type, opts).then((lookup) => ({ lookup: cloneLookup(lookup), cacheTtl: lookup.ttl }));
  }

  private get(key: string): DnsLookup | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const now = this.now();
    if (now >= e.expires) {
      this.entries.delete(key);
      return undefined;
    }
    // LRU: move to the most recent end.
    this.entries.delete(key);
    this.entries.set(key, e);
    const lookup = cloneLookup(e.lookup);
    // Report the remaining TTL, as a caching recursive resolver does.
    if (lookup.ttl !== undefined) lookup.ttl = Math.max(0, Math.min(lookup.ttl, Math.ceil((e.expires - now) / 1000)));
    return lookup;
  }

  private store(key: string, m: MappedLookup<RRType>): void {
    const ttl = this.ttlFor(m);
    if (!(ttl > 0)) return;
    this.entries.delete(key);
    // Stored without a copy: the stub resolver's lookups are fresh objects (fetch() copies any
    // other resolver's), and no caller ever holds this one (query() hands each its own copy, get()
    // copies on every hit). One deep copy less per upstream query.
    this.entries.set(key, { lookup: m.lookup, expires: this.now() + ttl * 1000, ttl });
    if (this.entries.size > this.o.maxEntries) {
      // Evict the oldest 1/64 in one pass: a Map iterator skips the holes that deletions leave at
      // the front, so evicting one entry per insert re-scanned them every time (5x slower at 10k).
      const target = this.o.maxEntries - Math.floor(this.o.maxEntries / 64);
      for (const k of this.entries.keys()) {
        if (this.entries.size <= target) break;
        this.entries.delete(k);
      }
    }
  }

  private ttlFor(m: MappedLookup<RRType>): number {
    const l = m.lookup;
    switch (l.status) {
      case 'noerror':
        if (l.answers.length) return Math.min(m.cacheTtl ?? 0, this.o.maxTtl);
        return Math.min(m.negativeTtl ?? 0, this.o.maxNegativeTtl);
      case 'nxdomain':
        return Math.min(m.negativeTtl ?? 0, this.o.maxNegativeTtl);
      case 'servfail':
      case 'refused':
        return this.o.servfailTtl;
      case 'timeout':
      case 'error':
        return 0;
    }
  }
}

/**
 * A deep copy of a lookup, so no caller can change what the cache or another caller holds. The
 * answers are strings, string arrays (TXT) and plain records (MX, SOA, TLSA...), copied directly:
 * structuredClone, used before, was a tenth of the audit's CPU. Anything else (a Buffer in an
 * opaque record) still goes through structuredClone, as before.
 */
export function cloneLookup<T extends DnsLookup>(l: T): T {
  const c = { ...l, answers: l.answers.map(cloneValue) };
  if (l.cnames) c.cnames = [...l.cnames];
  if (l.signatures) c.signatures = l.signatures.map((s) => ({ ...s }));
  return c;
}

function cloneValue<V>(v: V): V {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(cloneValue) as V;
  if (Object.getPrototypeOf(v) !== Object.prototype) return structuredClone(v);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = cloneValue((v as Record<string, unknown>)[k]);
  return out as V;
}

function raceAbort<T>(p: Promise<T>, signal?: AbortSignal): Promise<T | undefined> {
  if (!signal) return p;
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        // Pass the resolver's rejection through unchanged, whatever it is.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(e);
      },
    );
  });
}
