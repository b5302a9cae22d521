import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnService, type ServiceProcess } from '../faults/worker-process';
import { freshDatabaseUrl } from '../support/database';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { freePort } from '../support/free-port';

/**
 * The first run of the built service (`node dist/src/main.js`, built by `npm test` before vitest):
 * with no API_KEYS, no ADMIN_TOKEN and an empty database it creates one key, prints it once on
 * stderr with a curl line that works, and never again; production and configured keys create
 * nothing. The checks resolve against a loopback DNS fixture (DNS_SERVERS), never the internet.
 */
const ZONE = `$ORIGIN example.com.
$TTL 300
@   IN SOA ns1.example.com. hostmaster.example.com. 1 3600 600 86400 60
@   IN MX 10 mx.example.com.
mx  IN A 192.0.2.25
`;
/** Variables of the test runner's environment that would change what the service does at start. */
const UNSET = ['API_KEYS', 'API_KEYS_FILE', 'ADMIN_TOKEN', 'ADMIN_TOKEN_FILE', 'NODE_ENV', 'ROLE', 'DATABASE_URL'];
const KEY = /\bsk_[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])/;
const KEYS = new RegExp(KEY.source, 'g');
const CURL_RE =
  /^ {2}curl -s -X POST '(http:\/\/[^']+)' -H 'Authorization: Bearer (sk_[^']+)' -H 'Content-Type: application\/json' -d '([^']+)'$/m;

let dns: FixtureDnsServer;
const dirs: string[] = [];
const running: ServiceProcess[] = [];

beforeAll(async () => {
  dns = await startDnsServer({ zoneText: ZONE });
});
afterAll(async () => {
  await dns?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => stop(p)));
});

function sqliteFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'first-run-'));
  dirs.push(dir);
  return join(dir, 'db.sqlite');
}

async function stop(p: ServiceProcess): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  const { code } = await p.exited;
  expect(code, `exit code; stderr: ${p.stderr().slice(0, 800)}`).toBe(0);
}

/** Start the service and wait until it listens (API) or its workers run (worker). */
async function start(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<{ p: ServiceProcess; url: string }> {
  const port = await freePort();
  const p = spawnService(
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      QUEUE_PREFIX: `first-run-${randomBytes(5).toString('hex')}`,
      DNS_SERVERS: dns.address,
      DNS_TIMEOUT_MS: '500',
      DNS_RETRIES: '0',
      SECRET_KEY: 'ab'.repeat(32),
      ...env,
    },
    UNSET,
  );
  running.push(p);
  await p.waitForLog(env.ROLE === 'worker' ? /worker started/ : /listening on/, 120_000);
  return { p, url: `http://127.0.0.1:${port}` };
}

const keysIn = (text: string) => [...new Set(text.match(KEYS) ?? [])];
const CREATED = /first run: created a tenant and an API key/;
/** Whether the process logged (stdout, before "listening on") that it created the key. */
const created = (p: ServiceProcess) => p.logs.some((l) => CREATED.test(l.msg));

/**
 * The printed text (stderr). The process writes it before it logs "listening on", but stdout and
 * stderr are two pipes the test reads in any order: wait for the text's last line.
 */
async function printedText(p: ServiceProcess): Promise<string> {
  for (let i = 0; i < 100 && !p.stderr().includes('no key is then created at start'); i++)
    await new Promise((r) => setTimeout(r, 50));
  return p.stderr();
}
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function sqliteRows(file: string): { tenants: { id: string }[]; keys: { hash: string; prefix: string }[] } {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return {
      tenants: db.prepare('SELECT id FROM tenants ORDER BY id').all() as { id: string }[],
      keys: db.prepare('SELECT hash, prefix FROM api_keys').all() as { hash: string; prefix: string }[],
    };
  } finally {
    db.close();
  }
}

