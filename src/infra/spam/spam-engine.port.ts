/**
 * The port for external spam scorers (SpamAssassin's spamd, rspamd). The content engine shows
 * their verdicts beside its own; an engine that cannot be reached is a result (status `error` /
 * `timeout`), never an exception, so one missing daemon never hides our own analysis.
 */
export interface SpamEngineRuleHit {
  name: string;
  score: number;
  description?: string;
}

export interface SpamEngineResult {
  engine: 'spamassassin' | 'rspamd';
  /** Where it was asked (host:port or URL, never credentials). */
  endpoint: string;
  status: 'ok' | 'error' | 'timeout';
  score?: number;
  threshold?: number;
  isSpam?: boolean;
  /** rspamd's recommended action (no action, add header, reject, ...). */
  action?: string;
  rules: SpamEngineRuleHit[];
  error?: string;
  durationMs: number;
}

/** Envelope facts a scorer may use (rspamd takes them as HTTP headers). */
export interface SpamEngineMeta {
  clientIp?: string;
  helo?: string;
  mailFrom?: string;
  rcptTo?: string[];
}

export interface SpamEngine {
  readonly name: SpamEngineResult['engine'];
  check(raw: Buffer, meta: SpamEngineMeta, signal?: AbortSignal): Promise<SpamEngineResult>;
}
