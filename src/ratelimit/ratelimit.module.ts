import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { APP_INTERCEPTOR, ModuleRef } from '@nestjs/core';
import type { Logger } from 'pino';
import { AuthService } from '../auth/auth.service';
import { CheckLifecycle } from '../checks/check-lifecycle';
import { ChecksModule } from '../checks/checks.module';
import { Metrics } from '../common/metrics';
import { APP_CONFIG, LOGGER } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import type { DatabaseHandle } from '../infra/database/database.factory';
import { DATABASE } from '../infra/database/storage.module';
import { UnfinishedRepository } from '../infra/database/unfinished.repository';
import { LimitStoresModule } from '../infra/limits/limit-stores.module';
import { RateLimitStore } from '../infra/limits/rate-limit.store';
import { BrowserLimiter } from '../embed/browser-limiter';
import { RateLimiter } from './rate-limiter';
import { RateLimitInterceptor } from './ratelimit.interceptor';
import { GraphqlRateLimit } from './ratelimit.ws';
import { SubmissionLimits } from './submission-limits';

/**
 * All roles: tells AuthService that RateLimitInterceptor admits every REST request ApiKeyGuard
 * authenticates (see AuthService.authenticateDeferred) and releases a key's unfinished-check slot when a check finishes (before the slower
 * hooks: webhooks, history). API role: counts publishable keys against EmbedModule's browser
 * budgets too, when the application has EmbedModule.
 */
@Injectable()
export class RateLimitWiring implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    @Inject(RateLimiter) private readonly limiter: RateLimiter,
    @Inject(CheckLifecycle) private readonly lifecycle: CheckLifecycle,
    @Inject(ModuleRef) private readonly modules: ModuleRef,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onCheckFinished((check) => this.limiter.finished(check), -10);
    // RateLimitInterceptor (global) admits every request ApiKeyGuard authenticates: the block
    // check of a correct key runs in that admission's round trip.
    this.auth.admissionChecksThrottle();
  }

  onApplicationBootstrap(): void {
    let browser: BrowserLimiter | undefined;
    try {
      browser = this.modules.get(BrowserLimiter, { strict: false });
    } catch {
      browser = undefined; // the worker role has no EmbedModule
    }
    this.limiter.useBrowserLimiter(browser);
  }
}

/**
 * Rate limits and quotas: per-key requests per minute and concurrent checks, per-tenant daily
 * quotas, publishable keys' visitor caps, one admission for every transport, Redis-backed
 * (RateLimitStore, src/infra/limits) so they hold across replicas: RateLimitInterceptor (global)
 * for REST requests and for every handler or resolver marked @SubmitsChecks; GraphqlRateLimit,
 * which ApiModule wires into Apollo (plugin, mutation-field rule) and graphql-ws. Settings: the
 * `rateLimit` and `operationLimits` slices.
 */
@Module({
  imports: [ChecksModule, LimitStoresModule],
  providers: [
    {
      provide: RateLimiter,
      useFactory: (config: AppConfig, store: RateLimitStore, database: DatabaseHandle, log: Logger, metrics: Metrics) =>
        new RateLimiter(
          config.rateLimit,
          store,
          new UnfinishedRepository(database.db),
          log,
          metrics.registry,
          Date.now,
          config.operationLimits,
        ),
      inject: [APP_CONFIG, RateLimitStore, DATABASE, LOGGER, Metrics],
    },
    {
      provide: GraphqlRateLimit,
      useFactory: (limiter: RateLimiter, auth: AuthService, config: AppConfig) =>
        new GraphqlRateLimit(limiter, auth, config.trustProxy),
      inject: [RateLimiter, AuthService, APP_CONFIG],
    },
    {
      provide: SubmissionLimits,
      useFactory: (limiter: RateLimiter) => new SubmissionLimits(limiter),
      inject: [RateLimiter],
    },
    RateLimitWiring,
    { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
  ],
  exports: [GraphqlRateLimit, SubmissionLimits],
})
export class RateLimitModule {}
