import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, MIN_ADMIN_TOKEN_LENGTH } from '../../src/config/config.schema';

/** ADMIN_TOKEN (or the file ADMIN_TOKEN_FILE names) must have at least 32 characters. */
const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const LONG = 'x'.repeat(MIN_ADMIN_TOKEN_LENGTH);

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

describe('ADMIN_TOKEN minimum length', () => {
  it('refuses a token under 32 characters, naming the variable', () => {
    expect(MIN_ADMIN_TOKEN_LENGTH).toBe(32);
    const problems = problemsOf({ ADMIN_TOKEN: LONG.slice(1) });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^ADMIN_TOKEN: must be at least 32 characters \(got 31\)/);
  });

  it('accepts 32 characters, and no token at all (admin API off)', () => {
    expect(problemsOf({ ADMIN_TOKEN: LONG })).toEqual([]);
    expect(loadConfig({ ADMIN_TOKEN: LONG }).adminToken).toBe(LONG);
    expect(loadConfig({}).adminToken).toBeUndefined();
  });

  it('applies to ADMIN_TOKEN_FILE (trimmed content), naming that variable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'admin-token-'));
    const short = join(dir, 'short');
    const good = join(dir, 'good');
    writeFileSync(short, 'admin-token-0123456789\n');
    writeFileSync(good, `${LONG}\n`);
    expect(problemsOf({ ADMIN_TOKEN_FILE: short })[0]).toMatch(
      /^ADMIN_TOKEN_FILE: must be at least 32 characters \(got 22\)/,
    );
    expect(loadConfig({ ADMIN_TOKEN_FILE: good }).adminToken).toBe(LONG);
  });

  it('the server refuses to start with a short token: exit 78 and the variable named', async () => {
    const main = join(ROOT, 'dist', 'src', 'main.js');
    expect(existsSync(main), 'run npm run build first').toBe(true);
    const err = (await run('node', [main], {
      timeout: 30_000,
      env: { ...process.env, ADMIN_TOKEN: 'admin-token-0123456789', DATABASE_URL: 'sqlite::memory:' },
    }).catch((e) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(78);
    expect(err.stderr).toContain('ADMIN_TOKEN: must be at least 32 characters');
    expect(err.stderr).not.toContain('admin-token-0123456789');
  });
});
