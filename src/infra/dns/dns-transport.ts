import * as net from 'node:net';
import type { DnsServer } from '../../config/dns-server';

/**
 * One DNS exchange over TCP (UDP exchanges share sockets: udp-socket-pool.ts). Outcomes that are
 * not a response become a `TransportFailure` value, never an exception, so the resolver can turn
 * them into `timeout`/`error` statuses.
 */
export type TransportFailure = { failure: 'timeout' | 'network' | 'aborted' | 'malformed'; message: string };
export type ExchangeResult = { response: Buffer } | TransportFailure;

export interface ExchangeOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * Decides whether a message is the answer to our query sent with `id` (id and question match,
   * RFC 5452 §4.1). 'match': done; 'foreign': ignore and keep waiting (a late or spoofed packet);
   * 'malformed': our id but it does not decode: give up with an error instead of waiting.
   * The transport picks the id (UDP: unique on its shared socket), so it passes it here.
   */
  classify(msg: Buffer, id: number): 'match' | 'foreign' | 'malformed';
}

function withDeadline(
  opts: ExchangeOptions,
  run: (finish: (r: ExchangeResult) => void) => () => void,
): Promise<ExchangeResult> {
  return new Promise((resolve) => {
    let done = false;
    let cleanup: () => void = () => undefined;
    const finish = (r: ExchangeResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      cleanup();
      resolve(r);
    };
    const onAbort = (): void => finish({ failure: 'aborted', message: 'aborted' });
    const timer = setTimeout(
      () => finish({ failure: 'timeout', message: `no answer within ${opts.timeoutMs} ms` }),
      opts.timeoutMs,
    );
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    cleanup = run(finish);
    if (done) cleanup();
  });
}

const MAX_TCP_MESSAGE = 65535;

/** TCP: two-byte length prefix (RFC 1035 §4.2.2); one query, the first framed reply decides. */
export function tcpExchange(server: DnsServer, query: Buffer, opts: ExchangeOptions): Promise<ExchangeResult> {
  return withDeadline(opts, (finish) => {
    const sock = net.connect({ host: server.host, port: server.port });
    let buf = Buffer.alloc(0);
    sock.on('error', (e) => finish({ failure: 'network', message: e.message }));
    sock.on('close', () => finish({ failure: 'network', message: 'connection closed before an answer' }));
    sock.on('connect', () => {
      const frame = Buffer.alloc(2 + query.length);
      frame.writeUInt16BE(query.length, 0);
      query.copy(frame, 2);
      sock.write(frame);
    });
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length > 2 + MAX_TCP_MESSAGE) return finish({ failure: 'malformed', message: 'oversized TCP message' });
      if (buf.length < 2) return;
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) return;
      const msg = buf.subarray(2, 2 + len);
      // Over TCP the connection is ours alone: anything but our answer is an error, not noise.
      if (opts.classify(msg, query.readUInt16BE(0)) === 'match') finish({ response: msg });
      else finish({ failure: 'malformed', message: 'TCP response does not match the query' });
    });
    return () => sock.destroy();
  });
}
