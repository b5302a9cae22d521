import type { Principal } from '../auth/principal';
import { assertMayBatch, MAX_BATCH, type ChecksService } from '../checks/checks.service';
import { ConfigError } from '../config/config.schema';
import type { Platform } from '../platform';
import { RateLimiter } from './rate-limiter';
import { parseOperationLimitConfig, parseRateLimitConfig } from './ratelimit.config';
import { RateLimitStore } from './ratelimit.store';
import { warnOnRedisSettings } from './redis-settings';
import { UnfinishedRepository } from './unfinished.repository';

/**
 * Admission control around the one place every submission goes through, whatever the transport
 * (REST /v1/checks and /v1/batches, GraphQL submitCheck and submitBatch): ChecksService.
 * Decorating the two submit methods keeps the service free of limits and the limits in one folder.
 */
export function limitSubmissions(checks: ChecksService, limiter: RateLimiter): void {
  const submit = checks.submit.bind(checks);
  const submitBatch = checks.submitBatch.bind(checks);
  checks.submit = (p: Principal, body: unknown) => limiter.admit(p, 1, () => submit(p, body), (r) => r.id);
  checks.submitBatch = (p: Principal, body: unknown) => {
    // Refused before admission, so a publishable key's batch is 403 whatever its size (not a 400 or 429).
    assertMayBatch(p);
    const items = (body as { checks?: unknown } | null)?.checks;
    // Malformed or oversized batches are not counted: the service rejects them with a 400.
    const n = Array.isArray(items) && items.length <= MAX_BATCH ? items.length : 0;
    return limiter.admit(p, n, () => submitBatch(p, body), (r) => `b:${r.id}`);
  };
}

/**
 * Platform module (all roles): rate limits and quotas, plus the start-up check of Redis's
 * production settings. The API role installs the per-minute limit over HTTP (ratelimit.http.ts);
 * the worker role releases a key's unfinished-check slot when a check finishes.
 */
export async function rateLimitModule(platform: Platform): Promise<void> {
  const problems: string[] = [];
  const parse = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
      return undefined;
    }
  };
  const config = parse(() => parseRateLimitConfig(platform.config.env));
  const operations = parse(() => parseOperationLimitConfig(platform.config.env));
  if (!config || !operations) throw new ConfigError(problems);
  const limiter = new RateLimiter(
    config,
    new RateLimitStore(platform.redis.producer, platform.config.queuePrefix),
    new UnfinishedRepository(platform.database.db),
    platform.log,
    platform.metrics.registry,
    Date.now,
    operations,
  );
  platform.features.rateLimit = limiter;
  limitSubmissions(platform.checks, limiter);
  platform.lifecycle.onCheckFinished((check) => limiter.finished(check));
  await warnOnRedisSettings(platform.redis.producer, platform.log);
}
