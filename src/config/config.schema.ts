import { readFileSync } from 'node:fs';
import { readAuthSettings, type AuthSettings } from '../auth/auth.settings';
import { readContentSettings, type ContentSettings } from '../content-spam-check/content.config';
import { readDnsAuditSettings, type DnsAuditSettings } from '../dns/dns.settings';
import { loadEmbedConfig, type EmbedConfig } from '../embed/embed.config';
import { readDatabaseSettings, type DatabaseSettings } from '../infra/database/database.settings';
import { readDnsSettings, type DnsSettings } from '../infra/dns/dns.settings';
import { readAnalysisSettings, type AnalysisSettings } from '../infra/cpu/analysis.settings';
import { readHttpsFetcherSettings, type HttpsFetcherSettings } from '../infra/net/https-fetcher.settings';
import { keyPrefix, readRedisSettings, type RedisSettings } from '../infra/queue/redis.settings';
import { readSpamSettings, type SpamSettings } from '../infra/spam/spam.settings';
import { parseSpamdUrl } from '../infra/spam/spamd.client';
import { readMonitorSettings, type MonitorSettings } from '../monitors/monitors.settings';
import { parseProbeSettings, type ProbeSettings } from '../probe/probe.settings';
import {
  parseOperationLimitConfig,
  parseRateLimitConfig,
  type OperationLimitConfig,
  type RateLimitConfig,
} from '../ratelimit/ratelimit.config';
import { healthSettings, type HealthSettings } from '../reports/health/health.settings';
import { readReportsIntakeSettings, type ReportsIntakeSettings } from '../reports/intake/intake.settings';
import { readReportsSettings, type ReportsSettings } from '../reports/reports.settings';
import { webhookSettings, type WebhookSettings } from '../reports/webhooks/webhooks.settings';
import { ConfigError } from './config-error';
import type { DnsServer } from './dns-server';

export { ConfigError, type DnsServer };

/**
 * Every environment variable, parsed once at boot into a typed object: the core settings, plus
 * one typed slice per module, declared next to the module (its `*.settings.ts` / `*.config.ts`)
 * and parsed here. A bad or missing value stops startup with one message naming every offending
 * variable (STYLE habit 9); nothing reads process.env after this. `<KEY>_FILE` is accepted for
 * secrets (ADMIN_TOKEN, API_KEYS, SECRET_KEY).
 */
export type Role = 'api' | 'worker' | 'all';

export interface AppConfig {
  port: number;
  host: string;
  role: Role;
  /** NODE_ENV=production (then no first-run key is ever created: src/auth/first-run-key.ts). */
  production: boolean;
  databaseUrl: string;
  /** Connection pool (src/infra/database/database.settings.ts: DATABASE_POOL_MAX, DATABASE_STATEMENT_TIMEOUT_MS, DATABASE_CONNECT_TIMEOUT_MS). */
  database: DatabaseSettings;
  /** REDIS_URL as given (the default redis://127.0.0.1:6379 when unset); `redis` is the parsed topology. */
  redisUrl: string;
  /** Where Redis is (src/infra/queue/redis.settings.ts: REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES...). */
  redis: RedisSettings;
  /** The prefix of every Redis key: QUEUE_PREFIX, hash-tagged (`{smtp-doctor}`) on a Redis Cluster. */
  queuePrefix: string;
  /** tenant -> keys */
  apiKeys: { tenant: string; key: string }[];
  adminToken: string | undefined;
  /** Empty means "the system's resolvers" (from /etc/resolv.conf). */
  dnsServers: DnsServer[];
  dnsTimeoutMs: number;
  dnsRetries: number;
  dnsFallbackServers: DnsServer[];
  dnsblZones: string[];
  dnsblDomainZones: string[];
  probeAllowedCidrs: string[];
  probeAllowedPorts: number[];
  workerConcurrency: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  bodyLimit: string;
  /** 32-byte key (hex or base64) used to encrypt secrets in job payloads. */
  secretKey: string | undefined;
  jobAttempts: number;
  /** How often the sweeper re-enqueues checks the queue lost (e.g. Redis restarted without persistence). */
  sweepIntervalMs: number;
  shutdownGraceMs: number;
  spamdUrl: string | undefined;
  rspamdUrl: string | undefined;
  corsOrigins: string[];
  /** TRUST_PROXY=true: behind a reverse proxy (client IP and X-Forwarded-Host from its headers). */
  trustProxy: boolean;

