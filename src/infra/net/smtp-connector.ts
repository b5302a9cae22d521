import { isIP, Socket } from 'node:net';
import {
  connect as tlsConnect,
  createSecureContext,
  rootCertificates,
  type SecureContext,
  type TLSSocket,
} from 'node:tls';
import type {
  ConnectOptions,
  SmtpConnector,
  SmtpStream,
  StreamHandlers,
  TlsClientOptions,
  TlsSessionInfo,
} from '../../probe/smtp-connector.port';

/**
 * node:net/node:tls implementation of the probe's connector port.
 *
 * TLS is deliberately permissive on the wire (rejectUnauthorized false, TLS 1.0 allowed,
 * SECLEVEL=0) because the probe must still see and report an expired, self-signed or outdated
 * server; the verdict is made by the engine from `authorized`/`authorizationError` and the peer
 * certificate. Host name matching is left to the engine (tls.checkServerIdentity there).
 */
export function createSmtpConnector(): SmtpConnector {
  return { connect };
}

function errorWithCode(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

const PROTOCOL = { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT:@SECLEVEL=0' };

// Parsing ~150 system roots plus the extra CA costs more than the handshake itself; build the
// context once per CA set and reuse it.
const contexts = new Map<string, SecureContext>();
function contextFor(extraCa: string[] | undefined): SecureContext {
  const key = (extraCa ?? []).join('\n');
  let ctx = contexts.get(key);
  if (!ctx) {
    ctx = createSecureContext({ ...PROTOCOL, ...(extraCa?.length ? { ca: [...rootCertificates, ...extraCa] } : {}) });
    if (contexts.size > 16) contexts.clear();
    contexts.set(key, ctx);
  }
  return ctx;
}

function tlsOptions(opts: TlsClientOptions) {
  return {
    rejectUnauthorized: false,
    // RFC 6066 §3: literal IP addresses are not permitted in SNI.
    ...(opts.servername && !isIP(opts.servername) ? { servername: opts.servername } : {}),
    secureContext: contextFor(opts.extraCa),
    ...PROTOCOL,
    checkServerIdentity: () => undefined,
  };
}

function sessionInfo(s: TLSSocket): TlsSessionInfo {
  const cipher = s.getCipher();
  const cert = s.getPeerCertificate(true);
  const err = s.authorizationError as unknown;
  return {
    protocol: s.getProtocol(),
    cipher: cipher ? { name: cipher.name, standardName: cipher.standardName, version: cipher.version } : null,
    authorized: s.authorized,
    // Node gives a string, or an Error whose `code` names the failure (String(Error) if it has none).
    ...(err
      ? {
          authorizationError: typeof err === 'string' ? err : String((err as { code?: string }).code ?? (err as Error)),
        }
      : {}),
    peerCertificate: cert && Object.keys(cert).length ? cert : null,
  };
}

/** Wait for `secureConnect` within a bound; the socket is destroyed on failure. */
function handshake(s: TLSSocket, timeoutMs: number, signal?: AbortSignal): Promise<TlsSessionInfo> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(errorWithCode('ETIMEDOUT', `TLS handshake timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onAbort = () => fail(errorWithCode('ABORT_ERR', 'aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      s.off('error', fail);
      s.off('close', onClose);
    }
    function fail(e: Error) {
      done();
      s.destroy();
      // Tag the phase so an implicit-TLS connect can tell a TCP failure from a handshake failure.
      reject(Object.assign(e, { phase: 'tls' }));
    }
    function onClose() {
      fail(errorWithCode('ECONNRESET', 'the server closed the connection during the TLS handshake'));
    }
    s.once('secureConnect', () => {
      done();
      resolve(sessionInfo(s));
    });
    s.once('error', fail);
    s.once('close', onClose);
  });
}

class NodeSmtpStream implements SmtpStream {
  tls: TlsSessionInfo | undefined;
  private handlers: StreamHandlers | undefined;
  private pending: Buffer[] = [];
  private closed: { code?: string; message: string } | null | undefined;

  constructor(
    private sock: Socket | TLSSocket,
    tls?: TlsSessionInfo,
  ) {
    this.tls = tls;
    this.attach(sock);
  }

  get localAddress() {
    return this.sock.localAddress;
  }

  private attach(s: Socket | TLSSocket) {
    s.on('data', this.onData);
    s.on('error', this.onError);
    s.on('close', this.onClose);
  }

  private detach(s: Socket | TLSSocket) {
    s.off('data', this.onData);
    s.off('error', this.onError);
    s.off('close', this.onClose);
  }

  private onData = (b: Buffer) => (this.handlers ? this.handlers.data(b) : this.pending.push(b));
  private onError = (e: Error & { code?: string }) => this.finish({ code: e.code, message: e.message });
  private onClose = () => this.finish(undefined);

  private finish(err: { code?: string; message: string } | undefined) {
    if (this.closed !== undefined) return;
    this.closed = err ?? null;
    this.handlers?.close(err);
  }

  setHandlers(h: StreamHandlers) {
    this.handlers = h;
    for (const b of this.pending.splice(0)) h.data(b);
    if (this.closed !== undefined) h.close(this.closed ?? undefined);
  }

  write(data: string) {
    if (!this.sock.destroyed) this.sock.write(data);
  }

  async startTls(opts: TlsClientOptions): Promise<TlsSessionInfo> {
    const raw = this.sock;
    this.detach(raw);
    // RFC 3207 §4.2: anything the server sent after its 220 and before the handshake is discarded.
    this.pending = [];
    const t = tlsConnect({ socket: raw as Socket, ...tlsOptions(opts) });
    const info = await handshake(t, opts.timeoutMs);
    this.sock = t;
    this.tls = info;
    this.attach(t);
    return info;
  }

  close() {
    this.sock.destroy();
  }
}

async function connect(opts: ConnectOptions): Promise<SmtpStream> {
  if (!isIP(opts.ip)) throw errorWithCode('EINVAL', `connector takes a vetted IP address, got "${opts.ip}"`);
  const sock = new Socket();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(errorWithCode('ETIMEDOUT', `connect timed out after ${opts.timeoutMs} ms`)),
      opts.timeoutMs,
    );
    const onAbort = () => fail(errorWithCode('ABORT_ERR', 'aborted'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    function done() {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      sock.off('error', fail);
    }
    function fail(e: Error) {
      done();
      sock.destroy();
      reject(e);
    }
    sock.once('error', fail);
    sock.connect({ host: opts.ip, port: opts.port }, () => {
      done();
      resolve();
    });
  });
  sock.setNoDelay(true);
  if (!opts.tls) return new NodeSmtpStream(sock);
  const t = tlsConnect({ socket: sock, ...tlsOptions(opts.tls) });
  const info = await handshake(t, opts.tls.timeoutMs, opts.signal);
  return new NodeSmtpStream(t, info);
}
