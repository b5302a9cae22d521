import type { NextFunction, Request, Response } from 'express';
import { problemFor, toProblem, type Problem } from '../api/problem';
import type { Principal } from '../auth/principal';
import type { EmbedConfig } from './embed.config';
import { isSameOrigin, type EmbedContext, type OriginPolicy } from './origin-policy';

const METHODS = ['GET', 'POST'];
const REQUEST_HEADERS = ['authorization', 'content-type', 'x-request-id'];
/** Response headers a cross-origin page may read (Fetch standard: only "safelisted" ones otherwise). */
const EXPOSED =
  'Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, X-Request-Id';

/** The API surface a browser may call: checks, batches, findings, reports, GraphQL. Never admin. */
export function isApiPath(path: string): boolean {
  return path === '/graphql' || (path.startsWith('/v1/') && !isAdminPath(path));
}
export function isAdminPath(path: string): boolean {
  return path === '/v1/admin' || path.startsWith('/v1/admin/');
}

function send(res: Response, p: Problem, extraHeaders: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(extraHeaders)) res.setHeader(k, v);
  res.status(p.status).type('application/problem+json').send(JSON.stringify(p));
}

/**
 * CORS for the API (Fetch standard §3.2, "CORS protocol"), publishable-key rules and the refusal
 * of secret keys from browser pages. The publishable keys' per-key and per-address budgets are
 * counted after this, by src/ratelimit's one admission for every transport (RateLimitInterceptor,
 * the Apollo plugin, the graphql-ws hooks), so its 429s carry the CORS headers set here. Rules:
 * - Same-origin requests (the console at `/`) and requests without Origin (servers, curl) are not
 *   CORS requests and pass untouched.
 * - A preflight (OPTIONS + Access-Control-Request-Method) is answered 204 with Allow-Methods,
 *   Allow-Headers and Max-Age when the origin is allowed for some tenant and asks only for GET/POST
 *   and our headers; anything else gets 403 and no CORS headers, so the browser stops there.
 * - A cross-origin request gets `Access-Control-Allow-Origin: <origin>` (never `*`, never
 *   `Allow-Credentials`: keys travel in Authorization, cookies are never used) only when its
 *   origin is allowed for the key's tenant. A secret key with a cross-origin Origin is refused
 *   (403): anyone can read a key that a page sends. Admin paths are refused outright.
 */
export function corsMiddleware(platform: EmbedContext, cfg: EmbedConfig, policy: OriginPolicy) {
  const trustProxy = platform.trustProxy;
  const allowHeaders = (res: Response, origin: string) => {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', EXPOSED);
  };

  const handle = async (req: Request, res: Response): Promise<boolean> => {
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    const path = req.path;
    const crossOrigin =
      origin !== undefined && origin !== 'null' ? !isSameOrigin(origin, req.headers, trustProxy) : origin === 'null';

    // Not a browser cross-origin call (publishable keys are still counted, by src/ratelimit).
    if (!crossOrigin || !origin) return false;
    if (!isApiPath(path) && !isAdminPath(path)) return false; // docs, health, static: no CORS
    res.vary('Origin');
    if (isAdminPath(path)) {
      send(res, problemFor('FORBIDDEN', 'The admin API cannot be called from a browser page of another origin.'));
      return true;
    }

    if (req.method === 'OPTIONS') {
      const method = req.headers['access-control-request-method'];
      if (typeof method !== 'string') return false; // a plain OPTIONS, not a preflight
      const asked = String(req.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean);
      const ok =
        METHODS.includes(method.toUpperCase()) &&
        asked.every((h) => REQUEST_HEADERS.includes(h)) &&
        (await policy.allowedForSome(origin));
      if (!ok) {
        send(
          res,
          problemFor(
            'FORBIDDEN',
            `Origin ${origin} may not call ${method} ${path} with headers [${asked.join(', ')}].`,
          ),
        );
        return true;
      }
      allowHeaders(res, origin);
      res.setHeader('Access-Control-Allow-Methods', METHODS.join(', '));
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Request-Id');
      res.setHeader('Access-Control-Max-Age', String(cfg.maxAgeS));
      res.status(204).end();
      return true;
    }

    let principal: Principal;
    try {
      principal = await platform.auth.authenticate(req.headers.authorization);
    } catch {
      // 401 (or 503) comes from the guard/resolver; let the page read it when the origin is known.
      if (await policy.allowedForSome(origin)) allowHeaders(res, origin);
      return false;
    }
    const allowed = await policy.allowedFor(origin, principal.tenantId);
    if (principal.type === 'secret') {
      if (allowed) allowHeaders(res, origin);
      send(
        res,
        problemFor(
          'FORBIDDEN',
          'A secret API key was sent from a web page. Anyone can read what a page sends, so secret keys (sk_... and API_KEYS) are refused from browsers: ' +
            'create a publishable key (pk_...) for this tenant with POST /v1/admin/tenants/{id}/keys {"type":"publishable"} and revoke this secret key.',
        ),
      );
      return true;
    }
    if (!allowed) {
      send(
        res,
        problemFor(
          'FORBIDDEN',
          `Origin ${origin} is not allowed for this key's tenant; add it to the tenant's corsOrigins (PUT /v1/admin/tenants/{id}/browser-access) or to CORS_ORIGINS.`,
        ),
      );
      return true;
    }
    allowHeaders(res, origin);
    return false;
  };

  return (req: Request, res: Response, next: NextFunction) => {
    // No Origin header: not a browser cross-origin call; go on in this tick (no promise).
    if (req.headers.origin === undefined) return next();
    handle(req, res).then(
      (handled) => (handled ? undefined : next()),
      // Express 5 middleware errors would skip Nest's filter: answer problem+json here.
      (e: unknown) =>
        res.headersSent ? next(e) : send(res, toProblem(e, platform.log, req.originalUrl.split('?')[0])),
    );
  };
}
