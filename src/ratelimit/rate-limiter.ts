import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { DeferredAuthCheck } from '../auth/auth-throttle';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/errors/domain-error';
import { addressBucket } from '../common/address-bucket';
import type { BrowserLimiter } from '../embed/browser-limiter';
import { OPERATION_LIMIT_DEFAULTS, type OperationLimitConfig, type RateLimitConfig } from './ratelimit.config';
import type { AdmitArgs, AdmitResult, RateLimitStore } from '../infra/limits/rate-limit.store';
import type { UnfinishedRepository } from '../infra/database/unfinished.repository';

/** What the RateLimit-* headers say (draft-ietf-httpapi-ratelimit-headers). */
export interface RequestAllowance {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetS: number;
  allowed: boolean;
}

/** Room reserved for a submission (RateLimiter.reserve): committed once it created its checks, else released. */
export interface Reservation {
  /** The submission stored its checks: track `member` (a check id, or `b:<batchId>`) until they finish. */
  commit(member: string): Promise<void>;
  /** The submission failed: drop the reservation and give the quota back. */
  release(): Promise<void>;
}

/** A reservation about to be asked of the store (RateLimiter.plan). */
interface Plan {
  args: AdmitArgs;
  visitor: string | undefined;
}

/** Seconds a client is told to wait when its key has too many unfinished checks. */
export const CONCURRENCY_RETRY_S = 5;

/** The answer to one request or GraphQL operation: the allowance for the RateLimit-* headers, and the refusal if any. */
export interface RequestDecision {
  allowance?: RequestAllowance;
  /** A coded RATE_LIMITED error with `retryAfter` (seconds); undefined when admitted. */
  refusal?: DomainError;
}

function secondsToUtcMidnight(now: number): number {
  const d = new Date(now);
  return Math.max(1, Math.ceil((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) - now) / 1000));
}

/**
 * Per-key request rate, per-key unfinished checks and per-tenant daily quota, all counted in Redis
 * so every API replica sees the same numbers; for publishable keys also the per-key and
 * per-address minute budgets (BrowserLimiter) and a per-visitor unfinished-check cap.
 *
 * Two entry points, whatever the transport (REST, GraphQL over HTTP, graphql-ws):
 * - `admitRequest(principal, ip, cost)` for every request or GraphQL operation (cost: 1, or the
 *   number of checks it creates when more; see graphql-operations.ts);
 * - `reserve(principal, n, ip)` before every submission of n checks, then `commit` or `release`
 *   of the reservation (RateLimitInterceptor, around the submitting handlers and resolvers).
 *
 * Redis down: FAIL OPEN. The limiter protects capacity, it does not guard data; while Redis is down
 * submits fail with 503 anyway (the queue is in Redis) and reads are served from the database,
 * which a fail-closed limiter would turn into 429/503 for no benefit. Each failure is counted in
 * `smtp_doctor_rate_limit_store_errors_total` and logged (at most every 30 s).
 */
export class RateLimiter {
  private readonly limited: Counter<'reason'>;
  private readonly storeErrors: Counter;
  private lastWarn = 0;
  /** Publishable keys' per-key and per-address minute budgets, attached by the HTTP role (embed). */
  private browser: BrowserLimiter | undefined;

