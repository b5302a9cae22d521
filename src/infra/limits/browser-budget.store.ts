import type { RedisClient as Redis } from '../queue/redis.factory';

/** One budget counted by BrowserBudgetStore: a publishable key, or a client address bucket. */
export interface BrowserBudget {
  scope: 'key' | 'ip';
  id: string;
}

/**
 * The Redis side of the publishable keys' minute budgets (the rules live in
 * src/embed/browser-limiter.ts). Fixed one-minute windows:
 * `<QUEUE_PREFIX>:embed:rl:<scope>:<id>:<window>` (window = minutes since the epoch), each
 * expiring two minutes after its last count. All budgets of one request go in one MULTI round trip.
 * Errors (Redis down) are thrown; the limiter decides to fail open.
 */
export class BrowserBudgetStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Add `cost` to each budget's `window`; returns the counts, in the order of `budgets`. */
  async count(budgets: readonly BrowserBudget[], window: number, cost: number): Promise<number[]> {
    const m = this.redis.multi();
    for (const b of budgets) {
      const k = `${this.prefix}:embed:rl:${b.scope}:${b.id}:${window}`;
      m.incrby(k, cost).pexpire(k, 120_000);
    }
    const res = (await m.exec()) ?? [];
    return budgets.map((_, i) => {
      const [err, count] = res[i * 2] ?? [];
      if (err) throw err;
      return Number(count);
    });
  }
}
