import type { DetailedPeerCertificate } from 'node:tls';

/**
 * The probe's I/O port (STYLE habit 3): the engine never imports node:net or node:tls. The
 * production implementation is src/infra/net/smtp-connector.ts; it connects to an already vetted
 * IP address (never a name: no re-resolution, so DNS rebinding cannot get through).
 */
export interface TlsClientOptions {
  /** SNI and the name the certificate is judged against later (never an IP: RFC 6066 §3). */
  servername?: string;
  timeoutMs: number;
  /** Extra trusted CA certificates (PEM), added to the system roots. */
  extraCa?: string[];
}

export interface TlsSessionInfo {
  protocol: string | null;
  cipher: { name: string; standardName?: string; version: string } | null;
  /** Chain verified against the trust store (hostname NOT included: the engine judges it). */
  authorized: boolean;
  /** OpenSSL's verify error code when not authorized (DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED...). */
  authorizationError?: string;
  /** Leaf with issuer chain; empty object if the server sent none. */
  peerCertificate: DetailedPeerCertificate | null;
}

export interface StreamHandlers {
  data(chunk: Buffer): void;
  /** The peer closed (EOF) or the socket failed; `error` carries the errno/OpenSSL code. */
  close(error?: { code?: string; message: string }): void;
}

/** One TCP (or TLS) connection to an SMTP server. */
export interface SmtpStream {
  /** Set when the connection is TLS (implicit TLS, or after startTls). */
  readonly tls: TlsSessionInfo | undefined;
  setHandlers(h: StreamHandlers): void;
  write(data: string): void;
  /** RFC 3207: upgrade this connection in place after a 220 to STARTTLS. Rejects with a Node error. */
  startTls(opts: TlsClientOptions): Promise<TlsSessionInfo>;
  /** Local address, for the transcript. */
  readonly localAddress?: string;
  close(): void;
}

export interface ConnectOptions {
  ip: string;
  port: number;
  timeoutMs: number;
  /** Implicit TLS from the first byte (RFC 8314 §3.3, port 465). */
  tls?: TlsClientOptions;
  signal?: AbortSignal;
}

export interface SmtpConnector {
  /** Rejects with a Node-style error ({ code: 'ECONNREFUSED' | 'ETIMEDOUT' | 'ERR_SSL_...' }). */
  connect(opts: ConnectOptions): Promise<SmtpStream>;
}
