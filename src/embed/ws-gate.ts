import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { clientAddress } from '../common/client-address';
import type { BrowserLimiter } from './browser-limiter';
import { isSameOrigin, type EmbedContext, type OriginPolicy } from './origin-policy';

function refuse(socket: Duplex, status: string, text: string): void {
  // RFC 6455 §4.2.2: any status other than 101 means the handshake failed; the browser fires
  // `error`/`close` on the WebSocket and exposes nothing of this body to the page.
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

/**
 * Gate the graphql-ws upgrade on `/graphql`. A browser sends `Origin` with every WebSocket
 * handshake (RFC 6455 §4.1 item 8, §10.2) but cannot send Authorization; the key only arrives
 * later in `connection_init`. So at the handshake we refuse origins no tenant allows, and count
 * the upgrade against the client address's publishable-key budget. Same-origin and non-browser
 * clients pass. Per-key rules (secret key from a browser, the key's own tenant's origins) need the
 * key: `embedWsOnConnect` below checks them when wired as graphql-ws `onConnect`. Each operation
 * on the socket is then counted like an HTTP request (src/ratelimit/ratelimit.ws.ts).
 *
 * How: Nest's subscription service listens for 'upgrade' on the HTTP server; we wrap `emit` so
 * our check runs first whatever the order listeners were added in (this runs before app.init()).
 */
export function gateUpgrades(
  server: Server,
  platform: EmbedContext,
  policy: OriginPolicy,
  limiter: BrowserLimiter,
): void {
  const trustProxy = platform.trustProxy;
  const emit = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;
  const check = async (req: IncomingMessage, socket: Duplex): Promise<boolean> => {
    const path = (req.url ?? '').split('?')[0];
    const origin = req.headers.origin;
    if (
      path !== '/graphql' ||
      typeof origin !== 'string' ||
      (origin !== 'null' && isSameOrigin(origin, req.headers, trustProxy))
    )
      return true;
    if (!(await policy.allowedForSome(origin))) {
      refuse(socket, '403 Forbidden', `Origin ${origin} is not allowed to open GraphQL subscriptions.`);
      return false;
    }
    // The same client address HTTP uses (X-Forwarded-For with TRUST_PROXY), so one budget per visitor.
    const d = await limiter.hit(undefined, clientAddress(req, trustProxy));
    if (!d.allowed) {
      refuse(socket, '429 Too Many Requests', `Too many connections from your address; retry in ${d.retryAfterS} s.`);
      return false;
    }
    return true;
  };
  server.emit = function (event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'upgrade') return emit(event, ...args);
    const [req, socket] = args as [IncomingMessage, Duplex];
    check(req, socket).then(
      (ok) => (ok ? emit(event, ...args) : undefined),
      (e: unknown) => {
        platform.log.warn({ err: (e as Error).message }, 'embed: upgrade gate failed');
        refuse(socket, '503 Service Unavailable', 'Try again shortly.');
      },
    );
    return true;
  } as Server['emit'];
}

/** What graphql-ws passes to `onConnect` when served by `ws` (extra.request is the upgrade request). */
export interface WsConnectContext {
  connectionParams?: Readonly<Record<string, unknown>>;
  extra?: { request?: IncomingMessage };
}

/**
 * Per-key rules for graphql-ws, to be wired as `onConnect` in the graphql-ws options: a secret key
 * from a cross-origin page is refused, and a publishable key only from its tenant's origins.
 * Returning false makes graphql-ws close with 4403 Forbidden. Errors of authentication itself
 * are left to the resolver (it answers UNAUTHENTICATED per operation).
 */
export function embedWsOnConnect(platform: EmbedContext, policy: OriginPolicy) {
  const trustProxy = platform.trustProxy;
  return async (ctx: WsConnectContext): Promise<boolean> => {
    const req = ctx.extra?.request;
    const origin = req?.headers.origin;
    if (typeof origin !== 'string' || (origin !== 'null' && isSameOrigin(origin, req?.headers ?? {}, trustProxy)))
      return true;
    const cp = ctx.connectionParams ?? {};
    const p = await platform.auth.authenticate(cp.authorization ?? cp.Authorization).catch(() => undefined);
    if (!p) return true;
    if (p.type === 'secret') return false;
    return policy.allowedFor(origin, p.tenantId);
  };
}
