import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { isConnectionFailure } from '../../src/infra/database/database-errors';
import { openDatabase, type DatabaseHandle } from '../../src/infra/database/database.factory';
import type { Database } from '../../src/infra/database/database.types';
import { migrate, MIGRATIONS } from '../../src/infra/database/migrations';
import { connectDatabase } from '../../src/infra/database/storage.module';
import { StartupError } from '../../src/infra/startup-error';
import { freshDatabaseUrl } from '../support/database';

const NAMES = MIGRATIONS.map((m) => m.name);

/**
 * The runner before Kysely's Migrator, verbatim (src/infra/database/migrations.ts before the
 * migration lock): it recorded applied names in schema_migrations. Databases it migrated must
 * keep working without anything being re-applied.
 */
async function legacyMigrate(db: Kysely<Database>, upTo = MIGRATIONS.length): Promise<string[]> {
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('name', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('applied_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  const done = new Set((await db.selectFrom('schema_migrations').select('name').execute()).map((r) => r.name));
  const applied: string[] = [];
  for (const m of MIGRATIONS.slice(0, upTo)) {
    if (done.has(m.name)) continue;
    await db.transaction().execute(async (trx) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a verbatim copy of the old runner, untyped like it
      await m.up(trx as unknown as Kysely<any>);
      await trx
        .insertInto('schema_migrations')
        .values({ name: m.name, applied_at: new Date().toISOString() })
        .execute();
    });
    applied.push(m.name);
  }
  return applied;
}

/** A table of the handle's schema, for raw SQL (the plugin that names the schema skips raw SQL). */
const table = (h: DatabaseHandle, name: string) => sql.table(h.schema ? `${h.schema}.${name}` : name);

const recorded = async (h: DatabaseHandle) =>
  (
    await sql<{
      name: string;
      timestamp: string;
    }>`select name, timestamp from ${table(h, 'kysely_migration')} order by name`.execute(h.db)
  ).rows;

describe.each(['sqlite', 'postgres'] as const)('migrations on %s', (dialect) => {
  const open: DatabaseHandle[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
    for (const c of cleanups.splice(0)) await c();
  });
  const fresh = () => {
    const d = freshDatabaseUrl(dialect);
    cleanups.push(() => d.cleanup());
    return d.url;
  };
  const handle = async (url: string) => {
    const h = await openDatabase(url);
    open.push(h);
    return h;
  };
  // The schema of ?schema= is created by the first migrate(); some tests write to it before, as
  // an older runner or a stray table would have.
  const handleWithSchema = async (url: string) => {
    const h = await handle(url);
    if (h.schema) await sql`create schema ${sql.id(h.schema)}`.execute(h.db);
    return h;
  };

  it('applies every migration once, records it in kysely_migration, and is a no-op the second time', async () => {
    const h = await handle(fresh());
    expect(await migrate(h.db, h.schema)).toEqual(NAMES);
    expect(await migrate(h.db, h.schema)).toEqual([]);
    expect((await recorded(h)).map((r) => r.name)).toEqual(NAMES);
  });

  // better-sqlite3 is synchronous: a second connection in the same process would block the event
  // loop in busy_timeout while the first cannot finish. SQLite's concurrency is tested with real
  // processes (migrations-race.test.ts); here replicas are simulated on PostgreSQL only.
  const replicas = dialect === 'postgres' ? 3 : 1;

  it.runIf(dialect === 'postgres')(
    'four connection pools migrating one empty database at once: each migration applied by exactly one',
    async () => {
      const url = fresh();
      const handles = await Promise.all([1, 2, 3, 4].map(() => handle(url)));
      const applied = await Promise.all(handles.map((h) => migrate(h.db, h.schema)));
      expect(applied.flat().sort()).toEqual(NAMES);
      expect((await recorded(handles[0]!)).map((r) => r.name)).toEqual(NAMES);
    },
  );

  it('a database migrated by the old runner is adopted: nothing re-applied, data kept, old timestamps kept', async () => {
    const url = fresh();
    const old = await handleWithSchema(url);
    expect(await legacyMigrate(old.db)).toEqual(NAMES);
    await old.db
      .insertInto('tenants')
      .values({
        id: 'kept',
        name: 'kept',
        created_at: '2024-01-01T00:00:00.000Z',
        allowed_kinds: null,
        cors_origins: null,
      })
      .execute();
    const legacy = await old.db
      .selectFrom('schema_migrations')
      .select(['name', 'applied_at'])
      .orderBy('name')
      .execute();

    const handles = await Promise.all(Array.from({ length: replicas }, () => handle(url)));
    expect((await Promise.all(handles.map((h) => migrate(h.db, h.schema)))).flat()).toEqual([]);
    expect(await recorded(old)).toEqual(legacy.map((r) => ({ name: r.name, timestamp: r.applied_at })));
    expect(await old.db.selectFrom('tenants').select('id').execute()).toEqual([{ id: 'kept' }]);
  });

  it('a database the old runner left part-way gets only the missing migrations, once (PostgreSQL: with replicas racing)', async () => {
    const url = fresh();
    const old = await handleWithSchema(url);
    expect(await legacyMigrate(old.db, 1)).toEqual([NAMES[0]]);
    const handles = await Promise.all(Array.from({ length: replicas }, () => handle(url)));
    const applied = await Promise.all(handles.map((h) => migrate(h.db, h.schema)));
    expect(applied.flat()).toEqual(NAMES.slice(1));
    expect((await recorded(old)).map((r) => r.name)).toEqual(NAMES);
  });

  it('a migration that fails is named, rolled back, and reported at start-up as a migration failure, not as an unreachable database', async () => {
    const url = fresh();
    const h = await handleWithSchema(url);
    // Someone else's table in the way of 0001_core.
    await h.db.schema.createTable('checks').addColumn('x', 'integer').execute();
    const err = await migrate(h.db, h.schema).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^migration 0001_core: .*checks.* already exists/);
    expect(isConnectionFailure(err)).toBe(false);
    // All or nothing: 0001_core's first tables were rolled back with it.
    expect(
      await sql`select 1 from ${table(h, 'tenants')}`.execute(h.db).then(
        () => 'exists',
        () => 'absent',
      ),
    ).toBe('absent');

    const started = await connectDatabase(url).catch((e: Error) => e);
    expect(started).toBeInstanceOf(StartupError);
    expect((started as Error).message).toMatch(
      /^Database migration failed \((sqlite|postgres):.*\): migration 0001_core: .*already exists\.$/,
    );
    expect((started as Error).message).not.toMatch(/start it|writable/);
  });
});

describe('start-up errors that are connection failures keep the "unreachable" advice', () => {
  it('PostgreSQL: a database that does not exist', async () => {
    const err = await connectDatabase('postgres://postgres@127.0.0.1:5432/no_such_db_smtp_doctor').catch(
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toMatch(
      /^Database unreachable \(postgres:\/\/.*\): database "no_such_db_smtp_doctor" does not exist; start it/,
    );
  });

  it('SQLite: a file that cannot be created (its folder would be under a plain file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smtp-doctor-notdir-'));
    writeFileSync(join(dir, 'file'), '');
    const err = await connectDatabase(`sqlite:${join(dir, 'file', 'sub', 'x.db')}`).catch((e: Error) => e);
    rmSync(dir, { recursive: true, force: true });
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toMatch(
      /^Database unreachable \(sqlite:.*\): .*; check that the folder of DATABASE_URL is writable\.$/,
    );
  });
});
