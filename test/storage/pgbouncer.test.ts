import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnService, type ServiceProcess } from '../faults/worker-process';
import { auth, TENANT_A_KEY, until } from '../support/app';
import { freshDatabaseUrl } from '../support/database';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { freePort } from '../support/free-port';
import { isCi, requirePeer } from '../support/peers';
import { startPgBouncer, type PgBouncer } from '../support/pgbouncer';

const ZONE = readFileSync(join(__dirname, '../fixtures/mx/mx.zone'), 'utf8');
const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');
const SECRET_KEY = 'cd'.repeat(32);
const POOL = 3;
const N = 300;

/**
 * The service behind a real PgBouncer (Debian's package, started privately by
 * test/support/pgbouncer.ts) in transaction mode, in front of the shared PostgreSQL, in a fresh
 * schema named by `?schema=`. PgBouncer's server pool (3) is smaller than the clients' (three
 * processes x DATABASE_POOL_MAX=5), so one client's consecutive transactions reach different
 * server sessions: anything that leaned on a session (search_path, a prepared statement, a
 * session lock) would break here. Real `node dist/src/main.js` processes (built by `npm test`
 * before vitest): one API and two workers started together on the empty schema (migrations through
 * PgBouncer, racing), a batch through the API and the workers, listings with cursors, a monitor's
 * scheduled runs (the slot claim); and the one start-up parameter PgBouncer refuses
 * (DATABASE_STATEMENT_TIMEOUT_MS) stops the process with what to do instead.
 */
