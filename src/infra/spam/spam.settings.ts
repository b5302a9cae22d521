/**
 * Settings of the optional scorers (AppConfig slice `spam`; SPAMD_URL and RSPAMD_URL are core
 * fields): SPAM_ENGINE_TIMEOUT_MS (default 30000; a non-positive or unreadable value means the
 * default) and RSPAMD_PASSWORD.
 */
export interface SpamSettings {
  timeoutMs: number;
  rspamdPassword: string | undefined;
}

export function readSpamSettings(env: Record<string, string | undefined>): SpamSettings {
  return {
    timeoutMs: Number(env.SPAM_ENGINE_TIMEOUT_MS) > 0 ? Number(env.SPAM_ENGINE_TIMEOUT_MS) : 30_000,
    rspamdPassword: env.RSPAMD_PASSWORD,
  };
}
