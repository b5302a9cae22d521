import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { HttpMiddleware, type HttpMiddlewareInstaller } from '../api/http-middleware';
import { AuthService } from '../auth/auth.service';
import type { Principal } from '../auth/principal';
import { CheckLifecycle } from '../checks/check-lifecycle';
import { ChecksModule } from '../checks/checks.module';
import { assertMayBatch, MAX_BATCH, ChecksService } from '../checks/checks.service';
import { Metrics } from '../common/metrics';
import { APP_CONFIG, LOGGER } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import type { DatabaseHandle } from '../infra/database/database.factory';
import { DATABASE } from '../infra/database/storage.module';
import { UnfinishedRepository } from '../infra/database/unfinished.repository';
import { RedisConnections } from '../infra/queue/redis.factory';
import { BrowserLimiter } from '../embed/browser-limiter';
import { RateLimiter } from './rate-limiter';
import { installRateLimit } from './ratelimit.http';
import { GraphqlRateLimit } from './ratelimit.ws';
import { RateLimitStore } from './ratelimit.store';
import { warnOnRedisSettings } from './redis-settings';

/**
 * Admission control around the one place every submission goes through, whatever the transport
 * (REST /v1/checks and /v1/batches, GraphQL submitCheck and submitBatch): ChecksService.
 * Decorating the two submit methods keeps the service free of limits and the limits in one folder.
 */
export function limitSubmissions(checks: ChecksService, limiter: RateLimiter): void {
  const submit = checks.submit.bind(checks);
  const submitBatch = checks.submitBatch.bind(checks);
  checks.submit = (p: Principal, body: unknown) =>
    limiter.admit(
      p,
      1,
      () => submit(p, body),
      (r) => r.id,
    );
  checks.submitBatch = (p: Principal, body: unknown) => {
    // Refused before admission, so a publishable key's batch is 403 whatever its size (not a 400 or 429).
    assertMayBatch(p);
    const items = (body as { checks?: unknown } | null)?.checks;
    // Malformed or oversized batches are not counted: the service rejects them with a 400.
    const n = Array.isArray(items) && items.length <= MAX_BATCH ? items.length : 0;
    return limiter.admit(
      p,
      n,
      () => submitBatch(p, body),
      (r) => `b:${r.id}`,
    );
  };
}

/**
 * All roles: wraps submissions (limitSubmissions), releases a key's unfinished-check slot when a
 * check finishes (before the slower hooks: webhooks, history), and warns at start when Redis is
 * not set up for production.
 */
@Injectable()
export class RateLimitWiring implements OnModuleInit {
  constructor(
    @Inject(RateLimiter) private readonly limiter: RateLimiter,
    @Inject(ChecksService) private readonly checks: ChecksService,
    @Inject(CheckLifecycle) private readonly lifecycle: CheckLifecycle,
    @Inject(RedisConnections) private readonly redis: RedisConnections,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    limitSubmissions(this.checks, this.limiter);
    this.lifecycle.onCheckFinished((check) => this.limiter.finished(check), -10);
    await warnOnRedisSettings(this.redis.producer, this.log);
  }
}

/** API role: per-key requests per minute with RateLimit-* headers (ratelimit.http.ts), after CORS. */
@HttpMiddleware(20)
export class RateLimitHttp implements HttpMiddlewareInstaller {
  constructor(
    @Inject(RateLimiter) private readonly limiter: RateLimiter,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(ModuleRef) private readonly modules: ModuleRef,
  ) {}

  install(app: NestExpressApplication): void {
    installRateLimit(app, this.limiter, { auth: this.auth, log: this.log, browser: this.browserLimiter() });
  }

  /** EmbedModule's publishable-key limiter, when the application has EmbedModule (the API role does). */
  private browserLimiter(): BrowserLimiter | undefined {
    try {
      return this.modules.get(BrowserLimiter, { strict: false });
    } catch {
      return undefined;
    }
  }
}

/**
 * Rate limits and quotas: per-key requests per minute and concurrent checks, per-tenant daily
 * quotas, publishable keys' visitor caps, one admission for every transport (HTTP middleware here,
 * graphql-ws hooks and the mutation-field rule through GraphqlRateLimit, wired by ApiModule),
 * Redis-backed so they hold across replicas. Settings: the `rateLimit` and `operationLimits` slices.
 */
@Module({
  imports: [ChecksModule],
  providers: [
    {
      provide: RateLimiter,
      useFactory: (
        config: AppConfig,
        redis: RedisConnections,
        database: DatabaseHandle,
        log: Logger,
        metrics: Metrics,
      ) =>
        new RateLimiter(
          config.rateLimit,
          new RateLimitStore(redis.producer, config.queuePrefix),
          new UnfinishedRepository(database.db),
          log,
          metrics.registry,
          Date.now,
          config.operationLimits,
        ),
      inject: [APP_CONFIG, RedisConnections, DATABASE, LOGGER, Metrics],
    },
    {
      provide: GraphqlRateLimit,
      useFactory: (limiter: RateLimiter, auth: AuthService, config: AppConfig) =>
        new GraphqlRateLimit(limiter, auth, config.trustProxy),
      inject: [RateLimiter, AuthService, APP_CONFIG],
    },
    RateLimitWiring,
    RateLimitHttp,
  ],
  exports: [GraphqlRateLimit],
})
export class RateLimitModule {}
