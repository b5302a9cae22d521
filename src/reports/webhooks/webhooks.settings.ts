import { envInt } from '../../config/env-int';
/**
 * Webhook settings (AppConfig slice `webhooks`, parsed once at boot by loadConfig):
 * - WEBHOOK_MAX_ATTEMPTS (6): delivery attempts per event (BullMQ retries with exponential backoff);
 * - WEBHOOK_BACKOFF_MS (5000): first retry delay; doubles each attempt;
 * - WEBHOOK_DISABLE_AFTER (20): consecutive failed attempts (across events) that disable a webhook;
 * - WEBHOOK_TIMEOUT_MS (10000): bound of one HTTP attempt;
 * - WEBHOOK_MAX_PER_TENANT (25): webhooks one tenant may register.
 */
export interface WebhookSettings {
  maxAttempts: number;
  backoffMs: number;
  disableAfter: number;
  timeoutMs: number;
  maxPerTenant: number;
}

const int = envInt;

export function webhookSettings(env: Record<string, string | undefined>): WebhookSettings {
  return {
    maxAttempts: int(env, 'WEBHOOK_MAX_ATTEMPTS', 6, 1, 30),
    backoffMs: int(env, 'WEBHOOK_BACKOFF_MS', 5000, 10, 3_600_000),
    disableAfter: int(env, 'WEBHOOK_DISABLE_AFTER', 20, 1, 10_000),
    timeoutMs: int(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    maxPerTenant: int(env, 'WEBHOOK_MAX_PER_TENANT', 25, 1, 10_000),
  };
}
