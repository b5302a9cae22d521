import {
  pause,
  type AcquireOptions,
  type ProbeLimiter,
  type ProbeResultCache,
  type Release,
} from '../../probe/politeness.port';

/**
 * In-process politeness for a single process (the CLI, tests): same semantics as the Redis
 * implementation, without sharing across workers.
 */
export class MemoryProbeLimiter implements ProbeLimiter {
  private active = new Map<string, number>();
  private lastStart = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async acquire(ip: string, o: AcquireOptions): Promise<Release | null> {
    const deadline = this.now() + o.waitMs;
    for (;;) {
      if (o.signal?.aborted) return null;
      const t = this.now();
      const wait = (this.lastStart.get(ip) ?? -Infinity) + o.minIntervalMs - t;
      if (wait <= 0 && (this.active.get(ip) ?? 0) < o.maxConcurrent) {
        this.active.set(ip, (this.active.get(ip) ?? 0) + 1);
        this.lastStart.set(ip, t);
        let released = false;
        return async () => {
          if (released) return;
          released = true;
          this.active.set(ip, Math.max(0, (this.active.get(ip) ?? 1) - 1));
        };
      }
      if (t >= deadline) return null;
      await pause(Math.max(5, Math.min(wait > 0 ? wait : 25, deadline - t)), o.signal);
    }
  }
}

export class MemoryProbeCache implements ProbeResultCache {
  private entries = new Map<string, { value: string; expires: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expires: this.now() + ttlMs });
  }
}
