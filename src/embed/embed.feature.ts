import type { Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Platform } from '../platform';
import { BrowserAccessService } from './browser-access.service';
import { BrowserLimiter } from './browser-limiter';
import { corsMiddleware } from './cors.installer';
import { loadEmbedConfig, type EmbedConfig } from './embed.config';
import { OriginPolicy } from './origin-policy';
import { staticMiddleware } from './static.installer';
import { embedWsOnConnect, gateUpgrades, type WsConnectContext } from './ws-gate';

/** What the embed feature keeps on `platform.features.embed`. */
export interface EmbedFeature {
  config: EmbedConfig;
  policy: OriginPolicy;
  limiter: BrowserLimiter;
  access: BrowserAccessService;
  /** graphql-ws `onConnect`: per-key origin rules for subscriptions (see ws-gate.ts). */
  onConnect: (ctx: WsConnectContext) => Promise<boolean>;
}

export function embedOf(platform: Platform): EmbedFeature {
  const f = platform.features.embed as EmbedFeature | undefined;
  if (!f) throw new Error('embed feature not installed (HTTP_INSTALLERS must list installEmbed)');
  return f;
}

/**
 * HTTP installer of the browser surface: the console and widget files, CORS with the
 * publishable-key rules, and the WebSocket upgrade gate. Install it FIRST, so that answers of later
 * middleware (e.g. 429 from src/ratelimit) carry the CORS headers a page needs to read them.
 */
export function installEmbed(app: NestExpressApplication, platform: Platform): void {
  const config = loadEmbedConfig(platform.config);
  const policy = new OriginPolicy(config, platform.tenantsRepo);
  let lastWarn = 0;
  const limiter = new BrowserLimiter(platform.redis.producer, platform.config.queuePrefix, config.keyRpm, config.ipRpm, Date.now, (e) => {
    if (Date.now() - lastWarn < 30_000) return;
    lastWarn = Date.now();
    platform.log.warn({ err: (e as Error).message }, 'embed: publishable-key limiter skipped, Redis unavailable (fail open)');
  });
  const feature: EmbedFeature = { config, policy, limiter, access: new BrowserAccessService(platform.tenantsRepo, policy), onConnect: embedWsOnConnect(platform, policy) };
  platform.features.embed = feature;
  app.use(staticMiddleware(config.webDir, platform.log));
  app.use(corsMiddleware(platform, config, policy));
  gateUpgrades(app.getHttpServer() as Server, platform, policy, limiter);
}
