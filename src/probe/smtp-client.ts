import type { Clock } from '../checks/check-kind';
import { failureKindOf, type FailureKind, type ProbeFailure, type Stage } from './classify';
import type { SmtpStream, TlsClientOptions, TlsSessionInfo } from './smtp-connector.port';
import { buildReply, parseReplyLine, type SmtpReply } from './smtp-reply';

/** One line of the transcript: C = sent by the probe, S = from the server, I = probe note. */
export interface TranscriptLine {
  at: string;
  /** Milliseconds since the probe of this host/port started. */
  ms: number;
  dir: 'C' | 'S' | 'I';
  line: string;
}

export interface ClientBounds {
  bannerTimeoutMs: number;
  commandTimeoutMs: number;
  tlsTimeoutMs: number;
  /** RFC 5321 §4.5.3.1.5 allows 512 octets per reply line; we tolerate more but not without end. */
  maxLineBytes: number;
  maxReplyBytes: number;
  maxReplyLines: number;
}

/** A failure below the reply level; the engine classifies it (classify.ts), it never escapes a probe. */
export class ProbeFailureError extends Error {
  constructor(readonly failure: ProbeFailure) {
    super(`${failure.kind} at ${failure.stage}: ${failure.message}`);
  }
}

export interface TimedReply {
  reply: SmtpReply;
  ms: number;
}

/**
 * A minimal SMTP client session over the connector port (RFC 5321 §4.1, §4.2). It sends one
 * command at a time (no pipelining: a probe wants each reply attributed to its command), keeps a
 * timestamped transcript, and enforces every bound. It never sends DATA.
 */
export class SmtpSession {
  readonly transcript: TranscriptLine[] = [];
  private buf = '';
  private lines: string[] = [];
  private replyBytes = 0;
  private waiter: { resolve: (r: SmtpReply) => void; reject: (e: ProbeFailureError) => void; stage: Stage } | undefined;
  private closed: { code?: string; message: string } | null | undefined;
  private readonly started: number;

  constructor(
    private stream: SmtpStream,
    private readonly clock: Clock,
    private readonly bounds: ClientBounds,
    private readonly signal: AbortSignal,
    startedAt?: number,
  ) {
    this.started = startedAt ?? clock.now().getTime();
    stream.setHandlers({ data: (b) => this.onData(b), close: (e) => this.onClose(e) });
  }

  get tls(): TlsSessionInfo | undefined {
    return this.stream.tls;
  }

  note(line: string) {
    this.log('I', line);
  }

  private log(dir: TranscriptLine['dir'], line: string) {
    const now = this.clock.now();
    this.transcript.push({ at: now.toISOString(), ms: now.getTime() - this.started, dir, line });
  }

  private fail(f: Omit<ProbeFailure, 'stage'>) {
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(new ProbeFailureError({ ...f, stage: w.stage }));
  }

