import type { Server } from 'node:http';
import { Global, Inject, Module, type DynamicModule } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { HttpMiddleware, type HttpMiddlewareInstaller } from '../api/http-middleware';
import { APP_CONFIG, LOGGER } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { TenantsRepository } from '../infra/database/tenants.repository';
import { AuthFailureStore } from '../infra/limits/auth-failure.store';
import { LimitStoresModule } from '../infra/limits/limit-stores.module';
import { KeyCacheChannel } from '../infra/queue/key-cache-channel';
import { refuseBlockedUpgrades } from './auth-throttle.ws';
import { AuthService } from './auth.service';
import { FirstRunKey } from './first-run-key';
import { KeyCache } from './key-cache';

/**
 * API role: an address blocked for failed authentication cannot open a graphql-ws socket either.
 * Installed first (order 5), so its `upgrade` wrapper sits inside the embed gate's (order 10),
 * as the HTTP checks run: origin and browser budget first, then the throttle.
 */
@HttpMiddleware(5)
export class AuthUpgradeGate implements HttpMiddlewareInstaller {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  install(app: NestExpressApplication): void {
    refuseBlockedUpgrades(app.getHttpServer() as Server, this.auth.throttle, this.config.trustProxy);
  }
}

/**
 * Authentication: API keys (API_KEYS and stored keys) to tenants, and the admin token, with the
 * failed-authentication throttle per client address (auth-throttle.ts, in Redis; the `auth`
 * slice: AUTH_FAIL_LIMIT, AUTH_FAIL_WINDOW_S), and the stored keys' cache, invalidated on every
 * process through Redis pub/sub when a key is revoked (key-cache.ts, API_KEY_CACHE_TTL_S). Global, because the guards of every module's
 * controllers and the resolvers use it. The static tenants of API_KEYS are created at boot.
 * `forRoot({ firstRunKey: true })` (the API role started by main.ts) adds the first-run key
 * (first-run-key.ts).
 */
@Global()
@Module({
  imports: [LimitStoresModule],
  providers: [
    {
      provide: AuthService,
      useFactory: async (
        config: AppConfig,
        tenants: TenantsRepository,
        failures: AuthFailureStore,
        log: Logger,
        channel: KeyCacheChannel,
      ) => {
        const keyCache = new KeyCache(config.auth.keyCacheTtlS * 1000, channel);
        const auth = new AuthService(config, tenants, { failures, log, keyCache });
        await auth.bootstrapStaticTenants();
        return auth;
      },
      inject: [APP_CONFIG, TenantsRepository, AuthFailureStore, LOGGER, KeyCacheChannel],
    },
    AuthUpgradeGate,
  ],
  exports: [AuthService],
})
export class AuthModule {
  static forRoot(opts: { firstRunKey?: boolean } = {}): DynamicModule {
    return { module: AuthModule, providers: opts.firstRunKey ? [FirstRunKey] : [] };
  }
}
