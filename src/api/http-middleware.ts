import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

export const HTTP_MIDDLEWARE = 'smtp-doctor:http-middleware';

/** A provider that installs Express middleware running before every route (REST, GraphQL, static files). */
export interface HttpMiddlewareInstaller {
  install(app: NestExpressApplication): void;
}

/**
 * Marks a provider as an HTTP middleware installer, found at boot by the HTTP application
 * (http-app.ts) and installed in `order` (lower first), after request ids, metrics and body
 * parsing. For Express-level concerns only: answers that need no route (CORS preflights, static
 * files) and wrappers of the server's `upgrade` event (no Nest guard or interceptor sees a
 * WebSocket handshake). Per-request rules after authentication are Nest enhancers instead (rate
 * limits: src/ratelimit/ratelimit.interceptor.ts). Being middleware, CORS (10) runs before every
 * route, so later answers (a 429 from the rate limits) carry the CORS headers a page needs.
 */
export function HttpMiddleware(order: number): ClassDecorator {
  return applyDecorators(SetMetadata(HTTP_MIDDLEWARE, order), Injectable());
}

/** The installers of the application, in order. */
export function httpMiddlewares(discovery: DiscoveryService): HttpMiddlewareInstaller[] {
  const found: { order: number; installer: HttpMiddlewareInstaller }[] = [];
  const seen = new Set<unknown>();
  for (const w of discovery.getProviders()) {
    const order =
      typeof w.metatype === 'function'
        ? (Reflect.getMetadata(HTTP_MIDDLEWARE, w.metatype) as number | undefined)
        : undefined;
    if (order === undefined || seen.has(w.metatype)) continue;
    seen.add(w.metatype);
    found.push({ order, installer: w.instance as HttpMiddlewareInstaller });
  }
  return found.sort((a, b) => a.order - b.order).map((f) => f.installer);
}
