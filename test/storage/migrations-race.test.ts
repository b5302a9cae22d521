import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/infra/database/migrations';
import { spawnService, type ServiceProcess } from '../faults/worker-process';
import { freePort } from '../support/free-port';

/**
 * Replicas started at the same moment on an empty database: before the migration lock, two
 * processes could both see no migration applied and both run CREATE TABLE; the loser exited 69
 * (`duplicate key value violates unique constraint "pg_type_typname_nsp_index"`). Here real
 * `node dist/src/main.js` processes (built by `npm test` before vitest) race on a fresh database
 * each round; every one must come up and each migration must be recorded once.
 */
const ROUNDS = Number(process.env.MIGRATION_RACE_ROUNDS ?? 5);
const PG_ADMIN = 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const NAMES = MIGRATIONS.map((m) => m.name);
const TABLES = ['api_keys', 'batches', 'checks', 'health_reports', 'tenants', 'webhook_deliveries', 'webhooks'];

const running: ServiceProcess[] = [];
const prefixes: string[] = [];

afterEach(async () => {
  await Promise.all(
    running.splice(0).map(async (p) => {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exited;
    }),
  );
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for (const prefix of prefixes.splice(0)) {
      for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 }))
        if ((keys as string[]).length) await redis.del(...(keys as string[]));
    }
  } finally {
    redis.disconnect();
  }
});

/** Spawn every process in one synchronous loop (the same moment), then wait for each to be ready. */
async function raceStart(databaseUrl: string, roles: ('api' | 'worker')[]): Promise<{ role: string; boot: string }[]> {
  const prefix = `migrace-${randomBytes(5).toString('hex')}`;
  prefixes.push(prefix);
  const ports = await Promise.all(roles.map(() => freePort()));
  const procs = roles.map((role, i) => {
    const p = spawnService({
      ROLE: role,
      PORT: String(ports[i]),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      SECRET_KEY: 'cd'.repeat(32),
      API_KEYS: 'tenant-a:key-tenant-a-0123456789',
      SWEEP_INTERVAL_MS: '60000',
    });
    running.push(p);
    return p;
  });
  // Collect every outcome before asserting, so a failure names all processes that failed.
  const outcomes = await Promise.all(
    procs.map(async (p, i) => {
      try {
        await p.waitForLog(roles[i] === 'api' ? /listening on/ : /worker started/, 120_000);
        const ready = await fetch(`http://127.0.0.1:${ports[i]}/readyz`);
        return {
          role: roles[i]!,
          boot: ready.status === 200 ? 'ready' : `readyz ${ready.status}: ${await ready.text()}`,
        };
      } catch (e) {
        return { role: roles[i]!, boot: (e as Error).message };
      }
    }),
  );
  // A graceful stop exits 0: the processes were healthy to the end.
  const exits = await Promise.all(
    procs.map((p) => {
      p.child.kill('SIGTERM');
      return p.exited;
    }),
  );
  return outcomes.map((o, i) =>
    o.boot === 'ready' && exits[i]!.code !== 0 ? { ...o, boot: `exit ${exits[i]!.code ?? exits[i]!.signal}` } : o,
  );
}

describe('migrations when replicas start together on an empty database', () => {
  it(
    `PostgreSQL: 2 api + 2 worker processes, ${ROUNDS} rounds, a fresh database each`,
    async () => {
      const admin = new Client({ connectionString: PG_ADMIN });
      await admin.connect();
      try {
        for (let round = 1; round <= ROUNDS; round++) {
          const name = `mig_race_${randomBytes(5).toString('hex')}`;
          await admin.query(`CREATE DATABASE ${name}`);
          try {
            const boots = await raceStart(`postgres://postgres@127.0.0.1:5432/${name}`, [
              'api',
              'worker',
              'api',
              'worker',
            ]);
            expect({ round, boots }).toEqual({ round, boots: boots.map((b) => ({ role: b.role, boot: 'ready' })) });

            const db = new Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${name}` });
            await db.connect();
            try {
              const recorded = await db.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name');
              expect(recorded.rows.map((r) => r.name)).toEqual(NAMES);
              const tables = await db.query<{ table_name: string }>(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name = ANY($1) ORDER BY table_name",
                [TABLES],
              );
              expect(tables.rows.map((r) => r.table_name)).toEqual(TABLES);
            } finally {
              await db.end();
            }
          } finally {
            await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          }
        }
      } finally {
        await admin.end();
      }
    },
    ROUNDS * 180_000,
  );

  it(
    `SQLite: an api and a worker process on one new file, ${ROUNDS} rounds`,
    async () => {
      for (let round = 1; round <= ROUNDS; round++) {
        const dir = mkdtempSync(join(tmpdir(), 'smtp-doctor-migrace-'));
        try {
          const file = join(dir, 'race.db');
          const boots = await raceStart(`sqlite:${file}`, ['api', 'worker']);
          expect({ round, boots }).toEqual({ round, boots: boots.map((b) => ({ role: b.role, boot: 'ready' })) });
          const db = new BetterSqlite3(file, { readonly: true });
          try {
            expect(
              db
                .prepare('SELECT name FROM kysely_migration ORDER BY name')
                .all()
                .map((r) => (r as { name: string }).name),
            ).toEqual(NAMES);
            const tables = db
              .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
              .all()
              .map((r) => (r as { name: string }).name);
            expect(tables.filter((t) => TABLES.includes(t))).toEqual(TABLES);
          } finally {
            db.close();
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    },
    ROUNDS * 120_000,
  );
});
