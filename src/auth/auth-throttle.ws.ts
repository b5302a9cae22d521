import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { clientAddress } from '../common/client-address';
import type { AuthThrottle } from './auth-throttle';

/**
 * WebSocket side of the failed-auth throttle: an address that is blocked cannot open a GraphQL
 * subscription socket either (429 at the handshake, RFC 6455 §4.2.2: any status but 101 fails
 * it). Operations on a socket opened before the block are throttled by the resolvers, which
 * authenticate with the socket's address. Same technique as src/embed/ws-gate.ts: wrap the
 * server's `emit` so the check runs before whichever 'upgrade' listener Nest adds.
 */
export function refuseBlockedUpgrades(server: Server, throttle: AuthThrottle | undefined, trustProxy: boolean): void {
  if (!throttle) return;
  const emit = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;
  server.emit = function (event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'upgrade') return emit(event, ...args);
    const [req, socket] = args as [IncomingMessage, Duplex];
    const ip = clientAddress(req, trustProxy);
    if (!ip || (req.url ?? '').split('?')[0] !== '/graphql') return emit(event, ...args);
    throttle.blockedFor(ip).then(
      (s) => {
        if (s <= 0) return void emit(event, ...args);
        const text = `Too many failed authentication attempts from your address; retry in ${s} s.`;
        socket.end(
          `HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${s}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
        );
      },
      () => void emit(event, ...args),
    );
    return true;
  } as Server['emit'];
}
