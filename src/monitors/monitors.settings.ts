import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/config-error';
import { envIntReader } from '../config/env-int';

/**
 * Monitor settings (AppConfig slice `monitors`, parsed once at boot by loadConfig):
 * - MONITOR_MIN_INTERVAL_S (300): shortest interval a monitor may ask for. Values under 60 are
 *   refused unless NODE_ENV=test (the scheduler tests run monitors every 2 s);
 * - MONITOR_MAX_PER_TENANT (50): monitors one tenant may create;
 * - MONITOR_JITTER_PCT (10): each monitor's slots are shifted by a fixed share of its interval
 *   (0 to this percentage, from its id), so monitors created together do not fire together;
 * - MONITOR_CONFIRMATIONS (2): default hysteresis, consecutive agreeing results before a change
 *   alerts (a monitor may set 1 to 10);
 * - MONITOR_INDETERMINATE_ALERT_RUNS (6; 0 = never): a target indeterminate for this many runs in a
 *   row alerts once as "cannot check" (type `indeterminate`, not a problem), cleared by a `resumed`
 *   alert when a run completes again (6 runs: half an hour at the default 5-minute interval);
 * - ALERT_SMTP_URL (unset): SMTP relay for e-mail alerts (smtp://user:pass@host:587, smtps://...);
 *   without it monitors cannot have e-mail channels; it carries the relay's password, so
 *   ALERT_SMTP_URL_FILE (a file holding it) is accepted too, like the other secrets;
 * - ALERT_FROM (smtp-doctor@localhost): From address of e-mail alerts;
 * - ALERT_MAX_ATTEMPTS (5), ALERT_BACKOFF_MS (5000): delivery attempts per alert and channel,
 *   with exponential backoff from the first delay;
 * - ALERT_REPORT_BASE_URL (unset): public base URL of this service, for the report link in alerts
 *   (the link is the API path alone without it).
 */
export interface MonitorSettings {
  minIntervalS: number;
  maxPerTenant: number;
  jitterPct: number;
  confirmations: number;
  indeterminateAlertRuns: number;
  alertSmtpUrl: string | undefined;
  alertFrom: string;
  alertMaxAttempts: number;
  alertBackoffMs: number;
  reportBaseUrl: string | undefined;
}

export const PRODUCTION_MIN_INTERVAL_S = 60;

export function readMonitorSettings(env: Record<string, string | undefined>): MonitorSettings {
  const { int, problems } = envIntReader(env);
  const minIntervalS = int('MONITOR_MIN_INTERVAL_S', 300, 1, 86_400);
  if (minIntervalS > 0 && minIntervalS < PRODUCTION_MIN_INTERVAL_S && env.NODE_ENV !== 'test')
    problems.push(
      `MONITOR_MIN_INTERVAL_S: "${env.MONITOR_MIN_INTERVAL_S}" is under ${PRODUCTION_MIN_INTERVAL_S}; shorter intervals are for tests only (NODE_ENV=test)`,
    );
  let alertSmtpUrl = env.ALERT_SMTP_URL || undefined;
  if (env.ALERT_SMTP_URL_FILE) {
    try {
      alertSmtpUrl = readFileSync(env.ALERT_SMTP_URL_FILE, 'utf8').trim() || undefined;
    } catch (e) {
      problems.push(`ALERT_SMTP_URL_FILE: cannot read ${env.ALERT_SMTP_URL_FILE} (${(e as Error).message})`);
    }
  }
  if (alertSmtpUrl && !/^smtps?:\/\/[^\s]+$/.test(alertSmtpUrl))
    problems.push('ALERT_SMTP_URL: must look like smtp://[user:pass@]host[:port] or smtps://...');
  const alertFrom = env.ALERT_FROM || 'smtp-doctor@localhost';
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(alertFrom)) problems.push(`ALERT_FROM: "${alertFrom}" is not an e-mail address`);
  const reportBaseUrl = env.ALERT_REPORT_BASE_URL || undefined;
  if (reportBaseUrl && !/^https?:\/\/[^\s]+$/.test(reportBaseUrl))
    problems.push('ALERT_REPORT_BASE_URL: must be an http(s) URL');
  const settings: MonitorSettings = {
    minIntervalS,
    maxPerTenant: int('MONITOR_MAX_PER_TENANT', 50, 1, 100_000),
    jitterPct: int('MONITOR_JITTER_PCT', 10, 0, 50),
    confirmations: int('MONITOR_CONFIRMATIONS', 2, 1, 10),
    indeterminateAlertRuns: int('MONITOR_INDETERMINATE_ALERT_RUNS', 6, 0, 1000),
    alertSmtpUrl,
    alertFrom,
    alertMaxAttempts: int('ALERT_MAX_ATTEMPTS', 5, 1, 30),
    alertBackoffMs: int('ALERT_BACKOFF_MS', 5000, 10, 3_600_000),
    reportBaseUrl: reportBaseUrl === undefined ? undefined : withoutTrailingSlashes(reportBaseUrl),
  };
  if (problems.length) throw new ConfigError(problems);
  return settings;
}

/** "https://host/app///" -> "https://host/app", scanned from the end (a `/\/+$/` pattern is quadratic on a run of slashes). */
function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end--;
  return url.slice(0, end);
}
