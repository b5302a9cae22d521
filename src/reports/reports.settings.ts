import { envInt } from '../config/env-int';

/** Bounds of the reports endpoints (AppConfig slice `reports`, parsed once at boot). */
export interface ReportsSettings {
  /** LOG_MAX_BYTES (1 GiB): largest log streamed to POST /v1/logs/analyze. */
  logMaxBytes: number;
  /** BOUNCE_MAX_BYTES (10 MiB): largest raw bounce accepted by POST /v1/bounces/analyze. */
  bounceMaxBytes: number;
}

export function readReportsSettings(env: Record<string, string | undefined>): ReportsSettings {
  return {
    logMaxBytes: envInt(env, 'LOG_MAX_BYTES', 1024 ** 3, 1024, 1024 ** 4),
    bounceMaxBytes: envInt(env, 'BOUNCE_MAX_BYTES', 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  };
}
