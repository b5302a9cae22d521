import { isIPv6 } from 'node:net';
import type { RedisClient as Redis } from '../infra/queue/redis.factory';

export interface LimitDecision {
  allowed: boolean;
  /** Which budget ran out: the key's or the client address's. */
  scope?: 'key' | 'ip';
  limit?: number;
  /** Seconds until the current window ends. */
  retryAfterS: number;
}

/**
 * Fixed one-minute windows in Redis for publishable keys only: one budget per key and one per
 * client address. This is deliberately NOT the general per-key limiter (src/ratelimit/, which
 * applies to every key): a publishable key is public by design (it sits in a web page's source),
 * so besides its own budget it needs a per-visitor budget, or one visitor could spend the whole
 * key's allowance. src/ratelimit's RateLimiter.admitRequest calls this for every request and
 * GraphQL operation of a publishable key, over HTTP and graphql-ws alike. Keys live under `<QUEUE_PREFIX>:embed:rl:` so instances sharing a Redis do not
 * count each other's traffic.
 *
 * Redis down: fail open, like src/ratelimit: the limiter protects capacity, not data, and
 * submits fail with 503 anyway while the queue (Redis) is down.
 */
export class BrowserLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
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
    const budgets: { scope: 'key' | 'ip'; id: string; limit: number }[] = [];
    if (this.keyRpm > 0 && keyId) budgets.push({ scope: 'key', id: keyId, limit: this.keyRpm });
    if (this.ipRpm > 0 && ip) budgets.push({ scope: 'ip', id: clientBucket(ip), limit: this.ipRpm });
    if (!budgets.length) return { allowed: true, retryAfterS };
    try {
      const m = this.redis.multi();
      for (const b of budgets) {
        const k = `${this.prefix}:embed:rl:${b.scope}:${b.id}:${window}`;
        m.incrby(k, cost).pexpire(k, 120_000);
      }
      const res = (await m.exec()) ?? [];
      for (let i = 0; i < budgets.length; i++) {
        const [err, count] = res[i * 2] ?? [];
        if (err) throw err;
        if (Number(count) > budgets[i]!.limit)
          return { allowed: false, scope: budgets[i]!.scope, limit: budgets[i]!.limit, retryAfterS };
      }
      return { allowed: true, retryAfterS };
    } catch (e) {
      this.onStoreError(e);
      return { allowed: true, retryAfterS };
    }
  }
}

/**
 * One budget per IPv4 address, and per /64 for IPv6: a single client usually holds a whole /64
 * (RFC 4291 §2.5.4 interface identifiers; SLAAC privacy addresses rotate inside it).
 */
export function clientBucket(ip: string): string {
  const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4mapped) return v4mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const full = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return `${full
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
