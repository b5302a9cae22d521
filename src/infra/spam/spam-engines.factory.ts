import type { AppConfig } from '../../config/config.schema';
import { RspamdClient } from './rspamd.client';
import type { SpamEngine } from './spam-engine.port';
import { parseSpamdUrl, SpamdClient } from './spamd.client';
import { readSpamSettings, type SpamSettings } from './spam.settings';

/**
 * Build the optional scorers from config: SPAMD_URL and RSPAMD_URL (AppConfig), plus the `spam`
 * slice (SPAM_ENGINE_TIMEOUT_MS, RSPAMD_PASSWORD). Callers outside the app may pass raw `env`.
 */
export function createSpamEngines(
  config: Pick<AppConfig, 'spamdUrl' | 'rspamdUrl'> & { spam?: SpamSettings; env?: Record<string, string | undefined> },
): SpamEngine[] {
  const s = config.spam ?? readSpamSettings(config.env ?? {});
  const out: SpamEngine[] = [];
  if (config.spamdUrl) out.push(new SpamdClient(parseSpamdUrl(config.spamdUrl), { timeoutMs: s.timeoutMs }));
  if (config.rspamdUrl)
    out.push(new RspamdClient(config.rspamdUrl, { timeoutMs: s.timeoutMs, password: s.rspamdPassword }));
  return out;
}
