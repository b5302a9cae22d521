import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.schema';
import { DomainError } from '../common/errors/domain-error';
import { isDependencyDown, unavailable } from '../common/errors/domain-error';
import type { TenantsRepository } from '../infra/database/tenants.repository';
import type { AuthFailureStore } from '../infra/limits/auth-failure.store';
import { AuthThrottle, type DeferredAuthCheck } from './auth-throttle';
import type { KeyCache } from './key-cache';
import type { Principal } from './principal';

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function newKey(type: 'secret' | 'publishable'): string {
  return `${type === 'secret' ? 'sk' : 'pk'}_${randomBytes(24).toString('base64url')}`;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Constant-time comparison of two secrets through their SHA-256 digests (equal lengths whatever the inputs). */
function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Resolves `Authorization: Bearer <key>` to a tenant. No key, a wrong or revoked key: 401.
 * The transport that answers the request (REST guards, GraphQL resolvers over HTTP and
 * WebSocket) passes the client address: its failed attempts are throttled (auth-throttle.ts).
 * Other callers (CORS, rate-limit middleware that peek at the key) pass none and count nothing,
 * so one request counts once.
 */
export class AuthService {
  readonly throttle: AuthThrottle | undefined;
  /**
   * Set by RateLimitModule, whose global RateLimitInterceptor admits every REST request that
   * ApiKeyGuard authenticated: the block check of a correct key then runs in that admission's one
   * Redis round trip (authenticateDeferred) instead of a round trip of its own.
   */
  private admission = false;
  /** API_KEYS with their digests, computed once (a request hashes only the key it presents). */
  private readonly staticKeys: { tenant: string; digest: Buffer }[];
  /** Stored keys resolved recently, invalidated on every process when one changes (key-cache.ts). */
  private readonly keyCache: KeyCache | undefined;
  private readonly log: Logger | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly tenants: TenantsRepository,
    deps: { failures?: AuthFailureStore; log?: Logger; keyCache?: KeyCache } = {},
  ) {
    this.keyCache = deps.keyCache;
    this.log = deps.log;
    this.staticKeys = config.apiKeys.map((k) => ({ tenant: k.tenant, digest: digest(k.key) }));
    let lastWarn = 0;
    this.throttle =
      deps.failures && config.auth.failLimit > 0
        ? new AuthThrottle({
            store: deps.failures,
            limit: config.auth.failLimit,
            windowS: config.auth.failWindowS,
            onRedisError: (e) => {
              if (Date.now() - lastWarn < 30_000) return;
              lastWarn = Date.now();
              deps.log?.warn(
                { err: (e as Error).message },
                'auth: failed-attempt throttle skipped, Redis unavailable (fail open)',
              );
            },
          })
        : undefined;
  }

  async bootstrapStaticTenants(): Promise<void> {
    const at = new Date().toISOString();
    for (const t of new Set(this.config.apiKeys.map((k) => k.tenant))) await this.tenants.ensure(t, at);
  }

  static bearer(header: unknown): string | undefined {
    if (typeof header !== 'string') return undefined;
    const m = /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
    return m?.[1];
  }

  /**
   * @param client the caller's address when this call answers the request (throttled), else undefined.
   * @throws UNAUTHENTICATED, RATE_LIMITED (the address is blocked), SERVICE_UNAVAILABLE (database down).
   */
  async authenticate(authorization: unknown, client?: string): Promise<Principal> {
    const key = AuthService.bearer(authorization);
    if (!key) throw new DomainError('UNAUTHENTICATED', 'Send your API key as "Authorization: Bearer <key>".');
    const principal = await this.lookup(key);
    if (!principal) {
      await this.throttle?.failed(client);
      throw new DomainError('UNAUTHENTICATED', 'The API key is unknown or revoked.');
    }
    await this.throttle?.passed(client);
    return principal;
  }

  /** RateLimitModule's interceptor admits every authenticated REST request (see `admission`). */
  admissionChecksThrottle(): void {
    this.admission = true;
  }

  /**
   * `authenticate`, except that a correct key's block check (is the client's address blocked for
   * failed attempts?) is returned for the request's admission to run, when an admission runs for
   * every request (RateLimitModule); without one it runs here as in `authenticate`. Failures are
   * counted here either way. The caller must not let the request through before the check ran.
   */
  async authenticateDeferred(
    authorization: unknown,
    client: string | undefined,
  ): Promise<{ principal: Principal; authCheck?: DeferredAuthCheck }> {
    if (!this.admission || !this.throttle) return { principal: await this.authenticate(authorization, client) };
    const key = AuthService.bearer(authorization);
    if (!key) throw new DomainError('UNAUTHENTICATED', 'Send your API key as "Authorization: Bearer <key>".');
    const principal = await this.lookup(key);
    if (!principal) {
      await this.throttle.failed(client);
      throw new DomainError('UNAUTHENTICATED', 'The API key is unknown or revoked.');
    }
    return { principal, authCheck: this.throttle.deferred(client) };
  }

  private async lookup(key: string): Promise<Principal | undefined> {
    // Static keys: constant-time comparison of digests (theirs computed once at boot).
    const presented = digest(key);
    let match: string | undefined;
    for (const s of this.staticKeys) if (timingSafeEqual(s.digest, presented) && match === undefined) match = s.tenant;
    if (match !== undefined) return { tenantId: match, keyId: `static:${match}`, type: 'secret', allowedKinds: null };
    const hash = presented.toString('hex'); // = hashKey(key)
    const cached = this.keyCache?.get(hash);
    if (cached) return cached;
    const token = this.keyCache?.begin() ?? 0;
    let row;
    try {
      row = await this.tenants.findKeyByHash(hash);
    } catch (e) {
      if (isDependencyDown(e))
        throw unavailable('The database is unreachable; cannot check the API key. Retry shortly.');
      throw e;
    }
    if (!row || row.revoked_at) return undefined;
    let allowedKinds: string[] | null = null;
    if (row.type === 'publishable') {
      const t = await this.tenants.find(row.tenant_id);
      allowedKinds = t?.allowed_kinds ? (Object.freeze(JSON.parse(t.allowed_kinds)) as string[]) : null;
    }
    const principal: Principal = Object.freeze({
      tenantId: row.tenant_id,
      keyId: row.id,
      type: row.type,
      allowedKinds,
    });
    this.keyCache?.set(hash, principal, token);
    return principal;
  }

  /**
   * A stored key or what it resolves to (its tenant's allowed kinds) changed, and the change is
   * committed: every process forgets the keys it cached (KeyCache.invalidate). Never throws: the
   * change is made; if Redis does not take the message, other processes drop it within
   * API_KEY_CACHE_TTL_S.
   */
  async keysChanged(): Promise<void> {
    try {
      await this.keyCache?.invalidate();
    } catch (e) {
      this.log?.warn(
        { err: (e as Error).message },
        'auth: key change not published (Redis unavailable); other processes drop cached keys within API_KEY_CACHE_TTL_S',
      );
    }
  }

  /** The admin API's bearer token; failures are throttled like API keys (same counter per address). */
  async checkAdmin(authorization: unknown, client?: string): Promise<void> {
    const token = AuthService.bearer(authorization);
    if (!this.config.adminToken)
      throw new DomainError('FORBIDDEN', 'The admin API is disabled: set ADMIN_TOKEN to enable it.');
    const unauthenticated = () =>
      new DomainError('UNAUTHENTICATED', 'Send the admin token as "Authorization: Bearer <ADMIN_TOKEN>".');
    if (!token) throw unauthenticated();
    if (!safeEqual(token, this.config.adminToken)) {
      await this.throttle?.failed(client);
      throw unauthenticated();
    }
    await this.throttle?.passed(client);
  }
}
