import type { IncomingMessage } from 'node:http';

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
