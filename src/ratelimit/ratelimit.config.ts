import { ConfigError } from '../config/config-error';

/**
 * Rate-limit and quota settings (AppConfig slice `rateLimit`, parsed once at boot by loadConfig).
 * 0 turns a limit off.
 */
export interface RateLimitConfig {
  /** Requests per minute per API key, over REST (/v1) and GraphQL (/graphql). */
  rpm: number;
  /** Unfinished (queued or running) checks per API key at any time. */
  concurrentChecks: number;
  /** Checks a tenant may submit per UTC day. */
  dailyChecks: number;
}

export const RATE_LIMIT_DEFAULTS: RateLimitConfig = {
  rpm: 600,
  // One full batch (MAX_BATCH = 10,000) may be in flight per key; a second waits for it to drain.
  concurrentChecks: 10_000,
  dailyChecks: 0,
};

const VARS: [keyof RateLimitConfig, string][] = [
  ['rpm', 'RATE_LIMIT_RPM'],
  ['concurrentChecks', 'RATE_LIMIT_CONCURRENT_CHECKS'],
  ['dailyChecks', 'QUOTA_DAILY_CHECKS'],
];

/** Parse the three variables; every bad one is named in one ConfigError. */
export function parseRateLimitConfig(env: Record<string, string | undefined>): RateLimitConfig {
  const out = { ...RATE_LIMIT_DEFAULTS };
  const problems: string[] = [];
  for (const [field, name] of VARS) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 1_000_000_000) problems.push(`${name}: "${raw}" must be an integer >= 0 (0 = unlimited)`);
    else out[field] = n;
  }
  if (problems.length) throw new ConfigError(problems);
  return out;
}
