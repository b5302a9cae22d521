import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../config/config-error';

/**
 * Settings of the browser-facing surface (CORS, publishable-key limits, static pages): AppConfig
 * slice `embed`, parsed once at boot by loadConfig. Bad values stop startup with the variable's
 * name, like the rest of the config.
 */
export interface EmbedConfig {
  /** Origins allowed for every tenant (CORS_ORIGINS), normalised to `scheme://host[:port]`. */
  globalOrigins: string[];
  /** `*.example.com`-style patterns from CORS_ORIGINS (`https://*.example.com`). */
  globalPatterns: { scheme: string; suffix: string }[];
  /** Access-Control-Max-Age of preflight answers, seconds (CORS_MAX_AGE, default 600). */
  maxAgeS: number;
  /** Requests per minute one publishable key may make (PUBLISHABLE_KEY_RPM, default 120; 0 = off). */
  keyRpm: number;
  /** Requests per minute one client IP may make with publishable keys (PUBLISHABLE_IP_RPM, default 30; 0 = off). */
  ipRpm: number;
  /** How long tenants' origin lists are cached in this process (ms). Admin updates clear it at once. */
  tenantCacheMs: number;
  /** Folder holding widget.js and console/ (WEB_DIR; default: the repository's web/). */
  webDir: string;
}

/** `https://App.example.com:443/` -> `https://app.example.com`; undefined when not an http(s) origin. */
export function normalizeOrigin(raw: string): string | undefined {
  try {
    const u = new URL(raw.trim());
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    if (u.username || u.password || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) return undefined;
    return u.origin;
  } catch {
    return undefined;
  }
}

function int(env: Record<string, string | undefined>, key: string, def: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new ConfigError([`${key}: "${raw}" must be an integer between 0 and ${max}`]);
  return n;
}

/** The web/ folder: WEB_DIR, else the first `web/` above this file (src/embed in dev, dist/src/embed built). */
function findWebDir(env: Record<string, string | undefined>): string {
  if (env.WEB_DIR) return env.WEB_DIR;
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'web', 'widget.js'))) return join(dir, 'web');
    dir = dirname(dir);
  }
  return join(process.cwd(), 'web');
}

export function loadEmbedConfig(env: Record<string, string | undefined>, corsOrigins: string[]): EmbedConfig {
  const globalOrigins: string[] = [];
  const globalPatterns: EmbedConfig['globalPatterns'] = [];
  for (const o of corsOrigins) {
    const wild = /^(https?):\/\/\*\.([a-z0-9.-]+(?::\d{1,5})?)$/i.exec(o);
    if (wild) {
      globalPatterns.push({ scheme: wild[1]!.toLowerCase(), suffix: `.${wild[2]!.toLowerCase()}` });
      continue;
    }
    const n = normalizeOrigin(o);
    // "*" is refused on purpose: publishable keys are per tenant, and a tenant lists its own sites.
    if (!n)
      throw new ConfigError([
        `CORS_ORIGINS: "${o}" is not an origin like https://app.example.com or https://*.example.com`,
      ]);
    globalOrigins.push(n);
  }
  return {
    globalOrigins,
    globalPatterns,
    maxAgeS: int(env, 'CORS_MAX_AGE', 600, 86_400),
    keyRpm: int(env, 'PUBLISHABLE_KEY_RPM', 120, 1_000_000),
    ipRpm: int(env, 'PUBLISHABLE_IP_RPM', 30, 1_000_000),
    tenantCacheMs: 5_000,
    webDir: findWebDir(env),
  };
}
