import type { Server } from 'node:http';
import { Inject, Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { HttpMiddleware, type HttpMiddlewareInstaller } from '../api/http-middleware';
import { AuthService } from '../auth/auth.service';
import { ChecksModule } from '../checks/checks.module';
import { APP_CONFIG, LOGGER } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { TenantsRepository } from '../infra/database/tenants.repository';
import { BrowserBudgetStore } from '../infra/limits/browser-budget.store';
import { LimitStoresModule } from '../infra/limits/limit-stores.module';
import { KeyCacheChannel } from '../infra/queue/key-cache-channel';
import { BrowserAccessController } from './browser-access.controller';
import { BrowserAccessService } from './browser-access.service';
import { BrowserLimiter } from './browser-limiter';
import { corsMiddleware } from './cors.installer';
import { OriginPolicy, type EmbedContext } from './origin-policy';
import { staticMiddleware } from './static.installer';
import { embedWsOnConnect, gateUpgrades, type WsConnectContext } from './ws-gate';

/** graphql-ws `onConnect`: per-key origin rules for subscriptions (see ws-gate.ts); ApiModule wires it. */
export const EMBED_WS_ON_CONNECT = Symbol('EMBED_WS_ON_CONNECT');
export type WsOnConnect = (ctx: WsConnectContext) => Promise<boolean>;

const EMBED_CONTEXT = Symbol('EMBED_CONTEXT');

/**
 * The browser surface over HTTP: the console and widget files, CORS with the publishable-key
 * rules, and the WebSocket upgrade gate. Installed first (order 10), so that answers of later
 * middleware (429 from src/ratelimit) carry the CORS headers a page needs to read them.
 */
@HttpMiddleware(10)
export class EmbedHttp implements HttpMiddlewareInstaller {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EMBED_CONTEXT) private readonly context: EmbedContext,
    @Inject(OriginPolicy) private readonly policy: OriginPolicy,
    @Inject(BrowserLimiter) private readonly limiter: BrowserLimiter,
  ) {}

  install(app: NestExpressApplication): void {
    app.use(staticMiddleware(this.config.embed.webDir, this.context.log));
    app.use(corsMiddleware(this.context, this.config.embed, this.policy));
    gateUpgrades(app.getHttpServer() as Server, this.context, this.policy, this.limiter);
  }
}

/**
 * Browser access (API role): publishable keys' origins and kinds (admin endpoints), CORS, the
 * WebSocket gate and the static console/widget. Settings: the `embed` slice (CORS_*, PUBLISHABLE_*).
 */
@Module({
  imports: [ChecksModule, LimitStoresModule],
  controllers: [BrowserAccessController],
  providers: [
    {
      provide: EMBED_CONTEXT,
      useFactory: (auth: AuthService, log: Logger, config: AppConfig): EmbedContext => ({
        auth,
        log,
        trustProxy: config.trustProxy,
      }),
      inject: [AuthService, LOGGER, APP_CONFIG],
    },
    {
      provide: OriginPolicy,
      useFactory: (config: AppConfig, tenants: TenantsRepository, changes: KeyCacheChannel) =>
        new OriginPolicy(config.embed, tenants, Date.now, changes),
      inject: [APP_CONFIG, TenantsRepository, KeyCacheChannel],
    },
    {
      provide: BrowserLimiter,
      useFactory: (config: AppConfig, store: BrowserBudgetStore, log: Logger) => {
        let lastWarn = 0;
        return new BrowserLimiter(store, config.embed.keyRpm, config.embed.ipRpm, Date.now, (e) => {
          if (Date.now() - lastWarn < 30_000) return;
          lastWarn = Date.now();
          log.warn(
            { err: (e as Error).message },
            'embed: publishable-key limiter skipped, Redis unavailable (fail open)',
          );
        });
      },
      inject: [APP_CONFIG, BrowserBudgetStore, LOGGER],
    },
    {
      provide: BrowserAccessService,
      useFactory: (tenants: TenantsRepository, policy: OriginPolicy, auth: AuthService) =>
        new BrowserAccessService(tenants, policy, auth),
      inject: [TenantsRepository, OriginPolicy, AuthService],
    },
    {
      provide: EMBED_WS_ON_CONNECT,
      useFactory: (context: EmbedContext, policy: OriginPolicy): WsOnConnect => embedWsOnConnect(context, policy),
      inject: [EMBED_CONTEXT, OriginPolicy],
    },
    EmbedHttp,
  ],
  exports: [EMBED_WS_ON_CONNECT],
})
export class EmbedModule {}
