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

/**
 * Limits on what one visitor of a publishable key and one GraphQL operation may do. Kept apart
 * from RateLimitConfig so that type stays the three per-key/per-tenant numbers. 0 turns one off.
 */
export interface OperationLimitConfig {
  /**
   * Unfinished checks one visitor (client address, IPv6 /64) may have per tenant through its
   * publishable keys, so one visitor cannot use up the key's RATE_LIMIT_CONCURRENT_CHECKS.
   */
  visitorConcurrentChecks: number;
  /** Root fields one GraphQL mutation operation may select (aliases included). */
  maxMutationFields: number;
}

export const OPERATION_LIMIT_DEFAULTS: OperationLimitConfig = {
  visitorConcurrentChecks: 5,
  maxMutationFields: 20,
};

const OPERATION_VARS: [keyof OperationLimitConfig, string][] = [
  ['visitorConcurrentChecks', 'PUBLISHABLE_VISITOR_CONCURRENT_CHECKS'],
  ['maxMutationFields', 'GRAPHQL_MAX_MUTATION_FIELDS'],
];

function parseInts<T extends object>(
  env: Record<string, string | undefined>,
  defaults: T,
  vars: [keyof T, string][],
): T {
  const out = { ...defaults };
  const problems: string[] = [];
  for (const [field, name] of vars) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 1_000_000_000)
      problems.push(`${name}: "${raw}" must be an integer >= 0 (0 = unlimited)`);
    else (out as Record<keyof T, number>)[field] = n;
  }
  if (problems.length) throw new ConfigError(problems);
  return out;
}

/** Parse the three variables; every bad one is named in one ConfigError. */
export function parseRateLimitConfig(env: Record<string, string | undefined>): RateLimitConfig {
  return parseInts(env, RATE_LIMIT_DEFAULTS, VARS);
}

/** Parse PUBLISHABLE_VISITOR_CONCURRENT_CHECKS and GRAPHQL_MAX_MUTATION_FIELDS, the same way. */
export function parseOperationLimitConfig(env: Record<string, string | undefined>): OperationLimitConfig {
  return parseInts(env, OPERATION_LIMIT_DEFAULTS, OPERATION_VARS);
}
