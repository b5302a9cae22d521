import type { RedisClient as Redis } from '../queue/redis.factory';

/**
 * The Redis side of the failed-authentication throttle (the rules live in
 * src/auth/auth-throttle.ts): one fixed-window counter per client bucket,
 * `<QUEUE_PREFIX>:auth:fail:<bucket>`. Two small Lua scripts rather than rate-limiter-flexible:
 * the same fixed-window counter as the other limits on this Redis (rate-limit.store.ts), without a
 * second style of keys. Errors (Redis down) are thrown; the throttle decides to fail open.
 */
const FAIL = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

const BLOCKED = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n < tonumber(ARGV[1]) then return {n, -1} end
return {n, redis.call('PTTL', KEYS[1])}`;

interface ScriptedRedis {
  authFail(key: string, windowMs: number): Promise<[number, number]>;
  authBlocked(key: string, limit: number): Promise<[number, number]>;
}

export class AuthFailureStore {
  private readonly r: Redis & ScriptedRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    // defineCommand sends EVALSHA (the script is not re-sent with every call) and falls back to EVAL.
    if (!('authFail' in redis)) redis.defineCommand('authFail', { numberOfKeys: 1, lua: FAIL });
    if (!('authBlocked' in redis)) redis.defineCommand('authBlocked', { numberOfKeys: 1, lua: BLOCKED });
    this.r = redis as Redis & ScriptedRedis;
  }

  /** The counter of `bucket`, for a script that reads it with others (RateLimitStore.gate). */
  keyOf(bucket: string): string {
    return `${this.prefix}:auth:fail:${bucket}`;
  }

  /** Count one failure of `bucket`; returns the failures in the window and the window's remaining ms. */
  async fail(bucket: string, windowMs: number): Promise<{ count: number; ttlMs: number }> {
    const [n, ttl] = await this.r.authFail(this.keyOf(bucket), windowMs);
    return { count: Number(n), ttlMs: Number(ttl) };
  }

  /** The failures of `bucket` so far, and the window's remaining ms when they reach `limit` (else -1). */
  async failures(bucket: string, limit: number): Promise<{ count: number; ttlMs: number }> {
    const [n, ttl] = await this.r.authBlocked(this.keyOf(bucket), limit);
    return { count: Number(n), ttlMs: Number(ttl) };
  }
}
