import type { AppConfig } from '../../config/config.schema';
import { RspamdClient } from './rspamd.client';
import type { SpamEngine } from './spam-engine.port';
import { parseSpamdUrl, SpamdClient } from './spamd.client';

/**
 * Build the optional scorers from config: SPAMD_URL and RSPAMD_URL (AppConfig), plus the raw
 * settings SPAM_ENGINE_TIMEOUT_MS (default 30000) and RSPAMD_PASSWORD.
 */
export function createSpamEngines(config: Pick<AppConfig, 'spamdUrl' | 'rspamdUrl' | 'env'>): SpamEngine[] {
  const timeoutMs = Number(config.env.SPAM_ENGINE_TIMEOUT_MS) > 0 ? Number(config.env.SPAM_ENGINE_TIMEOUT_MS) : 30_000;
  const out: SpamEngine[] = [];
  if (config.spamdUrl) out.push(new SpamdClient(parseSpamdUrl(config.spamdUrl), { timeoutMs }));
  if (config.rspamdUrl) out.push(new RspamdClient(config.rspamdUrl, { timeoutMs, password: config.env.RSPAMD_PASSWORD }));
  return out;
}
