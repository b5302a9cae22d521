import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';

/**
 * Who is on the other end of the request being served, for limits that need it below the
 * transport (the per-visitor unfinished-check cap applies inside ChecksService.submit, which takes
 * only a principal). The HTTP installer opens the scope for each request and the graphql-ws
 * `execute` wrapper for each operation (ratelimit.ws.ts); code outside both sees no client.
 * Node's AsyncLocalStorage is the standard way to carry this without threading a parameter
 * through every controller, resolver and service signature.
 */
export interface ClientScope {
  /** The client's address as the API sees it (X-Forwarded-For's first entry with TRUST_PROXY). */
  ip: string | undefined;
}

const storage = new AsyncLocalStorage<ClientScope>();

export function runAsClient<T>(scope: ClientScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentClient(): ClientScope | undefined {
  return storage.getStore();
}

/**
 * The client address of a raw request (a WebSocket upgrade), as Express computes `req.ip` with
 * `trust proxy` true: the left-most X-Forwarded-For entry, else the socket's peer. Written here
 * because the upgrade never goes through Express, and proxy-addr is only Express's dependency.
 */
export function clientAddress(
  req: Pick<IncomingMessage, 'headers' | 'socket'> | undefined,
  trustProxy: boolean,
): string | undefined {
  if (!req) return undefined;
  const xff = req.headers['x-forwarded-for'];
  if (trustProxy && typeof xff === 'string' && xff.trim()) return xff.split(',')[0]!.trim();
  return req.socket?.remoteAddress;
}