  constructor(
    readonly config: RateLimitConfig,
    private readonly store: RateLimitStore,
    private readonly unfinished: UnfinishedRepository,
    private readonly log: Logger,
    registry: Registry,
    private readonly clock: () => number = Date.now,
    readonly operations: OperationLimitConfig = OPERATION_LIMIT_DEFAULTS,
  ) {
    this.limited = new Counter({
      name: 'smtp_doctor_rate_limited_total',
      help: 'Requests refused with 429 by reason (rpm, concurrency, quota, visitor, publishable_key, publishable_ip)',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.storeErrors = new Counter({
      name: 'smtp_doctor_rate_limit_store_errors_total',
      help: 'Rate-limit decisions skipped (fail open) because Redis did not answer',
      registers: [registry],
    });
  }

  private storeDown(e: unknown): void {
    this.storeErrors.inc();
    const now = this.clock();
    if (now - this.lastWarn > 30_000) {
      this.lastWarn = now;
      this.log.warn({ err: (e as Error).message }, 'rate limiter: Redis unavailable, limits not enforced (fail open)');
    }
  }

  /** Count publishable keys against these minute budgets too (per key and per client address). */
  useBrowserLimiter(browser: BrowserLimiter | undefined): void {
    this.browser = browser;
  }

  /** Count one request (`cost` of them); undefined when the limit is off or Redis is down (fail open). */
  async request(p: Principal, cost = 1): Promise<RequestAllowance | undefined> {
    const limit = this.config.rpm;
    if (!limit) return undefined;
    try {
      return this.allowance(await this.store.hit(p.keyId, 60_000, cost));
    } catch (e) {
      this.storeDown(e);
      return undefined;
    }
  }

  private allowance({ count, resetMs }: { count: number; resetMs: number }): RequestAllowance {
    const limit = this.config.rpm;
    const a = {
      limit,
      remaining: Math.max(0, limit - count),
      resetS: Math.max(1, Math.ceil(resetMs / 1000)),
      allowed: count <= limit,
    };
    if (!a.allowed) this.limited.inc({ reason: 'rpm' });
    return a;
  }

  /**
   * The one admission of a request or GraphQL operation, for every transport: `cost` counts
   * against the key's per-minute budget and, for a publishable key, against that key's and the
   * client address's browser budgets. Every budget is counted even when one refuses (as HTTP did).
   */
  async admitRequest(
    p: Principal,
    ip: string | undefined,
    cost = 1,
    authCheck?: DeferredAuthCheck,
  ): Promise<RequestDecision> {
    if (authCheck) {
      // The block check of the key's client address first: nothing else counts for a blocked address.
      const gated = await this.gate(p, cost, authCheck);
      if (gated.refusal && !gated.allowance) return gated;
      return this.browserAdmission(p, ip, cost, gated.allowance);
    }
    const [allowance, browser] = await Promise.all([
      this.request(p, cost),
      p.type === 'publishable' && this.browser ? this.browser.hit(p.keyId, ip, cost) : undefined,
    ]);
    return this.decide(allowance, browser);
  }

  /** Auth block check, minute window and reservation in one round trip (RateLimitStore.gate); fail open. */
  private async gate(
    p: Principal,
    cost: number,
    authCheck: DeferredAuthCheck | undefined,
    admit?: AdmitArgs,
  ): Promise<RequestDecision & { admitted?: AdmitResult }> {
    if (!authCheck && !this.config.rpm && !admit) return {};
    let g;
    try {
      g = await this.store.gate({
        keyId: p.keyId,
        auth: authCheck ? { key: authCheck.key, limit: authCheck.limit } : undefined,
        rpmLimit: this.config.rpm,
        cost,
        admit,
      });
    } catch (e) {
      this.storeDown(e);
      authCheck?.redisError(e);
      return {};
    }
    if (g.blocked) return { refusal: authCheck!.refusal(g.authTtlMs) };
    const allowance = g.window ? this.allowance(g.window) : undefined;
    if (allowance && !allowance.allowed) return { allowance, refusal: this.tooManyRequests(allowance) };
    return { allowance, admitted: g.admitted };
  }

  private async browserAdmission(
    p: Principal,
    ip: string | undefined,
    cost: number,
    allowance: RequestAllowance | undefined,
  ): Promise<RequestDecision> {
    const browser = p.type === 'publishable' && this.browser ? await this.browser.hit(p.keyId, ip, cost) : undefined;
    return this.decide(allowance, browser);
  }

  private decide(
    allowance: RequestAllowance | undefined,
    browser: Awaited<ReturnType<BrowserLimiter['hit']>> | undefined,
  ): RequestDecision {
    if (allowance && !allowance.allowed) return { allowance, refusal: this.tooManyRequests(allowance) };
    if (browser && !browser.allowed) {
      this.limited.inc({ reason: browser.scope === 'ip' ? 'publishable_ip' : 'publishable_key' });
      const who = browser.scope === 'ip' ? 'from your network address' : 'for this publishable key';
      const refusal = new DomainError(
        'RATE_LIMITED',
        `Too many requests ${who} (at most ${browser.limit} a minute). Retry in ${browser.retryAfterS} s.`,
        undefined,
        {
          retryAfter: browser.retryAfterS,
          scope: browser.scope,
        },
      );
      return { allowance, refusal };
    }
    return { allowance };
  }

  /** The 429 for a request over the per-minute limit. */
  tooManyRequests(a: RequestAllowance): DomainError {
    return new DomainError(
      'RATE_LIMITED',
      `This API key made more than ${a.limit} requests in a minute; retry in ${a.resetS} s.`,
      undefined,
      { retryAfter: a.resetS },
    );
  }

  /**
   * Reserve room for a submission of `n` checks by `p` from client address `ip` (the per-visitor
   * cap of publishable keys needs it), before the submission runs. Throws the refusal (429
   * RATE_LIMITED or QUOTA_EXCEEDED, or 400 when n is bigger than a limit itself). Returns undefined
   * when no limit applies or Redis is down (fail open); else a reservation the caller commits with
   * what the submission created (a check id, or `b:<batchId>`) or releases when it failed.
   */
  async reserve(p: Principal, n: number, ip: string | undefined): Promise<Reservation | undefined> {
    const plan = this.plan(p, n, ip);
    if (!plan) return undefined;
    let admitted;
    try {
      admitted = await this.store.admit(plan.args);
    } catch (e) {
      this.storeDown(e);
      return undefined;
    }
    return this.settle(p, plan, admitted);
  }

  /**
   * `admitRequest` then `reserve`, for a REST submission (`authCheck`: the key's block check when
   * ApiKeyGuard deferred it to the admission): a secret key's block check, minute window and
   * reservation run as one Redis script (RateLimitStore.gate), in the same order and with the same
   * outcomes as the two calls. A refusal of the reservation (429, or 400 for a submission bigger than a limit) is
   * returned as the decision's refusal, with the allowance of the request.
   */
  async admitSubmission(
    p: Principal,
    ip: string | undefined,
    n: number,
    authCheck: DeferredAuthCheck | undefined,
  ): Promise<RequestDecision & { reservation?: Reservation }> {
    if (p.type === 'publishable') {
      // The browser budgets come between the request and the reservation (a refused one reserves nothing).
      const d = await this.admitRequest(p, ip, 1, authCheck);
      if (d.refusal) return d;
      try {
        return { ...d, reservation: await this.reserve(p, n, ip) };
      } catch (e) {
        if (e instanceof DomainError) return { ...d, refusal: e };
        throw e;
      }
    }
    let plan: Plan | undefined;
    let tooBigError: DomainError | undefined;
    try {
      plan = this.plan(p, n, ip);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      tooBigError = e;
    }
    const g = await this.gate(p, 1, authCheck, plan?.args);
    if (g.refusal) return g;
    if (tooBigError) return { allowance: g.allowance, refusal: tooBigError };
    // No limit applies, or Redis is down (fail open, already counted by gate).
    if (!plan || !g.admitted) return { allowance: g.allowance };
    try {
      return { allowance: g.allowance, reservation: await this.settle(p, plan, g.admitted) };
    } catch (e) {
      if (e instanceof DomainError) return { allowance: g.allowance, refusal: e };
      throw e;
    }
  }

  /** What a reservation of n checks asks of the store; undefined when no limit applies. Throws the 400 of a submission bigger than a limit. */
  private plan(p: Principal, n: number, ip: string | undefined): Plan | undefined {
    const { concurrentChecks: conc, dailyChecks: quota } = this.config;
    // A visitor of a publishable key: its client address (IPv6: the /64), scoped to the tenant.
    const vcap = this.operations.visitorConcurrentChecks;
    const visitor =
      p.type === 'publishable' && vcap && ip ? this.store.visitorKey(p.tenantId, addressBucket(ip)) : undefined;
    if ((!conc && !quota && !visitor) || n <= 0) return undefined;
    // Bigger than the limit itself: no wait would help, so this is the request's fault (400), not a 429.
    if (conc && n > conc)
      throw tooBig(n, `this API key may have at most ${conc} unfinished checks (RATE_LIMIT_CONCURRENT_CHECKS)`);
    if (quota && n > quota) throw tooBig(n, `the tenant's daily quota is ${quota} checks (QUOTA_DAILY_CHECKS)`);
    if (visitor && n > vcap)
      throw tooBig(n, `one visitor may have at most ${vcap} unfinished checks (PUBLISHABLE_VISITOR_CONCURRENT_CHECKS)`);
    const now = this.clock();
    return {
      args: {
        keyId: p.keyId,
        quotaKey: this.store.quotaKey(p.tenantId, new Date(now)),
        n,
        quotaLimit: quota,
        concLimit: conc,
        token: randomUUID(),
        now,
        visitor,
        visitorLimit: vcap,
      },
      visitor,
    };
  }

  /**
   * After the store's first answer: at a limit, reconcile with the database and ask again; then
   * throw the refusal (429 RATE_LIMITED or QUOTA_EXCEEDED) or return the reservation. Redis down
   * on the way: undefined (fail open).
   */
  private async settle(p: Principal, plan: Plan, first: AdmitResult): Promise<Reservation | undefined> {
    const { concurrentChecks: conc, dailyChecks: quota } = this.config;
    const vcap = this.operations.visitorConcurrentChecks;
    const { args, visitor } = plan;
    const { now, token, quotaKey, n } = args;
    let admitted = first;
    try {
      if (!admitted.ok && admitted.reason === 'concurrency' && (await this.reconcile(p.keyId)))
        admitted = await this.store.admit(args);
      if (!admitted.ok && admitted.reason === 'visitor' && visitor && (await this.reconcileVisitor(visitor)))
        admitted = await this.store.admit(args);
    } catch (e) {
      this.storeDown(e);
      return undefined;
    }
    if (!admitted.ok) {
      this.limited.inc({ reason: admitted.reason });
      if (admitted.reason === 'quota') {
        const retryAfter = secondsToUtcMidnight(now);
        throw new DomainError(
          'QUOTA_EXCEEDED',
          `The tenant's daily quota of ${quota} checks is used (${admitted.quotaUsed} so far today); it resets at 00:00 UTC, in ${retryAfter} s.`,
          undefined,
          {
            retryAfter,
          },
        );
      }
      if (admitted.reason === 'visitor') {
        throw new DomainError(
          'RATE_LIMITED',
          `Your address has ${admitted.inFlight} unfinished checks with this site and may have at most ${vcap} at a time; retry when one has finished.`,
          undefined,
          { retryAfter: CONCURRENCY_RETRY_S, scope: 'visitor' },
        );
      }
      throw new DomainError(
        'RATE_LIMITED',
        `This API key has ${admitted.inFlight} unfinished checks and may have at most ${conc}; retry when some have finished.`,
        undefined,
        {
          retryAfter: CONCURRENCY_RETRY_S,
        },
      );
    }

    return {
      commit: async (member: string) => {
        if (conc) await this.store.commit(p.keyId, token, member, n).catch((err: unknown) => this.storeDown(err));
        if (visitor)
          await this.store.commitVisitor(visitor, token, member).catch((err: unknown) => this.storeDown(err));
      },
      release: async () => {
        await this.store
          .release(p.keyId, quotaKey, token, quota ? n : 0, visitor)
          .catch((err: unknown) => this.storeDown(err));
      },
    };
  }

  /**
   * Reserve `n` checks of a tenant's daily quota (QUOTA_DAILY_CHECKS) and nothing else: the
   * checks a monitor's scheduler fires on the tenant's behalf. They are checks the tenant asked
   * for, so they count toward its day; the per-key request rate and unfinished-check limits are
   * about callers, and a scheduler slot is not a request. Throws QUOTA_EXCEEDED (429) when the
   * day is used up; undefined when the quota is off or Redis is down (fail open, as `reserve`).
   * `release(k)` gives back k checks that were not created after all.
   */
  async reserveQuota(tenantId: string, n: number): Promise<{ release(k: number): Promise<void> } | undefined> {
    const quota = this.config.dailyChecks;
    if (!quota || n <= 0) return undefined;
    const now = this.clock();
    const token = randomUUID();
    const quotaKey = this.store.quotaKey(tenantId, new Date(now));
    let admitted;
    try {
      admitted = await this.store.admit({
        keyId: `quota-only:${tenantId}`,
        quotaKey,
        n,
        quotaLimit: quota,
        concLimit: 0,
        token,
        now,
        visitor: undefined,
        visitorLimit: 0,
      });
    } catch (e) {
      this.storeDown(e);
      return undefined;
    }
    if (!admitted.ok) {
      this.limited.inc({ reason: 'quota' });
      const retryAfter = secondsToUtcMidnight(now);
      throw new DomainError(
        'QUOTA_EXCEEDED',
        `The tenant's daily quota of ${quota} checks is used (${'quotaUsed' in admitted ? admitted.quotaUsed : '?'} so far today, ${n} more needed); it resets at 00:00 UTC, in ${retryAfter} s.`,
        undefined,
        { retryAfter },
      );
    }
    return {
      release: async (k: number) => {
        if (k > 0)
          await this.store
            .release(`quota-only:${tenantId}`, quotaKey, token, Math.min(k, n))
            .catch((err: unknown) => this.storeDown(err));
      },
    };
  }

  /**
   * A visitor at the cap: drop the checks the database shows finished (the database is the source
   * of truth; at most `cap` ids, looked up by primary key). Returns true when something was freed.
   * No finish hook keeps visitors' sets: the worker does not know the client address.
   */
  private async reconcileVisitor(visitor: string): Promise<boolean> {
    const ids = await this.store.visitorChecks(visitor);
    if (!ids.length) return false;
    let counts;
    try {
      counts = await this.unfinished.counts(ids);
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'rate limiter: cannot reconcile a visitor with the database');
      return false;
    }
    const done = ids.filter((id) => !counts.get(id));
    await this.store.dropVisitorChecks(visitor, done);
    return done.length > 0;
  }

  /** A check finished (worker side): it no longer counts against its key. */
  async finished(check: { id: string; created_by: string; batch_id: string | null }): Promise<void> {
    if (!this.config.concurrentChecks) return;
    await this.store
      .finish(check.created_by, check.batch_id ? `b:${check.batch_id}` : check.id)
      .catch((e: unknown) => this.storeDown(e));
  }

  /**
   * At the limit, correct the key's counters from the database (finish hooks lost while Redis was
   * down would otherwise block the key for good). At most one replica every 5 s per key.
   * Returns true when something was released.
   */
  private async reconcile(keyId: string): Promise<boolean> {
    if (!(await this.store.reconcileLock(keyId, 5000))) return false;
    const tracked = await this.store.tracked(keyId);
    const members = Object.keys(tracked);
    if (!members.length) return false;
    let counts;
    try {
      counts = await this.unfinished.counts(members);
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'rate limiter: cannot reconcile with the database');
      return false;
    }
    const before = Object.values(tracked).reduce((s, v) => s + Math.max(0, v), 0);
    const after = await this.store.reconcile(keyId, counts);
    if (after < before)
      this.log.info(
        { keyId, before, after },
        'rate limiter: released unfinished-check slots the database shows finished',
      );
    return after < before;
  }
}

function tooBig(n: number, why: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `checks: ${n} checks in one submission, but ${why}; split it`, [
    { field: 'checks', message: `has ${n} items; ${why}` },
  ]);
}
