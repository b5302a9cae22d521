import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_FINDINGS } from '../../src/content-spam-check/rules/rule.registry';
import { startContentDns } from './dns-fixture';
import { analyze, CONTENT_FIXTURES, codes, settings } from './helpers';

/**
 * Every finding code has a fixture message named after it (`CODE.eml`, variants `CODE.x.eml`),
 * served with the fixture DNS zone; the test asserts that the code fires. This is also each rule's
 * test. SPAM_ENGINE_UNAVAILABLE needs a dead engine rather than a message: see spamd.test.ts.
 */
const NOT_MESSAGE_DRIVEN = new Set(['SPAM_ENGINE_UNAVAILABLE']);

let env: Awaited<ReturnType<typeof startContentDns>>;
beforeAll(async () => {
  env = await startContentDns();
});
afterAll(async () => {
  await env.server.stop();
});

function sidecar(code: string): { context?: Record<string, string>; settings?: Record<string, number> } {
  const p = join(CONTENT_FIXTURES, `${code}.json`);
  return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : {};
}

async function run(file: string) {
  const code = file.split('.')[0]!;
  const side = sidecar(code);
  return analyze(
    readFileSync(join(CONTENT_FIXTURES, file)),
    { ...env.deps, settings: settings(side.settings) },
    side.context,
  );
}

const files = readdirSync(CONTENT_FIXTURES).filter((f) => f.endsWith('.eml'));

describe('every finding code has a fixture that triggers it', () => {
  const catalog = CONTENT_FINDINGS.map((d) => d.code).filter((c) => !NOT_MESSAGE_DRIVEN.has(c));
  it('has a fixture file for each code', () => {
    const missing = catalog.filter((c) => !files.includes(`${c}.eml`));
    expect(missing).toEqual([]);
  });
  for (const file of files.filter((f) => f !== 'CLEAN.eml')) {
    const code = file.split('.')[0]!;
    it(`${file} fires ${code}`, async () => {
      const { findings, result } = await run(file);
      expect(codes(findings), JSON.stringify(result.rules)).toContain(code);
      const fired = result.rules.find((r) => r.code === code);
      if (fired) expect(Number.isFinite(fired.points)).toBe(true);
    });
  }
});

describe('a clean, authenticated-looking message', () => {
  it('passes with no structural, text or attachment findings', async () => {
    const { result, verdict } = await run('CLEAN.eml');
    const bad = result.rules.filter((r) => !['authentication', 'bulk'].includes(r.area) && r.points > 0);
    expect(bad).toEqual([]);
    expect(verdict).not.toBe('fail');
    expect(result.isSpam).toBe(false);
  });
});
