import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ConfigError } from '../../src/config/config-error';
import { connectionRetry } from '../../src/infra/database/database-errors';
import { openDatabase } from '../../src/infra/database/database.factory';
import { readDatabaseSettings } from '../../src/infra/database/database.settings';
import { connectDatabase } from '../../src/infra/database/storage.module';
import { StartupError } from '../../src/infra/startup-error';
import { freePort } from '../support/free-port';

/**
 * The boot-time wait for the database (connectDatabase): a PostgreSQL that answers "too many
 * connections" for a moment (several processes starting together on a loaded server; a CI run
 * lost a process to that kind of passing refusal, exit 69) is tried again until it lets the
 * process in; one that is not there fails after `failFastMs`; errors that no retry can mend fail
 * at once. The busy database is the real server with a role whose CONNECTION LIMIT is held by
 * another session, so the refusal is PostgreSQL's own 53300.
 */
const ADMIN = 'postgres://postgres@127.0.0.1:5432/test';

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: ADMIN });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe('waiting for the database at boot', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('PostgreSQL refusing with 53300 (connection limit reached) is tried again until a slot frees, then migrates', async () => {
    const id = randomBytes(4).toString('hex');
    const role = `sd_limit_${id}`;
    const schema = `t_limit_${id}`;
    await admin(async (c) => {
      await c.query(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 1`);
      await c.query(`GRANT CREATE ON DATABASE test TO ${role}`);
    });
    cleanups.push(() =>
      admin(async (c) => {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.query(`REVOKE ALL ON DATABASE test FROM ${role}`);
        await c.query(`DROP ROLE IF EXISTS ${role}`);
      }),
    );
    const url = `postgres://${role}@127.0.0.1:5432/test?schema=${schema}`;
    // The one slot the role may have, held by another session.
    const holder = new Client({ connectionString: `postgres://${role}@127.0.0.1:5432/test` });
    await holder.connect();
    let holderOpen = true;
    cleanups.push(async () => {
      if (holderOpen) await holder.end();
    });
    // A second session is refused with PostgreSQL's own code (what the service would meet).
    const refused = await new Client({ connectionString: `postgres://${role}@127.0.0.1:5432/test` })
      .connect()
      .catch((e: unknown) => e);
    expect((refused as { code?: string }).code).toBe('53300');
    expect(connectionRetry(refused)).toBe('wait');

    const starting = connectDatabase(
      url,
      { poolMax: 1, statementTimeoutMs: 0, connectTimeoutMs: 10_000 },
      {
        failFastMs: 0,
        timeoutMs: 60_000,
      },
    );
    // Refused while the slot is held (so the start that follows is a retry): neither started nor
    // given up a second later.
    const early = await Promise.race([
      starting.then(
        () => 'started',
        () => 'failed',
      ),
      sleep(1000).then(() => 'waiting'),
    ]);
    expect(early).toBe('waiting');
    await holder.end();
    holderOpen = false;
    const h = await starting;
    cleanups.push(() => h.close());
    // Migrated: the schema has the service's tables.
    const tables = await admin((c) =>
      c.query<{ n: string }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1`, [schema]),
    );
    expect(Number(tables.rows[0]!.n)).toBeGreaterThan(3);
  });

  it('a PostgreSQL that is not there is tried for failFastMs, then reported as unreachable with the number of tries', async () => {
    const port = await freePort(); // nothing listens there
    const err = await connectDatabase(`postgres://postgres@127.0.0.1:${port}/test`, undefined, {
      failFastMs: 3000,
      timeoutMs: 60_000,
    }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toMatch(
      /^Database unreachable \(postgres:\/\/.*\): .*ECONNREFUSED.*; start it .* \(tried ([2-9]|\d\d+) times over [\d.]+ s\)\.$/,
    );
  });

  it('errors no retry can mend fail at the first try: no such database, a SQLite folder under a file', async () => {
    const noDb = await connectDatabase('postgres://postgres@127.0.0.1:5432/no_such_db_smtp_doctor', undefined, {
      failFastMs: 60_000,
      timeoutMs: 60_000,
    }).catch((e: Error) => e);
    expect(noDb).toBeInstanceOf(StartupError);
    expect((noDb as Error).message).toMatch(/does not exist/);
    expect((noDb as Error).message).not.toMatch(/tried/);

    const dir = mkdtempSync(join(tmpdir(), 'smtp-doctor-notdir-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'file'), '');
    const notDir = await connectDatabase(`sqlite:${join(dir, 'file', 'sub', 'x.db')}`, undefined, {
      failFastMs: 60_000,
      timeoutMs: 60_000,
    }).catch((e: Error) => e);
    expect(notDir).toBeInstanceOf(StartupError);
    expect((notDir as Error).message).not.toMatch(/tried/);
  });

  it('DATABASE_CONNECT_TIMEOUT_MS bounds how long a query waits for a connection from a busy pool', async () => {
    expect(readDatabaseSettings({})).toEqual({ poolMax: 10, statementTimeoutMs: 0, connectTimeoutMs: 10_000 });
    expect(() => readDatabaseSettings({ DATABASE_CONNECT_TIMEOUT_MS: '0' })).toThrow(ConfigError);
    expect(() => readDatabaseSettings({ DATABASE_CONNECT_TIMEOUT_MS: 'soon' })).toThrow(/DATABASE_CONNECT_TIMEOUT_MS/);
    const settings = readDatabaseSettings({ DATABASE_POOL_MAX: '1', DATABASE_CONNECT_TIMEOUT_MS: '300' });
    const h = await openDatabase(ADMIN, settings);
    cleanups.push(() => h.close());
    // The pool's one connection opened first (its own connect is bound by the 300 ms too, which a
    // loaded machine may miss once), so the slow statement below reuses it.
    for (let i = 0; ; i++) {
      const ok = await sql`select 1`.execute(h.db).then(
        () => true,
        (e: unknown) => (i < 10 ? false : Promise.reject(e as Error)),
      );
      if (ok) break;
    }
    // The pool's one connection is held by a slow statement; the next query waits 300 ms, then fails
    // with the pool's own message (a connection failure: 503 on the API, a retried job).
    const tag = `held_${randomBytes(4).toString('hex')}`;
    const slow = sql`select pg_sleep(3) as ${sql.id(tag)}`.execute(h.db);
    // Until the server runs it (the pool's one connection taken), however loaded the machine.
    for (const end = Date.now() + 30_000; Date.now() < end;) {
      const running = await admin((c) =>
        c.query(`SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1`, [`%${tag}%`]),
      );
      if (running.rowCount) break;
      await sleep(20);
    }
    const err = await sql`select 1`.execute(h.db).catch((e: Error) => e);
    expect((err as Error).message).toBe('timeout exceeded when trying to connect');
    expect(connectionRetry(err)).toBe('wait');
    await slow;
  });

  it('classifies what a retry can mend', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(connectionRetry(new Error('timeout exceeded when trying to connect'))).toBe('wait');
    expect(connectionRetry(new Error('Connection terminated unexpectedly'))).toBe('wait');
    expect(connectionRetry(err('57P03'))).toBe('wait'); // the database system is starting up
    expect(connectionRetry(err('ECONNRESET'))).toBe('wait');
    expect(connectionRetry(err('ECONNREFUSED'))).toBe('brief');
    expect(connectionRetry(err('ENOTFOUND'))).toBe('brief');
    expect(connectionRetry(new Error('wrapper', { cause: err('53300') }))).toBe('wait');
    expect(connectionRetry(err('28P01'))).toBeUndefined(); // wrong password
    expect(connectionRetry(err('3D000'))).toBeUndefined(); // no such database
    expect(connectionRetry(err('42P07'))).toBeUndefined(); // a migration's table already exists
    expect(connectionRetry(err('SQLITE_CANTOPEN'))).toBeUndefined();
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
