import { assertMayBatch, MAX_BATCH } from '../checks/checks.service';
import type { Principal } from '../auth/principal';
import type { RateLimiter, Reservation } from './rate-limiter';
import type { SubmissionShape } from './submits-checks.decorator';

/**
 * The limits of one submission, whatever calls it: RateLimitInterceptor around the REST handlers
 * and GraphQL mutations marked @SubmitsChecks, and the modules that submit on a caller's behalf
 * (explain's `?diagnose=domain` batch, wired in ExplainModule). A RateLimitModule provider.
 */
export class SubmissionLimits {
  constructor(private readonly limiter: RateLimiter) {}

  /**
   * Reserve the checks `body` would create (RateLimiter.reserve). A batch of a publishable key is
   * refused first (403, whatever its size); a malformed or oversized batch counts 0 (the service
   * answers it 400).
   */
  reserve(
    p: Principal,
    shape: SubmissionShape,
    body: unknown,
    ip: string | undefined,
  ): Promise<Reservation | undefined> {
    return this.limiter.reserve(p, this.count(p, shape, body), ip);
  }

  /** How many checks `body` would create (what `reserve` reserves); throws the 403 of a publishable key's batch. */
  count(p: Principal, shape: SubmissionShape, body: unknown): number {
    if (shape !== 'batch') return 1;
    assertMayBatch(p);
    const items = (body as { checks?: unknown } | null | undefined)?.checks;
    return Array.isArray(items) && items.length <= MAX_BATCH ? items.length : 0;
  }

  /**
   * The daily quota alone, for checks fired on the tenant's behalf by a monitor's schedule
   * (RateLimiter.reserveQuota); a run-now request passes the per-request limits first.
   */
  reserveQuota(tenantId: string, n: number): Promise<{ release(k: number): Promise<void> } | undefined> {
    return this.limiter.reserveQuota(tenantId, n);
  }

  /** The tracked member of what a submission created: its check id, or `b:<batchId>`. */
  static member(shape: SubmissionShape, result: unknown): string {
    const id = String((result as { id?: unknown } | null)?.id);
    return shape === 'batch' ? `b:${id}` : id;
  }

  /** Reserve, run `submit`, then commit what it created or release. */
  async around<T>(
    p: Principal,
    shape: SubmissionShape,
    body: unknown,
    ip: string | undefined,
    submit: () => Promise<T>,
  ): Promise<T> {
    const reservation = await this.reserve(p, shape, body, ip);
    if (!reservation) return submit();
    let result: T;
    try {
      result = await submit();
    } catch (e) {
      await reservation.release();
      throw e;
    }
    await reservation.commit(SubmissionLimits.member(shape, result));
    return result;
  }
}
