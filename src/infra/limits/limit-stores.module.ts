import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, LOGGER } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import { RedisConnections } from '../queue/redis.factory';
import { AuthFailureStore } from './auth-failure.store';
import { BrowserBudgetStore } from './browser-budget.store';
import { RateLimitStore } from './rate-limit.store';
import { warnOnRedisSettings } from './redis-settings';

/** Both roles: one warn line at start when Redis is not set up for production (never fails the start). */
@Injectable()
export class RedisSettingsCheck implements OnModuleInit {
  constructor(
    @Inject(RedisConnections) private readonly redis: RedisConnections,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    await warnOnRedisSettings(this.redis.producer, this.log);
  }
}

/**
 * The Redis stores of the limits: per-key rate limits and quotas (RateLimitStore, used by
 * src/ratelimit), publishable keys' browser budgets (BrowserBudgetStore, src/embed) and failed
 * authentications (AuthFailureStore, src/auth). Feature modules hold the rules; these classes
 * hold the I/O, on the producer connection (commands fail fast while Redis is down, and each
 * rule fails open). Key names: see each store.
 */
@Module({
  providers: [
    {
      provide: RateLimitStore,
      useFactory: (redis: RedisConnections, config: AppConfig) =>
        new RateLimitStore(redis.producer, config.queuePrefix),
      inject: [RedisConnections, APP_CONFIG],
    },
    {
      provide: BrowserBudgetStore,
      useFactory: (redis: RedisConnections, config: AppConfig) =>
        new BrowserBudgetStore(redis.producer, config.queuePrefix),
      inject: [RedisConnections, APP_CONFIG],
    },
    {
      provide: AuthFailureStore,
      useFactory: (redis: RedisConnections, config: AppConfig) =>
        new AuthFailureStore(redis.producer, config.queuePrefix),
      inject: [RedisConnections, APP_CONFIG],
    },
    RedisSettingsCheck,
  ],
  exports: [RateLimitStore, BrowserBudgetStore, AuthFailureStore],
})
export class LimitStoresModule {}