describe('first run: a key printed once, on a fresh database with no keys configured', () => {
  it('creates one key, prints it with a working curl line, and a restart prints nothing and keeps it', async () => {
    const file = sqliteFile();
    const first = await start(`sqlite:${file}`);
    expect(created(first.p)).toBe(true);
    const err = await printedText(first.p);
    const printed = keysIn(err);
    expect(printed).toHaveLength(1);
    const key = printed[0]!;
    expect(err).toContain(`Console: ${first.url}/`);
    // The key is on stderr only: the JSON logs on stdout never hold it.
    expect(JSON.stringify(first.p.logs)).not.toContain(key);

    // The printed curl line, replayed as written: its URL, its header and its body.
    const curl = CURL_RE.exec(err);
    expect(curl, err).not.toBeNull();
    const [, submitUrl, bearer, body] = curl!;
    expect(bearer).toBe(key);
    expect(submitUrl).toBe(`${first.url}/v1/checks?wait=10`);
    const done = await fetch(submitUrl!, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
      body,
    });
    expect(done.status).toBe(200);
    const check = (await done.json()) as { id: string; kind: string; status: string; verdict: string };
    expect(check).toMatchObject({ kind: 'mx', status: 'completed', verdict: 'pass' });

    const auth = { Authorization: `Bearer ${key}` };
    const queued = await fetch(`${first.url}/v1/checks`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'mx', domain: 'example.com' }),
    });
    expect(queued.status).toBe(202);
    expect((await fetch(`${first.url}/v1/checks/${check.id}`, { headers: auth })).status).toBe(200);

    // Stored as its hash only.
    const rows = sqliteRows(file);
    expect(rows.tenants).toEqual([{ id: 'local' }]);
    expect(rows.keys).toEqual([{ hash: sha256(key), prefix: key.slice(0, 10) }]);
    await stop(first.p);
    running.splice(running.indexOf(first.p), 1);

    const again = await start(`sqlite:${file}`);
    expect(created(again.p)).toBe(false);
    expect(again.p.stderr()).not.toMatch(KEY);
    expect((await fetch(`${again.url}/v1/checks/${check.id}`, { headers: auth })).status).toBe(200);
    expect(sqliteRows(file).keys).toHaveLength(1);
  }, 240_000);

  it('NODE_ENV=production creates nothing: every call is 401', async () => {
    const file = sqliteFile();
    const { p, url } = await start(`sqlite:${file}`, { NODE_ENV: 'production' });
    expect(created(p)).toBe(false);
    expect(p.stderr()).not.toMatch(KEY);
    const r = await fetch(`${url}/v1/checks`);
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(sqliteRows(file)).toEqual({ tenants: [], keys: [] });
  }, 120_000);

  it('API_KEYS set creates no key; the static key works', async () => {
    const file = sqliteFile();
    const { p, url } = await start(`sqlite:${file}`, { API_KEYS: 'acme:static-key-0123456789' });
    expect(created(p)).toBe(false);
    expect(p.stderr()).not.toMatch(KEY);
    expect(
      (await fetch(`${url}/v1/checks`, { headers: { Authorization: 'Bearer static-key-0123456789' } })).status,
    ).toBe(200);
    expect(sqliteRows(file)).toEqual({ tenants: [{ id: 'acme' }], keys: [] });
  }, 120_000);

  it('a database that already has a tenant gets no key', async () => {
    const file = sqliteFile();
    // First start with a static key: the tenant `acme` is stored.
    const seeded = await start(`sqlite:${file}`, { API_KEYS: 'acme:static-key-0123456789' });
    await stop(seeded.p);
    running.splice(running.indexOf(seeded.p), 1);
    const { p, url } = await start(`sqlite:${file}`);
    expect(created(p)).toBe(false);
    expect(p.stderr()).not.toMatch(KEY);
    expect((await fetch(`${url}/v1/checks`)).status).toBe(401);
    expect(sqliteRows(file)).toEqual({ tenants: [{ id: 'acme' }], keys: [] });
  }, 180_000);

  it('SQLite: an api and a worker process started together on one new file: one key, printed by the api', async () => {
    const file = sqliteFile();
    const [api, worker] = await Promise.all([
      start(`sqlite:${file}`, { ROLE: 'api' }),
      start(`sqlite:${file}`, { ROLE: 'worker' }),
    ]);
    expect(created(api.p)).toBe(true);
    expect(created(worker.p)).toBe(false);
    const printed = keysIn(await printedText(api.p));
    expect(printed).toHaveLength(1);
    expect(worker.p.stderr()).not.toMatch(KEY);
    expect(sqliteRows(file).keys).toEqual([{ hash: sha256(printed[0]!), prefix: printed[0]!.slice(0, 10) }]);
  }, 180_000);

  it('PostgreSQL: two api processes and a worker started together on a new schema: exactly one key, printed once', async () => {
    const db = freshDatabaseUrl('postgres');
    let failure: Error | undefined;
    try {
      const procs = await Promise.all([
        start(db.url, { ROLE: 'api' }),
        start(db.url, { ROLE: 'api' }),
        start(db.url, { ROLE: 'worker' }),
      ]);
      expect(procs.map(({ p }) => created(p)).filter(Boolean)).toHaveLength(1);
      expect(created(procs[2]!.p)).toBe(false);
      const creator = procs.find(({ p }) => created(p))!;
      const other = procs.find(({ p }, i) => i < 2 && !created(p))!;
      const printed = keysIn(await printedText(creator.p));
      expect(printed).toHaveLength(1);
      expect(procs.flatMap(({ p }) => keysIn(p.stderr()))).toEqual(printed);
      const schema = new URL(db.url).searchParams.get('schema')!;
      const c = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
      await c.connect();
      try {
        const keys = await c.query<{ hash: string; tenant_id: string }>(
          `SELECT hash, tenant_id FROM ${schema}.api_keys`,
        );
        expect(keys.rows).toEqual([{ hash: sha256(printed[0]!), tenant_id: 'local' }]);
      } finally {
        await c.end();
      }
      // The key works on the other API process too.
      expect(
        (await fetch(`${other.url}/v1/checks`, { headers: { Authorization: `Bearer ${printed[0]}` } })).status,
      ).toBe(200);
    } catch (e) {
      failure = e as Error;
    }
    // Stopped here, before the schema is dropped. When the test itself failed (a process that
    // exited at start: its waitForLog error names why), that error is the one reported.
    const stopped = await Promise.allSettled(running.splice(0).map((p) => stop(p)));
    await db.cleanup();
    if (failure) throw failure;
    const failed = stopped.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason as Error;
  }, 240_000);
});
