import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainCommand } from '../../src/reports/api/explain.cli';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'smtp-doctor.js');
const ZONE = readFileSync(join(__dirname, '../fixtures/mx/mx.zone'), 'utf8');

// The CLI runs from the build (`npm test` builds before running vitest).
describe('CLI: smtp-doctor explain and health (built code)', () => {
  let dns: FixtureDnsServer;
  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js')))
      await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT }).catch(() => undefined);
    dns = await startDnsServer({ zoneText: ZONE });
  });
  afterAll(async () => dns?.stop());

  it('explain prints the explanation (and --json the API object, same code path)', async () => {
    const reply = '550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown in virtual mailbox table';
    const { stdout } = await run('node', [BIN, 'explain', reply]);
    expect(stdout).toMatch(/^550 5\.1\.1 /);
    expect(stdout).toContain('category: recipient_unknown');
    expect(stdout).toContain('What to do:');
    const json = JSON.parse(explainCommand(['421', '4.7.0', 'Try again later'], { json: true }));
    expect(json).toMatchObject({ code: 421, enhancedStatus: '4.7.0', class: 'transient', retryable: true });
  });

  it('health <domain> runs the same children in-process and prints the graded report', async () => {
    const env = {
      ...process.env,
      DNS_SERVERS: dns.address,
      DNS_TIMEOUT_MS: '500',
      LOG_LEVEL: 'silent',
      PROBE_ALLOWED_CIDRS: '127.0.0.0/8',
    };
    const out = await run('node', [BIN, 'health', 'good.test', '--json'], { env }).catch((e: { stdout: string }) => e);
    const check = JSON.parse(out.stdout);
    expect(check).toMatchObject({ kind: 'health', target: 'good.test', status: 'completed' });
    expect(check.result).toMatchObject({ formula: 'health-v2', domain: 'good.test' });
    expect(['A', 'B', 'C', 'D', 'F']).toContain(check.result.grade);
    expect(check.result.areas).toHaveLength(5);
  });
});