  // Module slices (each parsed by its module's own parser, named in the comment).
  /** Resolver and cache (src/infra/dns/dns.settings.ts: DNS_CACHE_*, DNS_QUERY_BUDGET, DNS_UDP_*...). */
  dns: DnsSettings;
  /** DNS audit (src/dns/dns.settings.ts: DNS_AUDIT_MAX_INFLIGHT). */
  dnsAudit: DnsAuditSettings;
  /** SMTP probe (src/probe/probe.settings.ts: PROBE_*). */
  probe: ProbeSettings;
  /** Content check (src/content-spam-check/content.config.ts: CONTENT_*). */
  content: ContentSettings;
  /** spamd/rspamd clients (src/infra/spam/spam.settings.ts: SPAM_ENGINE_TIMEOUT_MS, RSPAMD_PASSWORD). */
  spam: SpamSettings;
  /** HTTPS fetcher for MTA-STS (src/infra/net/https-fetcher.settings.ts: MTA_STS_*). */
  mtaSts: HttpsFetcherSettings;
  /** Health report (src/reports/health/health.settings.ts: HEALTH_*). */
  health: HealthSettings;
  /** Webhooks (src/reports/webhooks/webhooks.settings.ts: WEBHOOK_*). */
  webhooks: WebhookSettings;
  /** Reports endpoints (src/reports/reports.settings.ts: LOG_MAX_BYTES, BOUNCE_MAX_BYTES). */
  reports: ReportsSettings;
  /** Report intake (src/reports/intake/intake.settings.ts: REPORTS_*). */
  reportsIntake: ReportsIntakeSettings;
  /** Rate limits and quotas (src/ratelimit/ratelimit.config.ts: RATE_LIMIT_*, QUOTA_DAILY_CHECKS). */
  rateLimit: RateLimitConfig;
  /** Browser access (src/embed/embed.config.ts: CORS_MAX_AGE, PUBLISHABLE_*_RPM, WEB_DIR). */
  embed: EmbedConfig;
  /** Failed-authentication throttle (src/auth/auth.settings.ts: AUTH_FAIL_LIMIT, AUTH_FAIL_WINDOW_S). */
  auth: AuthSettings;
  /** Analysis worker threads (src/infra/cpu/analysis.settings.ts: ANALYSIS_THREADS, ANALYSIS_TIMEOUT_MS, ANALYSIS_MAX_QUEUE). */
  analysis: AnalysisSettings;
  /**
   * Per-visitor and per-operation limits (src/ratelimit/ratelimit.config.ts:
   * PUBLISHABLE_VISITOR_CONCURRENT_CHECKS, GRAPHQL_MAX_MUTATION_FIELDS).
   */
  operationLimits: OperationLimitConfig;
  /** Monitors and their alerts (src/monitors/monitors.settings.ts: MONITOR_*, ALERT_*). */
  monitors: MonitorSettings;
}

export const MIN_ADMIN_TOKEN_LENGTH = 32;

export const DEFAULT_DNSBL_ZONES = ['zen.spamhaus.org', 'bl.spamcop.net', 'b.barracudacentral.org', 'psbl.surriel.com'];
export const DEFAULT_DNSBL_DOMAIN_ZONES = ['dbl.spamhaus.org', 'multi.surbl.org'];

export function parseDnsServers(raw: string, name: string, problems: string[]): DnsServer[] {
  if (!raw.trim()) return [];
  const out: DnsServer[] = [];
  for (const part of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    // forms: 1.2.3.4, 1.2.3.4:53, [::1]:53, ::1
    let host = part;
    let port = 53;
    const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(part);
    if (v6) {
      host = v6[1]!;
      if (v6[2]) port = Number(v6[2]);
    } else if ((part.match(/:/g) ?? []).length === 1) {
      const [h, p] = part.split(':');
      host = h!;
      port = Number(p);
    }
    if (!isIp(host) || !Number.isInteger(port) || port < 1 || port > 65535) {
      problems.push(`${name}: "${part}" is not ip[:port]`);
      continue;
    }
    out.push({ host, port });
  }
  return out;
}

