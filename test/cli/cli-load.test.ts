import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindsOf } from '../../src/checks/kind-catalog';
import { CLI_KINDS, loadCliKinds } from '../../src/cli/cli-kinds';
import { DIAGNOSTIC_MODULES } from '../../src/diagnostic-modules';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'smtp-doctor.js');

/**
 * What the CLI's in-process commands load (issue 14: start-up in well under a second). Structural,
 * not timed: a preload records every module the process loads (require and import, through
 * module.registerHooks) and the test asserts what is absent, with what must be present as the
 * proof that the recorder sees packages at all. Runs the build (`npm test` builds before vitest).
 */
const RECORDER = `
const { registerHooks } = require('node:module');
const { writeFileSync } = require('node:fs');
const seen = new Set();
registerHooks({ load(url, context, next) { seen.add(url); return next(url, context); } });
process.on('exit', () => writeFileSync(process.env.LOADED_OUT, [...seen].join('\\n')));
`;

/** Heavy parts no in-process command needs: Nest's container, GraphQL, OpenAPI, queues, databases. */
const SERVER_SIDE = [
  '/node_modules/@nestjs/core/',
  '/node_modules/@nestjs/graphql/dist/index.js',
  '/node_modules/@nestjs/swagger/dist/index.js',
  '/node_modules/@nestjs/platform-express/',
  '/node_modules/@apollo/',
  '/node_modules/graphql/',
  '/node_modules/bullmq/',
  '/node_modules/ioredis/',
  '/node_modules/kysely/',
  '/node_modules/better-sqlite3/',
  '/node_modules/pg/',
  '/node_modules/express/',
];

let dir: string;
let dns: FixtureDnsServer;
beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js')), 'run npm run build first').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'cli-load-'));
  writeFileSync(join(dir, 'recorder.cjs'), RECORDER);
  dns = await startDnsServer({ zoneText: readFileSync(join(__dirname, '../fixtures/mx/mx.zone'), 'utf8') });
});
afterAll(async () => {
  await dns?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function loaded(args: string[]): Promise<{ urls: string[]; stdout: string; stderr: string }> {
  const out = join(dir, `loaded-${args[0]}.txt`);
  const r = await run(process.execPath, ['--require', join(dir, 'recorder.cjs'), BIN, ...args], {
    env: { ...process.env, LOADED_OUT: out, DNS_SERVERS: dns.address, DNS_TIMEOUT_MS: '500', LOG_LEVEL: 'silent' },
  });
  return { urls: readFileSync(out, 'utf8').split('\n'), ...r };
}

const hits = (urls: string[], part: string) => urls.filter((u) => u.includes(part));

describe('CLI start-up: a command loads only what it runs', () => {
  it('explain loads the reply knowledge base, no Nest, no kind, no configuration', async () => {
    const { urls, stdout } = await loaded(['explain', '550 5.1.1 user unknown']);
    expect(stdout).toMatch(/^550 5\.1\.1/);
    expect(hits(urls, '/dist/src/kb/reply-kb.js')).toHaveLength(1);
    for (const part of [...SERVER_SIDE, '/node_modules/@nestjs/', '/node_modules/pino/', '/dist/src/mx/', '.kind.js'])
      expect(hits(urls, part), part).toEqual([]);
  });

  it('mx loads the mx kind and its engine, not the other kinds nor the server side', async () => {
    const { urls, stdout } = await loaded(['mx', 'good.test', '--json']);
    expect(JSON.parse(stdout)).toMatchObject({ kind: 'mx', verdict: 'pass' });
    // The recorder sees ESM packages loaded through require (the proof that the absences mean
    // something): the three decorators of @nestjs/common, and the GraphQL model shim.
    expect(hits(urls, '/node_modules/@nestjs/common/decorators/core/injectable.decorator.js')).toHaveLength(1);
    expect(hits(urls, '/node_modules/@nestjs/graphql/dist/extra/graphql-model-shim.js')).toHaveLength(1);
    expect(hits(urls, '/dist/src/mx/mx.engine.js')).toHaveLength(1);
    for (const part of [
      ...SERVER_SIDE,
      '/node_modules/@nestjs/common/index.js',
      '/node_modules/rxjs/',
      '/dist/src/dns/dns.kind.js',
      '/dist/src/dns/dns.engine.js',
      '/dist/src/probe/probe.kind.js',
      '/dist/src/probe/probe.engine.js',
      '/dist/src/content-spam-check/content.kind.js',
      '/dist/src/content-spam-check/content.engine.js',
      '/dist/src/reports/health/health.kind.js',
    ])
      expect(hits(urls, part), part).toEqual([]);
  });

  it('the CLI lists the kinds the app registers, in its order, with the same definitions', async () => {
    const app = kindsOf(DIAGNOSTIC_MODULES).filter((k) => k.cli);
    expect(Object.keys(CLI_KINDS)).toEqual(app.map((k) => k.name));
    const loadedKinds = await loadCliKinds(Object.keys(CLI_KINDS));
    loadedKinds.forEach((k, i) => expect(k).toBe(app[i]));
  });

  it('--help still lists every kind command', async () => {
    const { stdout } = await run(process.execPath, [BIN, '--help']);
    for (const name of Object.keys(CLI_KINDS)) expect(stdout).toMatch(new RegExp(`^ {2}${name} `, 'm'));
    expect(stdout).toMatch(/^ {2}explain /m);
  });
});
