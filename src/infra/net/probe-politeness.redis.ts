import { randomUUID } from 'node:crypto';
import type { RedisClient as Redis } from '../queue/redis.factory';
import {
  pause,
  type AcquireOptions,
  type ProbeLimiter,
  type ProbeResultCache,
  type Release,
} from '../../probe/politeness.port';

/**
 * Redis-backed politeness shared by every worker (issue 4): a sorted set of leases per target IP
 * (score = lease expiry, so a crashed worker's slot frees itself) and a "last start" key for the
 * minimum interval. One Lua script makes the check-and-take atomic; time comes from Redis (TIME)
 * so worker clocks may disagree without breaking the interval.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local max = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local last = tonumber(redis.call('GET', KEYS[2]) or '-1')
if last >= 0 and last + interval > now then return last + interval - now end
if redis.call('ZCARD', KEYS[1]) >= max then return -1 end
redis.call('ZADD', KEYS[1], now + lease, ARGV[4])
redis.call('PEXPIRE', KEYS[1], lease)
redis.call('SET', KEYS[2], now, 'PX', math.max(interval, 1))
return 0
`;

export class RedisProbeLimiter implements ProbeLimiter {
  /** @param prefix key prefix, e.g. `${config.queuePrefix}:probe` (tests use a fresh one). */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async acquire(ip: string, o: AcquireOptions): Promise<Release | null> {
    const id = randomUUID();
    const leases = `${this.prefix}:leases:${ip}`;
    const last = `${this.prefix}:last:${ip}`;
    const deadline = Date.now() + o.waitMs;
    for (;;) {
      if (o.signal?.aborted) return null;
      const r = Number(
        await this.redis.eval(ACQUIRE, 2, leases, last, o.maxConcurrent, o.minIntervalMs, o.leaseMs, id),
      );
      if (r === 0) {
        let released = false;
        return async () => {
          if (released) return;
          released = true;
          await this.redis.zrem(leases, id);
        };
      }
      const left = deadline - Date.now();
      if (left <= 0) return null;
      // Busy (-1): poll with jitter so waiting workers do not move in lockstep.
      await pause(Math.min(left, r > 0 ? r : 50 + Math.floor(Math.random() * 100)), o.signal);
    }
  }
}

export class RedisProbeCache implements ProbeResultCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}:result:${key}`)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(`${this.prefix}:result:${key}`, value, 'PX', ttlMs);
  }
}