function isIp(s: string): boolean {
  return /^(\d{1,3})(\.\d{1,3}){3}$/.test(s) || (/^[0-9a-fA-F:.]+$/.test(s) && s.includes(':'));
}

function readSecret(env: Record<string, string | undefined>, key: string, problems: string[]): string | undefined {
  const file = env[`${key}_FILE`];
  if (file) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (e) {
      problems.push(`${key}_FILE: cannot read ${file} (${(e as Error).message})`);
      return undefined;
    }
  }
  const v = env[key];
  return v === undefined || v === '' ? undefined : v;
}

function int(
  env: Record<string, string | undefined>,
  key: string,
  def: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${key}: "${raw}" must be an integer between ${min} and ${max}`);
    return def;
  }
  return n;
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Run one slice parser; its problems (thrown or returned) join the others instead of stopping the parse. */
function slice<T>(problems: string[], parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof ConfigError) problems.push(...e.problems);
    else problems.push((e as Error).message);
    return undefined as T;
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const problems: string[] = [];
  const role = (env.ROLE ?? 'all') as Role;
  if (!['api', 'worker', 'all'].includes(role)) problems.push(`ROLE: "${env.ROLE}" must be api, worker or all`);

  const databaseUrl = env.DATABASE_URL || 'sqlite:./data/smtp-doctor.db';
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    problems.push(`DATABASE_URL: "${databaseUrl}" must start with sqlite: or postgres://`);
  }
  const redisUrl = env.REDIS_URL || 'redis://127.0.0.1:6379';
  const redis = slice(problems, () => readRedisSettings(env));

  const apiKeysRaw = readSecret(env, 'API_KEYS', problems);
  const apiKeys: { tenant: string; key: string }[] = [];
  for (const pair of list(apiKeysRaw)) {
    const i = pair.indexOf(':');
    const tenant = pair.slice(0, i);
    const key = pair.slice(i + 1);
    if (i <= 0 || key.length < 8 || !/^[A-Za-z0-9_.-]{1,64}$/.test(tenant)) {
      problems.push(
        `API_KEYS: entries must be tenant:key with a key of at least 8 characters (got "${pair.slice(0, Math.max(0, i)) || '?'}:...")`,
      );
      continue;
    }
    apiKeys.push({ tenant, key });
  }

  const logLevel = (env.LOG_LEVEL ?? 'info') as AppConfig['logLevel'];
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL: "${env.LOG_LEVEL}" must be one of fatal,error,warn,info,debug,trace,silent`);
  }

  const cidrs = list(env.PROBE_ALLOWED_CIDRS);
  for (const c of cidrs)
    if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(c)) problems.push(`PROBE_ALLOWED_CIDRS: "${c}" is not a CIDR`);
  const ports = list(env.PROBE_ALLOWED_PORTS || '25,465,587,2525').map(Number);
  for (const p of ports)
    if (!Number.isInteger(p) || p < 1 || p > 65535) problems.push(`PROBE_ALLOWED_PORTS: "${p}" is not a port`);

  // A guessable admin token opens every tenant: at least 32 characters (e.g. openssl rand -base64 24).
  const adminToken = readSecret(env, 'ADMIN_TOKEN', problems);
  if (adminToken !== undefined && adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    problems.push(
      `${env.ADMIN_TOKEN_FILE ? 'ADMIN_TOKEN_FILE' : 'ADMIN_TOKEN'}: must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (got ${adminToken.length}); generate one with: openssl rand -base64 24`,
    );
  }

  const secretKey = readSecret(env, 'SECRET_KEY', problems);
  if (
    secretKey !== undefined &&
    !(/^[0-9a-fA-F]{64}$/.test(secretKey) || Buffer.from(secretKey, 'base64').length === 32)
  ) {
    problems.push('SECRET_KEY: must be 32 bytes as 64 hex characters or base64');
  }
  if (role !== 'all' && secretKey === undefined && env.NODE_ENV === 'production') {
    problems.push('SECRET_KEY: required when api and worker run as separate processes in production');
  }

  const bodyLimit = env.BODY_LIMIT || '10mb';
  if (!/^\d+(kb|mb|b)?$/i.test(bodyLimit)) problems.push(`BODY_LIMIT: "${bodyLimit}" must look like 10mb`);

  const queuePrefix = env.QUEUE_PREFIX || 'smtp-doctor';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(queuePrefix))
    problems.push(`QUEUE_PREFIX: "${queuePrefix}" may hold letters, digits, _ . - only`);

  const spamdUrl = env.SPAMD_URL || undefined;
  if (spamdUrl) slice(problems, () => parseSpamdUrl(spamdUrl));
  const corsOrigins = list(env.CORS_ORIGINS);
  const content = readContentSettings(env);
  problems.push(...content.problems);

  const config: AppConfig = {
    port: int(env, 'PORT', 3000, 0, 65535, problems),
    host: env.HOST || '0.0.0.0',
    role,
    production: env.NODE_ENV === 'production',
    databaseUrl,
    database: slice(problems, () => readDatabaseSettings(env)),
    redisUrl,
    redis,
    queuePrefix: redis ? keyPrefix(queuePrefix, redis) : queuePrefix,
    apiKeys,
    adminToken,
    dnsServers: parseDnsServers(env.DNS_SERVERS ?? '', 'DNS_SERVERS', problems),
    dnsTimeoutMs: int(env, 'DNS_TIMEOUT_MS', 3000, 50, 60000, problems),
    dnsRetries: int(env, 'DNS_RETRIES', 1, 0, 5, problems),
    dnsFallbackServers: parseDnsServers(env.DNS_FALLBACK_SERVERS ?? '', 'DNS_FALLBACK_SERVERS', problems),
    dnsblZones: env.DNSBL_ZONES !== undefined ? list(env.DNSBL_ZONES) : DEFAULT_DNSBL_ZONES,
    dnsblDomainZones: env.DNSBL_DOMAIN_ZONES !== undefined ? list(env.DNSBL_DOMAIN_ZONES) : DEFAULT_DNSBL_DOMAIN_ZONES,
    probeAllowedCidrs: cidrs,
    probeAllowedPorts: ports,
    workerConcurrency: int(env, 'WORKER_CONCURRENCY', 10, 1, 1000, problems),
    logLevel,
    bodyLimit,
    secretKey,
    jobAttempts: int(env, 'JOB_ATTEMPTS', 3, 1, 20, problems),
    sweepIntervalMs: int(env, 'SWEEP_INTERVAL_MS', 15000, 200, 3600000, problems),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10000, 0, 600000, problems),
    spamdUrl,
    rspamdUrl: env.RSPAMD_URL || undefined,
    corsOrigins,
    trustProxy: env.TRUST_PROXY === 'true',
    dns: slice(problems, () => readDnsSettings(env)),
    dnsAudit: slice(problems, () => readDnsAuditSettings(env)),
    probe: slice(problems, () => parseProbeSettings(env, { probeAllowedCidrs: cidrs, probeAllowedPorts: ports })),
    content: content.settings,
    spam: readSpamSettings(env),
    mtaSts: slice(problems, () => readHttpsFetcherSettings(env)),
    health: slice(problems, () => healthSettings(env)),
    webhooks: slice(problems, () => webhookSettings(env)),
    reports: slice(problems, () => readReportsSettings(env)),
    reportsIntake: slice(problems, () => readReportsIntakeSettings(env)),
    rateLimit: slice(problems, () => parseRateLimitConfig(env)),
    embed: slice(problems, () => loadEmbedConfig(env, corsOrigins)),
    auth: slice(problems, () => readAuthSettings(env)),
    analysis: slice(problems, () => readAnalysisSettings(env)),
    operationLimits: slice(problems, () => parseOperationLimitConfig(env)),
    monitors: slice(problems, () => readMonitorSettings(env)),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}