describe.skipIf(!requirePeer('pgbouncer') || (!existsSync(MAIN) && !isCi()))(
  'the service behind PgBouncer in transaction mode',
  () => {
    let pgb: PgBouncer;
    let dns: FixtureDnsServer;
    const db = freshDatabaseUrl('postgres');
    const schema = new URL(db.url).searchParams.get('schema')!;
    const procs: ServiceProcess[] = [];
    let url: string;
    let workerUrl: string;

    const env = (port: number): Record<string, string> => ({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `${pgb.url}?schema=${schema}`,
      DATABASE_POOL_MAX: '5',
      QUEUE_PREFIX: `pgb-${schema}`,
      DNS_SERVERS: dns.address,
      DNS_RETRIES: '0',
      SECRET_KEY,
      API_KEYS: `tenant-a:${TENANT_A_KEY}`,
      RATE_LIMIT_RPM: '0',
      WORKER_CONCURRENCY: '20',
      MONITOR_MIN_INTERVAL_S: '1',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
    });
    const direct = async <T>(text: string, values: unknown[] = []): Promise<T[]> => {
      const c = new PgClient({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
      await c.connect();
      try {
        return (await c.query(text, values)).rows as T[];
      } finally {
        await c.end();
      }
    };
    /** Every page of a cursor listing, in order. */
    const allPages = async (path: string, limit: number) => {
      const items: { id: string; status: string; createdAt: string }[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 1000; i++) {
        const r = await request(url)
          .get(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
          .set(auth(TENANT_A_KEY));
        expect(r.status).toBe(200);
        items.push(...(r.body.items as typeof items));
        cursor = r.body.nextCursor as string | undefined;
        if (!cursor) break;
      }
      return items;
    };

    beforeAll(async () => {
      pgb = await startPgBouncer({ poolSize: POOL });
      dns = await startDnsServer({ zoneText: ZONE });
      // One API and two workers at the same moment, on a schema that does not exist yet.
      const ports = await Promise.all([freePort(), freePort(), freePort()]);
      const roles = ['api', 'worker', 'worker'] as const;
      procs.push(...roles.map((role, i) => spawnService({ ...env(ports[i]!), ROLE: role })));
      url = `http://127.0.0.1:${ports[0]}`;
      workerUrl = `http://127.0.0.1:${ports[1]}`;
      await Promise.all(
        procs.map((p, i) =>
          p.waitForLog(i === 0 ? /listening on/ : /worker started/, 240_000).catch((e: unknown) => {
            console.log(JSON.stringify(p.logs.slice(-8)), pgb.log().slice(-2000));
            throw e;
          }),
        ),
      );
    }, 300_000);

    afterAll(async () => {
      await Promise.all(
        procs.map(async (p) => {
          if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
          await p.exited;
        }),
      );
      await pgb?.stop();
      await dns?.stop();
      await db.cleanup();
    });

    it('migrates once through PgBouncer, into the schema of ?schema= only', async () => {
      const applied = await direct<{ name: string }>(`select name from ${schema}.kysely_migration order by name`);
      expect(applied.length).toBeGreaterThan(0);
      expect(new Set(applied.map((r) => r.name)).size).toBe(applied.length);
      const tables = await direct<{ table_name: string }>(
        `select table_name from information_schema.tables where table_schema = $1`,
        [schema],
      );
      expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['checks', 'batches', 'monitors']));
    });

    it(`a batch of ${N} checks runs through the API and two workers; the listings page through it`, async () => {
      const before = await pgb.stats();
      const batch = await request(url)
        .post('/v1/batches')
        .set(auth(TENANT_A_KEY))
        .send({
          checks: Array.from({ length: N }, (_, i) => ({ kind: 'mx', domain: i % 2 ? 'good.test' : 'nullmx.test' })),
        });
      expect(batch.status).toBe(202);
      const id = batch.body.id as string;
      const done = await until(
        async () => {
          const r = await request(url).get(`/v1/batches/${id}`).set(auth(TENANT_A_KEY));
          return r.body.status === 'completed' ? r.body : undefined;
        },
        240_000,
        300,
      );
      expect(done).toMatchObject({ total: N, completed: N });

      // Batch items and the checks list, page by page on their cursors: each check once, finished.
      const items = await allPages(`/v1/batches/${id}/checks`, 70);
      expect(items).toHaveLength(N);
      expect(new Set(items.map((c) => c.id)).size).toBe(N);
      expect(items.every((c) => c.status === 'completed')).toBe(true);
      const listed = await allPages('/v1/checks?kind=mx', 100);
      expect(listed.map((c) => c.id)).toEqual(expect.arrayContaining(items.map((c) => c.id)));
      expect((await request(url).get('/v1/domains/good.test/history').set(auth(TENANT_A_KEY))).status).toBe(200);

      // It all went through PgBouncer, on no more than its pool of server connections.
      const after = await pgb.stats();
      expect(after.xacts - before.xacts).toBeGreaterThan(N);
      const pools = await pgb.pools();
      expect(pools.sv_active + pools.sv_idle + pools.sv_used).toBeLessThanOrEqual(POOL);
      const stored = await direct<{ n: string }>(
        `select count(*) n from ${schema}.checks where batch_id = $1 and result is not null`,
        [id],
      );
      expect(stored[0]!.n).toBe(String(N));

      // The worker's own /metrics has every queue's counts too (a worker-only deployment feeds KEDA/HPA).
      const m = await request(workerUrl).get('/metrics');
      expect(m.status).toBe(200);
      for (const queue of ['dns', 'probe', 'content', 'reports', 'webhooks', 'health-report'])
        for (const state of ['waiting', 'active', 'delayed', 'failed'])
          expect(m.text).toMatch(
            new RegExp(`^smtp_doctor_queue_jobs\\{queue="${queue}",state="${state}"\\} \\d+$`, 'm'),
          );
      expect(m.text).toMatch(/^smtp_doctor_checks_total\{kind="mx",outcome="[a-z_]+"\} [1-9]\d*$/m);
    }, 300_000);

    it("a monitor's scheduled runs are claimed once per slot by the two workers, and listed", async () => {
      const created = await request(url)
        .post('/v1/monitors')
        .set(auth(TENANT_A_KEY))
        .send({ target: 'good.test', kinds: ['mx'], intervalSeconds: 2 });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const runs = async () => (await allPages(`/v1/monitors/${id}/checks`, 50)).reverse();
      await until(async () => (await runs()).length >= 4, 60_000, 300);
      const stored = await direct<{ last_slot: string | null }>(
        `select last_slot from ${schema}.monitors where id = $1`,
        [id],
      );
      expect(stored[0]!.last_slot).not.toBeNull();
      // One run per slot: every run's check was created at least most of an interval after the previous one.
      const times = (await runs()).map((c) => Date.parse(c.createdAt));
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(1200);
      const alerts = await request(url).get(`/v1/monitors/${id}/alerts`).set(auth(TENANT_A_KEY));
      expect(alerts.status).toBe(200);
      expect((await request(url).delete(`/v1/monitors/${id}`).set(auth(TENANT_A_KEY))).status).toBe(204);
    }, 120_000);

    it('DATABASE_STATEMENT_TIMEOUT_MS, a start-up parameter PgBouncer refuses, stops the process with what to do instead', async () => {
      const child = spawn(process.execPath, [MAIN], {
        env: { ...process.env, ...env(await freePort()), ROLE: 'api', DATABASE_STATEMENT_TIMEOUT_MS: '5000' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      expect(code).toBe(69);
      expect(stderr).toMatch(/unsupported startup parameter: statement_timeout/);
      expect(stderr).toMatch(/DATABASE_STATEMENT_TIMEOUT_MS=0.*ALTER ROLE/);
      expect(stderr).not.toMatch(/postgres:\/\/postgres@/);
    }, 120_000);
  },
);
