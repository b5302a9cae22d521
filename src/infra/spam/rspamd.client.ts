import type { SpamEngine, SpamEngineMeta, SpamEngineResult, SpamEngineRuleHit } from './spam-engine.port';

export interface RspamdClientOptions {
  timeoutMs?: number;
  /** Sent as the `Password` header when rspamd's controller requires one. */
  password?: string;
}

interface RspamdSymbol {
  name?: string;
  score?: number;
  description?: string;
}
interface RspamdReply {
  score?: number;
  required_score?: number;
  action?: string;
  is_skipped?: boolean;
  symbols?: Record<string, RspamdSymbol>;
}

/**
 * rspamd's HTTP API: POST the raw message to `/checkv2`; envelope facts go in the `IP`, `Helo`,
 * `From` and `Rcpt` request headers; the JSON answer carries score, required_score, action and the
 * symbols that fired with their scores.
 */
export class RspamdClient implements SpamEngine {
  readonly name = 'rspamd' as const;
  private readonly url: URL;

  constructor(
    baseUrl: string,
    private readonly opts: RspamdClientOptions = {},
  ) {
    const u = new URL(baseUrl);
    if (!/^https?:$/.test(u.protocol)) throw new Error(`RSPAMD_URL "${baseUrl}" must be http(s)://host:port`);
    this.url = new URL(u.pathname.replace(/\/?$/, '/') + 'checkv2', u);
  }

  async check(raw: Buffer, meta: SpamEngineMeta, signal?: AbortSignal): Promise<SpamEngineResult> {
    const started = Date.now();
    const endpoint = `${this.url.origin}${this.url.pathname}`;
    const base = { engine: this.name, endpoint, rules: [] as SpamEngineRuleHit[] };
    const headers: Record<string, string> = { 'content-type': 'message/rfc822' };
    if (meta.clientIp) headers.IP = meta.clientIp;
    if (meta.helo) headers.Helo = meta.helo;
    if (meta.mailFrom) headers.From = meta.mailFrom;
    if (meta.rcptTo?.length) headers.Rcpt = meta.rcptTo.join(',');
    if (this.opts.password) headers.Password = this.opts.password;
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 30_000);
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers,
        body: new Uint8Array(raw) as Uint8Array<ArrayBuffer>,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const text = await res.text();
      if (!res.ok)
        return {
          ...base,
          status: 'error',
          error: `rspamd answered HTTP ${res.status}: ${text.slice(0, 200)}`,
          durationMs: Date.now() - started,
        };
      return { ...base, ...parseRspamdReply(text), durationMs: Date.now() - started };
    } catch (e) {
      const err = e as Error;
      const isTimeout = err.name === 'TimeoutError' || err.name === 'AbortError';
      return { ...base, status: isTimeout ? 'timeout' : 'error', error: err.message, durationMs: Date.now() - started };
    }
  }
}

export function parseRspamdReply(text: string): Omit<SpamEngineResult, 'engine' | 'endpoint' | 'durationMs'> {
  let json: RspamdReply;
  try {
    json = JSON.parse(text) as RspamdReply;
  } catch {
    return { status: 'error', rules: [], error: `rspamd answered non-JSON: ${text.slice(0, 120)}` };
  }
  const rules = Object.entries(json.symbols ?? {})
    .map(([name, s]) => ({
      name: s.name ?? name,
      score: Number(s.score ?? 0),
      ...(s.description ? { description: s.description } : {}),
    }))
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  const isSpam = json.action ? ['reject', 'add header', 'rewrite subject'].includes(json.action) : undefined;
  return { status: 'ok', score: json.score, threshold: json.required_score, action: json.action, isSpam, rules };
}