  private onData(chunk: Buffer) {
    // latin1 keeps every byte as one char, so the byte bounds hold for non-UTF-8 junk too.
    this.buf += chunk.toString('latin1');
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const raw = this.buf.slice(0, i).replace(/\r$/, '');
      this.buf = this.buf.slice(i + 1);
      if (!this.acceptLine(raw)) return;
    }
    if (this.buf.length > this.bounds.maxLineBytes) {
      this.fail({
        kind: 'reply-too-large',
        message: `a reply line exceeded ${this.bounds.maxLineBytes} bytes without a line end`,
      });
      this.stream.close();
    }
  }

  /** Returns false when the session was failed and reading must stop. */
  private acceptLine(raw: string): boolean {
    const line = Buffer.from(raw, 'latin1').toString('utf8');
    this.log('S', line.length > 1000 ? `${line.slice(0, 1000)}...` : line);
    if (raw.length > this.bounds.maxLineBytes) {
      this.fail({
        kind: 'reply-too-large',
        message: `a reply line of ${raw.length} bytes exceeds ${this.bounds.maxLineBytes}`,
      });
      this.stream.close();
      return false;
    }
    this.lines.push(line);
    this.replyBytes += raw.length + 2;
    if (this.lines.length > this.bounds.maxReplyLines) {
      this.fail({ kind: 'too-many-lines', message: `a reply had more than ${this.bounds.maxReplyLines} lines` });
      this.stream.close();
      return false;
    }
    if (this.replyBytes > this.bounds.maxReplyBytes) {
      this.fail({ kind: 'reply-too-large', message: `a reply exceeded ${this.bounds.maxReplyBytes} bytes` });
      this.stream.close();
      return false;
    }
    const p = parseReplyLine(line);
    if (!p.ok) {
      this.fail({ kind: 'malformed-reply', message: `"${line.slice(0, 80)}" is not an SMTP reply line` });
      this.stream.close();
      return false;
    }
    if (!p.last) return true;
    const reply = buildReply(this.lines);
    this.lines = [];
    this.replyBytes = 0;
    if (!reply) {
      this.fail({ kind: 'malformed-reply', message: 'the lines of a multi-line reply carry different codes' });
      this.stream.close();
      return false;
    }
    const w = this.waiter;
    this.waiter = undefined;
    if (w) w.resolve(reply);
    // A reply nobody waited for is kept in the transcript only (a server talking out of turn).
    return true;
  }

  private onClose(e?: { code?: string; message: string }) {
    this.closed = e ?? null;
    if (!this.waiter) return;
    const stage = this.waiter.stage;
    this.fail(
      e
        ? {
            kind: failureKindOf(e, stage) === 'reset' ? 'reset' : failureKindOf(e, stage),
            errno: e.code,
            message: e.message,
          }
        : { kind: 'eof', message: 'the server closed the connection' },
    );
  }

  /** Wait for the next complete reply within `timeoutMs`. */
  read(stage: Stage, timeoutMs: number): Promise<TimedReply> {
    const t0 = this.clock.now().getTime();
    return new Promise<TimedReply>((resolve, reject) => {
      if (this.closed !== undefined) {
        reject(
          new ProbeFailureError({
            stage,
            kind: this.closed ? 'reset' : 'eof',
            errno: this.closed?.code,
            message: this.closed?.message ?? 'the server closed the connection',
          }),
        );
        return;
      }
      const kind: FailureKind = stage === 'banner' ? 'banner-timeout' : 'command-timeout';
      const timer = setTimeout(
        () => this.fail({ kind, message: `no reply within ${timeoutMs} ms`, afterMs: timeoutMs }),
        timeoutMs,
      );
      const onAbort = () =>
        this.fail({
          kind: 'total-timeout',
          message: "the probe's total time bound was reached",
          afterMs: this.clock.now().getTime() - t0,
        });
      this.signal.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', onAbort);
      };
      this.waiter = {
        stage,
        resolve: (reply) => {
          cleanup();
          resolve({ reply, ms: this.clock.now().getTime() - t0 });
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
      };
      if (this.signal.aborted) onAbort();
    });
  }

  /** Send one command line and read its reply. `shown` replaces the line in the transcript (secrets). */
  async command(stage: Stage, line: string, shown?: string): Promise<TimedReply> {
    if (/[\r\n]/.test(line)) throw new Error('SMTP command contains a line break'); // input validation should prevent this
    this.log('C', shown ?? line);
    this.stream.write(`${line}\r\n`);
    return this.read(stage, this.bounds.commandTimeoutMs);
  }

  /** RFC 3207 §4.2: after 220 to STARTTLS, handshake; the client then forgets all it knew (re-EHLO). */
  async startTls(opts: Omit<TlsClientOptions, 'timeoutMs'>): Promise<TlsSessionInfo> {
    this.buf = '';
    this.lines = [];
    try {
      const info = await this.stream.startTls({ ...opts, timeoutMs: this.bounds.tlsTimeoutMs });
      this.note(
        `TLS established: ${info.protocol ?? '?'} ${info.cipher?.name ?? ''}${info.authorized ? ', certificate verified' : `, certificate not verified (${info.authorizationError ?? 'unknown'})`}`,
      );
      return info;
    } catch (e) {
      const err = e as { code?: string; message?: string };
      const kind = err.code === 'ETIMEDOUT' ? 'command-timeout' : 'tls-handshake';
      this.note(`TLS handshake failed: ${err.message ?? String(e)}`);
      throw new ProbeFailureError({
        stage: 'tls',
        kind: err.code === 'ECONNRESET' || err.code === 'EPIPE' ? 'eof' : kind,
        errno: err.code,
        message: err.message ?? String(e),
        ...(kind === 'command-timeout' ? { afterMs: this.bounds.tlsTimeoutMs } : {}),
      });
    }
  }

  /** QUIT politely (RFC 5321 §4.1.1.10), then close whatever happens. */
  async quit(timeoutMs = this.bounds.commandTimeoutMs): Promise<void> {
    if (this.closed === undefined) {
      try {
        this.log('C', 'QUIT');
        this.stream.write('QUIT\r\n');
        await this.read('quit', timeoutMs);
      } catch {
        // The verdict is already made; a server that hangs up on QUIT changes nothing.
      }
    }
    this.close();
  }

  close() {
    this.stream.close();
  }
}
