import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONTENT_SETTINGS, type ContentSettings } from '../../src/content-spam-check/content.config';
import { analyzeContent, type ContentDeps } from '../../src/content-spam-check/content.engine';
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
export async function analyze(raw: Buffer | string, deps: Partial<ContentDeps> = {}, context?: DeliveryContext) {
  return analyzeContent(Buffer.isBuffer(raw) ? raw : Buffer.from(raw), { settings: settings(), ...deps }, context);
}

export function codes(findings: { code: string }[]): string[] {
  return findings.map((f) => f.code);
}
