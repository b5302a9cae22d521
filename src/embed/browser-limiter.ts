import { addressBucket } from '../common/address-bucket';
import type { BrowserBudget, BrowserBudgetStore } from '../infra/limits/browser-budget.store';

export interface LimitDecision {
  allowed: boolean;
  /** Which budget ran out: the key's or the client address's. */
  scope?: 'key' | 'ip';
  limit?: number;
  /** Seconds until the current window ends. */
  retryAfterS: number;
}

/**
 * Fixed one-minute windows for publishable keys only: one budget per key and one per client
 * address (IPv6: the /64, see addressBucket). This is deliberately NOT the general per-key limiter
 * (src/ratelimit/, which applies to every key): a publishable key is public by design (it sits in a
 * web page's source), so besides its own budget it needs a per-visitor budget, or one visitor could
 * spend the whole key's allowance. src/ratelimit's RateLimiter.admitRequest calls this for every
 * request and GraphQL operation of a publishable key, over HTTP and graphql-ws alike. The counts
 * live in Redis (BrowserBudgetStore, src/infra/limits), under `<QUEUE_PREFIX>:embed:rl:` so
 * instances sharing a Redis do not count each other's traffic.
 *
 * Redis down: fail open, like src/ratelimit: the limiter protects capacity, not data, and
 * submits fail with 503 anyway while the queue (Redis) is down.
 */
export class BrowserLimiter {
  constructor(
    private readonly store: Pick<BrowserBudgetStore, 'count'>,
    private readonly keyRpm: number,
    private readonly ipRpm: number,
    private readonly clock: () => number = Date.now,
    private readonly onStoreError: (e: unknown) => void = () => undefined,
  ) {}

  /**
   * Count `cost` requests of `keyId` (undefined: count the address only) from `ip`. The cost is
   * more than 1 for a GraphQL operation creating several checks (src/ratelimit/graphql-operations.ts).
   */
  async hit(keyId: string | undefined, ip: string | undefined, cost = 1): Promise<LimitDecision> {
    const now = this.clock();
    const window = Math.floor(now / 60_000);
    const retryAfterS = Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1000));
    const budgets: (BrowserBudget & { limit: number })[] = [];
    if (this.keyRpm > 0 && keyId) budgets.push({ scope: 'key', id: keyId, limit: this.keyRpm });
    if (this.ipRpm > 0 && ip) budgets.push({ scope: 'ip', id: addressBucket(ip), limit: this.ipRpm });
    if (!budgets.length) return { allowed: true, retryAfterS };
    try {
      const counts = await this.store.count(budgets, window, cost);
      for (let i = 0; i < budgets.length; i++) {
        const b = budgets[i]!;
        if (counts[i]! > b.limit) return { allowed: false, scope: b.scope, limit: b.limit, retryAfterS };
      }
      return { allowed: true, retryAfterS };
    } catch (e) {
      this.onStoreError(e);
      return { allowed: true, retryAfterS };
    }
  }
}
