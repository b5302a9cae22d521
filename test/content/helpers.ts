import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONTENT_SETTINGS, type ContentSettings } from '../../src/content-spam-check/content.config';
import { analyzeContent, type ContentDeps, type ReceiverSettings } from '../../src/content-spam-check/content.engine';
import type { DeliveryContext } from '../../src/content-spam-check/auth/message-auth';

export const FIXTURES = join(__dirname, '..', 'fixtures');
export const CONTENT_FIXTURES = join(FIXTURES, 'content');
export const SA_FIXTURES = join(FIXTURES, 'spamassassin');

export function fixture(name: string): Buffer {
  return readFileSync(join(CONTENT_FIXTURES, name));
}

export function settings(over: Partial<ContentSettings> = {}): ContentSettings {
  return { ...DEFAULT_CONTENT_SETTINGS, ...over };
}

/** Run the engine without DNS (no authentication) unless deps say otherwise. */
export async function analyze(
  raw: Buffer | string,
  deps: Partial<ContentDeps> = {},
  context?: DeliveryContext,
  receiver: ReceiverSettings = {},
) {
  return analyzeContent(
    Buffer.isBuffer(raw) ? raw : Buffer.from(raw),
    { settings: settings(), ...deps },
    context,
    receiver,
  );
}

/** The tstprefs of SpamAssassin's t/welcomelist_from.t (fixtures/spamassassin/welcomelist_from.prefs), as lines. */
export const WELCOMELIST_FROM_T_PREFS_FILE = join(SA_FIXTURES, 'welcomelist_from.prefs');
export function welcomelistFromTPrefs(): string[] {
  return readFileSync(WELCOMELIST_FROM_T_PREFS_FILE, 'utf8').replace(/\n$/, '').split('\n');
}

/** The SpamAssassin rules that fired (the SPAMASSASSIN_RULES finding's evidence). */
export function saRuleNames(findings: { code: string; evidence?: unknown }[]): string[] {
  const ev = findings.find((f) => f.code === 'SPAMASSASSIN_RULES')?.evidence as
    { data?: { rules?: { name: string }[] } } | undefined;
  return (ev?.data?.rules ?? []).map((r) => r.name);
}

export function codes(findings: { code: string }[]): string[] {
  return findings.map((f) => f.code);
}
