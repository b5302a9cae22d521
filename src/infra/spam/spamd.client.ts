import { connect, type Socket } from 'node:net';
import type { SpamEngine, SpamEngineMeta, SpamEngineResult, SpamEngineRuleHit } from './spam-engine.port';

/** Parsed `SPAMD_URL`: `spamd://host:port` or `tcp://host:port` (port defaults to 783). */
export interface SpamdEndpoint {
  host: string;
  port: number;
}

export function parseSpamdUrl(raw: string): SpamdEndpoint {
  const m = /^(?:spamd|tcp):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/i.exec(raw.trim());
  if (!m) throw new Error(`SPAMD_URL "${raw}" must look like spamd://host:port or tcp://host:port`);
  const port = m[2] ? Number(m[2]) : 783;
  if (port < 1 || port > 65535) throw new Error(`SPAMD_URL "${raw}" has an invalid port`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

export interface SpamdClientOptions {
  timeoutMs?: number;
  /** Upper bound on the reply we buffer; spamd's REPORT is a few KB. */
  maxReplyBytes?: number;
  /** `User:` header: whose preferences spamd applies. */
  user?: string;
}

/**
 * A client for spamd's own protocol (SPAMC/1.5 over TCP, as spamc speaks it): one request per
 * connection, `REPORT` returns the verdict line plus the rule table with points, `SYMBOLS` only
 * the comma-separated rule names. The verdict is in the `Spam: True ; 6.1 / 5.0` reply header.
 */
export class SpamdClient implements SpamEngine {
  readonly name = 'spamassassin' as const;
  private readonly timeoutMs: number;
  private readonly maxReplyBytes: number;

  constructor(
    private readonly endpoint: SpamdEndpoint,
    private readonly opts: SpamdClientOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.maxReplyBytes = opts.maxReplyBytes ?? 1024 * 1024;
  }

  check(raw: Buffer, _meta: SpamEngineMeta, signal?: AbortSignal): Promise<SpamEngineResult> {
    return this.request('REPORT', raw, signal);
  }

  async request(command: 'REPORT' | 'SYMBOLS' | 'CHECK', raw: Buffer, signal?: AbortSignal): Promise<SpamEngineResult> {
    const started = Date.now();
    const endpoint = `${this.endpoint.host}:${this.endpoint.port}`;
    const base = { engine: this.name, endpoint, rules: [] as SpamEngineRuleHit[] };
    let reply: Buffer;
    try {
      reply = await this.exchange(command, raw, signal);
    } catch (e) {
      const err = e as Error & { code?: string };
      const timeout = err.code === 'ETIMEDOUT' || err.name === 'AbortError';
      return { ...base, status: timeout ? 'timeout' : 'error', error: err.message, durationMs: Date.now() - started };
    }
    const parsed = parseSpamdReply(reply, command);
    return { ...base, ...parsed, durationMs: Date.now() - started };
  }

  private exchange(command: string, raw: Buffer, signal?: AbortSignal): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const socket: Socket = connect({ host: this.endpoint.host, port: this.endpoint.port });
      const finish = (err?: Error) => {
        if (done) return;
        done = true;
        signal?.removeEventListener('abort', onAbort);
        socket.destroy();
        if (err) reject(err);
        else resolve(Buffer.concat(chunks));
      };
      const onAbort = () => finish(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.setTimeout(this.timeoutMs, () =>
        finish(Object.assign(new Error(`spamd did not answer within ${this.timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      );
      socket.on('error', (e) => finish(e));
      socket.on('data', (d: Buffer) => {
        size += d.length;
        if (size > this.maxReplyBytes) return finish(new Error(`spamd reply exceeds ${this.maxReplyBytes} bytes`));
        chunks.push(d);
      });
      socket.on('end', () => finish());
      socket.on('connect', () => {
        // SPAMC/1.5 request: headers, blank line, the message; Content-length is the message size.
        const head = `${command} SPAMC/1.5\r\nContent-length: ${raw.length}\r\n${this.opts.user ? `User: ${this.opts.user}\r\n` : ''}\r\n`;
        socket.write(head);
        socket.end(raw);
      });
    });
  }
}

/** Parse `SPAMD/1.1 0 EX_OK` + headers + body (REPORT table or SYMBOLS list). Pure, tested alone. */
export function parseSpamdReply(
  reply: Buffer,
  command: string,
): Omit<SpamEngineResult, 'engine' | 'endpoint' | 'durationMs'> {
  const text = reply.toString('utf8');
  const sep = text.search(/\r?\n\r?\n/);
  const head = sep >= 0 ? text.slice(0, sep) : text;
  const body = sep >= 0 ? text.slice(sep).replace(/^\r?\n\r?\n/, '') : '';
  const lines = head.split(/\r?\n/);
  const status = /^SPAMD\/[\d.]+\s+(\d+)\s+(.*)$/.exec(lines[0] ?? '');
  if (!status)
    return {
      status: 'error',
      rules: [],
      error: `unexpected spamd reply: ${JSON.stringify((lines[0] ?? '').slice(0, 120))}`,
    };
  if (status[1] !== '0') return { status: 'error', rules: [], error: `spamd answered ${status[1]} ${status[2]}` };
  let score: number | undefined;
  let threshold: number | undefined;
  let isSpam: boolean | undefined;
  for (const line of lines.slice(1)) {
    const m = /^Spam:\s*(True|False|Yes|No)\s*;\s*(-?[\d.]+)\s*\/\s*(-?[\d.]+)/i.exec(line);
    if (m) {
      isSpam = /^(true|yes)$/i.test(m[1]!);
      score = Number(m[2]);
      threshold = Number(m[3]);
    }
  }
  const rules: SpamEngineRuleHit[] =
    command === 'SYMBOLS'
      ? body
          .trim()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((name) => ({ name, score: Number.NaN }))
      : parseReportTable(body);
  return { status: 'ok', score, threshold, isSpam, rules };
}

/**
 * The REPORT body ends with a table: " pts rule name  description", a dashed line, then one row per
 * rule; long descriptions continue on indented lines without points.
 */
export function parseReportTable(body: string): SpamEngineRuleHit[] {
  const lines = body.split(/\r?\n/);
  const start = lines.findIndex((l) => /^-{3,}\s+-{3,}/.test(l.trim()));
  if (start < 0) return [];
  const out: SpamEngineRuleHit[] = [];
  for (const line of lines.slice(start + 1)) {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s*(.*)$/.exec(line);
    if (m) out.push({ score: Number(m[1]), name: m[2]!, description: m[3]!.trim() || undefined });
    else if (/^\s{5,}\S/.test(line) && out.length) {
      const last = out[out.length - 1]!;
      last.description = `${last.description ?? ''} ${line.trim()}`.trim();
    }
  }
  return out;
}
