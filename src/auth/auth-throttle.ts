import ipaddr from 'ipaddr.js';
import type { RedisClient as Redis } from '../infra/queue/redis.factory';
import { DomainError } from '../common/errors/domain-error';

/**
 * Failed authentication throttled per client address, in Redis so it holds across API replicas.
 * After AUTH_FAIL_LIMIT failed attempts (a wrong API key or admin token) within
 * AUTH_FAIL_WINDOW_S, every further attempt from that address is answered 429 until the window
 * ends, a correct key included: otherwise a guesser would learn which guess was right.
 * Requests without credentials are neither counted nor blocked (they guess nothing).
 *
 * The window is fixed: it starts at the first failure and is not extended by later ones.
 * A success is checked after the credential is evaluated, so a burst of concurrent guesses is
 * counted before the one right guess in it is accepted. IPv6 clients are counted per /64 (one
 * host usually holds a whole /64 and could otherwise rotate addresses); IPv4-mapped as IPv4.
 *
 * Two small Lua scripts rather than rate-limiter-flexible: the same fixed-window counter as the
 * other limits on this Redis (src/ratelimit/ratelimit.store.ts), without a second style of keys.
 *
 * Key: `<QUEUE_PREFIX>:auth:fail:<address or /64>` (see src/ratelimit/ratelimit.store.ts for
 * the neighbouring `<QUEUE_PREFIX>:rl:` keys). Redis down: attempts pass (fail open, logged),
 * like the other limits; authentication itself does not need Redis.
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

export interface AuthThrottleOptions {
  redis: Redis;
  prefix: string;
  /** Failures allowed per window; 0 disables the throttle. */
  limit: number;
  windowS: number;
  onRedisError?: (e: unknown) => void;
}

/** The bucket an address is counted in: the IPv4 address, or the /64 of an IPv6 address. */
export function throttleBucket(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip.slice(0, 64);
  let a = ipaddr.parse(ip);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  if (a.kind() === 'ipv4') return a.toString();
  const p = (a as ipaddr.IPv6).parts;
  return `${new ipaddr.IPv6([p[0]!, p[1]!, p[2]!, p[3]!, 0, 0, 0, 0]).toString()}/64`;
}

/** The caller's address in a GraphQL context: Express `req.ip` over HTTP, `wsClientIp` over graphql-ws. */
export function gqlClientAddress(ctx: { req?: { ip?: string }; wsClientIp?: string }): string | undefined {
  return ctx.req?.ip ?? ctx.wsClientIp;
}

export class AuthThrottle {
  constructor(private readonly o: AuthThrottleOptions) {}

  private key(client: string): string {
    return `${this.o.prefix}:auth:fail:${throttleBucket(client)}`;
  }

  private tooMany(ttlMs: number): DomainError {
    const retryAfter = Math.max(1, Math.ceil(ttlMs / 1000));
    return new DomainError(
      'RATE_LIMITED',
      `Too many failed authentication attempts from your address (at most ${this.o.limit} in ${this.o.windowS} s); every attempt is refused for ${retryAfter} s.`,
      undefined,
      { retryAfter, scope: 'auth' },
    );
  }

  /** Seconds until `client` may try again, or 0 when it is not blocked. */
  async blockedFor(client: string): Promise<number> {
    try {
      const [n, ttl] = (await this.o.redis.eval(BLOCKED, 1, this.key(client), this.o.limit)) as [number, number];
      return n >= this.o.limit ? Math.max(1, Math.ceil(Math.max(ttl, 0) / 1000)) : 0;
    } catch (e) {
      this.o.onRedisError?.(e);
      return 0;
    }
  }

  /** A correct credential: passes unless the address is blocked (then RATE_LIMITED). */
  async passed(client: string | undefined): Promise<void> {
    if (!client || this.o.limit <= 0) return;
    const s = await this.blockedFor(client);
    if (s > 0) throw this.tooMany(s * 1000);
  }

  /** A wrong credential: counted; RATE_LIMITED once over the limit, else the caller's 401. */
  async failed(client: string | undefined): Promise<void> {
    if (!client || this.o.limit <= 0) return;
    let n: number;
    let ttl: number;
    try {
      [n, ttl] = (await this.o.redis.eval(FAIL, 1, this.key(client), this.o.windowS * 1000)) as [number, number];
    } catch (e) {
      this.o.onRedisError?.(e);
      return;
    }
    if (n > this.o.limit) throw this.tooMany(ttl);
  }
}
