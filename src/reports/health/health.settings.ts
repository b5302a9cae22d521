import { envInt } from '../../config/env-int';
/**
 * Settings of the health report (AppConfig slice `health`, parsed once at boot by loadConfig):
 * - HEALTH_SMTP_PORT (25): port the MX hosts are probed on (tests point it at a loopback server;
 *   it must also be in PROBE_ALLOWED_PORTS);
 * - HEALTH_MAX_MX (5): at most this many MX hosts are probed, in priority order;
 * - HEALTH_TIMEOUT_MS (300000): bound of one health run, children included;
 * - HEALTH_FINALIZE_GRACE_MS (5000): when every child has finished but the flow's parent job has
 *   not written the report by then (Redis lost the flow), the waiting run writes it itself.
 */
export interface HealthSettings {
  smtpPort: number;
  maxMx: number;
  timeoutMs: number;
  finalizeGraceMs: number;
}

const int = envInt;

export function healthSettings(env: Record<string, string | undefined>): HealthSettings {
  return {
    smtpPort: int(env, 'HEALTH_SMTP_PORT', 25, 1, 65535),
    maxMx: int(env, 'HEALTH_MAX_MX', 5, 1, 20),
    timeoutMs: int(env, 'HEALTH_TIMEOUT_MS', 300_000, 1000, 3_600_000),
    finalizeGraceMs: int(env, 'HEALTH_FINALIZE_GRACE_MS', 5000, 0, 600_000),
  };
}
