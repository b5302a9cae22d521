import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { toProblem } from '../api/problem';
import type { AuthService } from '../auth/auth.service';
import type { Principal } from '../auth/principal';
import type { RateLimiter } from './rate-limiter';

/** Routes counted against a key's per-minute budget: the API-key routes (admin uses ADMIN_TOKEN). */
function counted(req: Request): boolean {
  if (typeof req.headers.authorization !== 'string') return false;
  const path = req.path;
  return path === '/graphql' || (path.startsWith('/v1/') && !path.startsWith('/v1/admin'));
}

/**
 * HTTP installer: per-key requests per minute, with `RateLimit-Limit`, `RateLimit-Remaining`,
 * `RateLimit-Reset` (draft-ietf-httpapi-ratelimit-headers, delta-seconds) and `RateLimit-Policy`
 * on every authenticated response, and 429 problem+json with `Retry-After` over the limit.
 *
 * Why Express middleware and not a Nest guard: authentication is a guard on each controller
 * (ApiKeyGuard) and GraphQL authenticates in its resolver, so nothing runs "after auth" for both
 * transports. A middleware runs before both, so it authenticates on its own
 * (`auth.authenticate`: for static keys a hash compare, for stored keys the same
 * indexed lookup the guard does) and only counts requests whose key is valid. A request whose key
 * is missing or wrong passes through untouched and gets its 401 from the guard, without headers.
 * The limits on submissions (unfinished checks, daily quota) are not here but around
 * ChecksService (see ratelimit.module.ts), so they hold for REST and GraphQL alike.
 */
export function installRateLimit(app: NestExpressApplication, limiter: RateLimiter, platform: { auth: Pick<AuthService, 'authenticate'>; log: Logger }): void {
  if (!limiter.config.rpm) return;
  app.use((req: Request & { principal?: Principal }, res: Response, next: NextFunction) => {
    if (!counted(req)) return next();
    void (async () => {
      let principal: Principal;
      try {
        principal = await platform.auth.authenticate(req.headers.authorization);
      } catch {
        return next(); // the guard answers 401 (or 503 when the database is down)
      }
      req.principal = principal;
      const a = await limiter.request(principal);
      if (a) {
        res.setHeader('RateLimit-Limit', String(a.limit));
        res.setHeader('RateLimit-Remaining', String(a.remaining));
        res.setHeader('RateLimit-Reset', String(a.resetS));
        res.setHeader('RateLimit-Policy', `${a.limit};w=60`);
      }
      if (a && !a.allowed) {
        const problem = toProblem(limiter.tooManyRequests(a), platform.log, req.originalUrl.split('?')[0]);
        res.setHeader('Retry-After', String(a.resetS));
        res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
        return;
      }
      next();
    })().catch(next);
  });
}
