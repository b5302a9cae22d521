import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { freePort } from '../support/redis-server';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'smtp-doctor.js');
const ZONE = readFileSync(join(__dirname, '../fixtures/mx/mx.zone'), 'utf8');

// The CLI and the server run from the build (`npm test` builds before running vitest).
describe('CLI and process start-up (built code)', () => {
  let dns: FixtureDnsServer;
  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js')))
      await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT }).catch(() => undefined);
    dns = await startDnsServer({ zoneText: ZONE });
  });
  afterAll(async () => dns?.stop());

  const env = () => ({ ...process.env, DNS_SERVERS: dns.address, DNS_TIMEOUT_MS: '500', LOG_LEVEL: 'silent' });

  it("smtp-doctor mx <domain> --json prints the API's check object", async () => {
    const { stdout } = await run('node', [BIN, 'mx', 'good.test', '--json'], { env: env() });
    const check = JSON.parse(stdout);
    expect(check).toMatchObject({
      kind: 'mx',
      target: 'good.test',
      status: 'completed',
      verdict: 'pass',
      input: { domain: 'good.test' },
    });
    expect(check.result.hosts).toHaveLength(2);
  });

  it('prints a readable report by severity with remediation, exit 1 on fail', async () => {
    const err = await run('node', [BIN, 'mx', 'dangling.test'], { env: env() }).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect((err as { code: number }).code).toBe(1);
    const out = (err as { stdout: string }).stdout;
    expect(out).toMatch(/mx dangling\.test: FAIL/);
    // Its only MX has no address: the root cause, under its own heading first, with the per-host
    // finding folded under it (and not listed again under its severity).
    expect(out).toMatch(/^ROOT CAUSE\n {2}!!.*\[MX_ALL_UNREACHABLE\]$/m);
    expect(out).not.toMatch(/CRITICAL \(1\)/);
    expect(out).toMatch(/Folded\s+under\s+this\s+cause[\s\S]*MX_TARGET_UNRESOLVABLE/);
    expect(out).toMatch(/Fix: Add an address record for mx\.dangling\.test/);
  });

  it('rejects bad input with the field named, exit 2', async () => {
    const err = (await run('node', [BIN, 'mx', 'not a domain'], { env: env() }).catch((e) => e)) as {
      code: number;
      stderr: string;
    };
    expect(err.code).toBe(2);
    expect(err.stderr).toMatch(/domain: domain must be a valid domain name/);
  });

  it('batch FILE runs every line in-process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-batch-'));
    const file = join(dir, 'domains.txt');
    writeFileSync(file, '# targets\ngood.test\nnullmx.test\n{"kind":"mx","domain":"implicit.test"}\n');
    // nullmx.test fails (a null MX: mail cannot be delivered), so the batch exits 1.
    const err = (await run('node', [BIN, 'batch', file, '--json'], { env: env() }).catch((e) => e)) as {
      code: number;
      stdout: string;
      stderr: string;
    };
    expect(err.code).toBe(1);
    const { stdout, stderr } = err;
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((c: { target: string }) => c.target).sort()).toEqual([
      'good.test',
      'implicit.test',
      'nullmx.test',
    ]);
    expect(stderr).toMatch(/3 checks: /);
    for (const part of ['1 fail', '1 warn', '1 pass']) expect(stderr).toContain(part);
  });

  it('a bad variable stops the server with a message naming it', async () => {
    const err = (await run('node', [join(ROOT, 'dist', 'src', 'main.js')], {
      env: { ...process.env, ROLE: 'both', PORT: 'x', DNS_SERVERS: 'nope' },
    }).catch((e) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(78);
    expect(err.stderr).toContain('ROLE: "both"');
    expect(err.stderr).toContain('PORT: "x"');
    expect(err.stderr).toContain('DNS_SERVERS: "nope"');
    // Module settings are validated at boot too, not at the first check that reads them.
    const mod = (await run('node', [join(ROOT, 'dist', 'src', 'main.js')], {
      env: { ...process.env, PROBE_CONNECT_TIMEOUT_MS: '-5', CONTENT_SPAM_THRESHOLD: 'x' },
    }).catch((e) => e)) as { code: number; stderr: string };
    expect(mod.code).toBe(78);
    expect(mod.stderr).toContain('PROBE_CONNECT_TIMEOUT_MS');
    expect(mod.stderr).toContain('CONTENT_SPAM_THRESHOLD');
  });

  it('an unreachable Redis stops the server with one clear line', async () => {
    const port = await freePort();
    const err = (await run('node', [join(ROOT, 'dist', 'src', 'main.js')], {
      env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${port}`, DATABASE_URL: 'sqlite::memory:' },
    }).catch((e) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(69);
    expect(err.stderr.trim().split('\n')).toHaveLength(1);
    expect(err.stderr).toMatch(/Redis unreachable at redis:\/\/127\.0\.0\.1:\d+: .*start it/);
  });

  it('the server starts, answers /readyz, and exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'srv-'));
    const child = spawn('node', [join(ROOT, 'dist', 'src', 'main.js')], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
        QUEUE_PREFIX: `cli-${port}`,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      let ok = false;
      for (let i = 0; i < 100 && !ok; i++) {
        await new Promise((r) => setTimeout(r, 200));
        ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.status === 200,
          () => false,
        );
      }
      expect(ok).toBe(true);
      // Logs are JSON lines.
      expect(JSON.parse(out.split('\n')[0]!)).toHaveProperty('level');
    } finally {
      const code = await new Promise<number | null>((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
      expect(code).toBe(0);
    }
  });

  it('ROLE=worker serves /healthz, /readyz and /metrics only', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'wrk-'));
    const child = spawn('node', [join(ROOT, 'dist', 'src', 'main.js')], {
      env: {
        ...process.env,
        ROLE: 'worker',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
        QUEUE_PREFIX: `wrk-${port}`,
        LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    });
    try {
      let ready = 0;
      for (let i = 0; i < 100 && ready !== 200; i++) {
        await new Promise((r) => setTimeout(r, 200));
        ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.status,
          () => 0,
        );
      }
      expect(ready).toBe(200);
      expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain('smtp_doctor_checks_total');
      expect((await fetch(`http://127.0.0.1:${port}/v1/checks`)).status).toBe(404);
    } finally {
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
    }
  });
});
