/**
 * Politeness ports (issue 4): at most N concurrent connections per target IP across all workers,
 * a minimum interval between connection starts to one IP, and a short-lived cache of results per
 * host/port. Implementations: src/infra/net/probe-politeness.redis.ts (shared by workers) and
 * probe-politeness.memory.ts (one process, e.g. the CLI).
 */
export interface AcquireOptions {
  maxConcurrent: number;
  minIntervalMs: number;
  /** Give up after this long (the probe reports SMTP_PROBE_LIMITED). */
  waitMs: number;
  /** A lease older than this is considered abandoned (crashed worker). */
  leaseMs: number;
  signal?: AbortSignal;
}

export type Release = () => Promise<void>;

export interface ProbeLimiter {
  /** Resolves with a release function once a slot is free, or null if none came within waitMs. */
  acquire(ip: string, opts: AcquireOptions): Promise<Release | null>;
}

export interface ProbeResultCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
}

/** Names of the optional EnginePorts entries the probe reads. */
export const PROBE_PORT_KEYS = { connector: 'smtpConnector', limiter: 'probeLimiter', cache: 'probeCache' } as const;

/** Sleep that wakes early on abort. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
