import { addressBucket } from '../common/address-bucket';
import { DomainError } from '../common/errors/domain-error';
import type { AuthFailureStore } from '../infra/limits/auth-failure.store';

/**
 * Failed authentication throttled per client address, in Redis (AuthFailureStore,
 * src/infra/limits) so it holds across API replicas.
 * After AUTH_FAIL_LIMIT failed attempts (a wrong API key or admin token) within
 * AUTH_FAIL_WINDOW_S, every further attempt from that address is answered 429 until the window
 * ends, a correct key included: otherwise a guesser would learn which guess was right.
 * Requests without credentials are neither counted nor blocked (they guess nothing).
 *
 * The window is fixed: it starts at the first failure and is not extended by later ones.
 * A success is checked after the credential is evaluated, so a burst of concurrent guesses is
 * counted before the one right guess in it is accepted. Over REST and GraphQL over HTTP that check
 * runs in the request's admission, in the same Redis script as the rate limit (`deferred`,
 * RateLimitStore.gate), still before anything is served: the same answers, one round trip less. Addresses are counted per bucket
 * (addressBucket: IPv4, or the IPv6 /64; IPv4-mapped as IPv4).
 *
 * Key: `<QUEUE_PREFIX>:auth:fail:<bucket>`. Redis down: attempts pass (fail open, logged),
 * like the other limits; authentication itself does not need Redis.
 */
export interface AuthThrottleOptions {
  store: Pick<AuthFailureStore, 'fail' | 'failures' | 'keyOf'>;
  /** Failures allowed per window; 0 disables the throttle. */
  limit: number;
  windowS: number;
  onRedisError?: (e: unknown) => void;
}

export { gqlClientAddress } from './gql-principal';

/**
 * The block check of a correct credential, left to the request's admission (RateLimitStore.gate
 * reads the counter in the same round trip as the rate limit): the counter's key and limit, and
 * the refusal to throw when it is reached.
 */
export interface DeferredAuthCheck {
  key: string;
  limit: number;
  refusal(ttlMs: number): DomainError;
  /** Redis did not answer the admission: the throttle fails open, logged as usual. */
  redisError(e: unknown): void;
}

export class AuthThrottle {
  constructor(private readonly o: AuthThrottleOptions) {}

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
      const { count: n, ttlMs: ttl } = await this.o.store.failures(addressBucket(client), this.o.limit);
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

  /**
   * A correct credential whose block check the caller runs itself, in the request's admission
   * (see DeferredAuthCheck); undefined when there is nothing to check (no address, throttle off).
   */
  deferred(client: string | undefined): DeferredAuthCheck | undefined {
    if (!client || this.o.limit <= 0) return undefined;
    return {
      key: this.o.store.keyOf(addressBucket(client)),
      limit: this.o.limit,
      refusal: (ttlMs) => this.tooMany(Math.max(1000, ttlMs)),
      redisError: (e) => this.o.onRedisError?.(e),
    };
  }

  /** A wrong credential: counted; RATE_LIMITED once over the limit, else the caller's 401. */
  async failed(client: string | undefined): Promise<void> {
    if (!client || this.o.limit <= 0) return;
    let n: number;
    let ttl: number;
    try {
      ({ count: n, ttlMs: ttl } = await this.o.store.fail(addressBucket(client), this.o.windowS * 1000));
    } catch (e) {
      this.o.onRedisError?.(e);
      return;
    }
    if (n > this.o.limit) throw this.tooMany(ttl);
  }
}
