import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type { Database } from './database.types';
import type { DatabaseSettings } from './database.settings';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /**
   * PostgreSQL: DATABASE_URL's `?schema=`, which every query of `db` names (undefined: the
   * role's search_path decides, `public` by default). Migrations need it (see migrate()).
   */
  schema?: string;
  /** Human description without credentials, for logs and error lines. */
  describe: string;
  close(): Promise<void>;
}

/**
 * Kysely's SQLite driver prepares every statement it runs, and compiling SQL is a large part of a
 * small statement's cost (profiled: about a third of the SQLite time of a check). The queries are
 * a fixed set of shapes (parameters are bound, never inlined), so the compiled statements are kept,
 * by SQL text, in a bounded map (oldest out first). A statement still busy (an open iterator of a
 * streamed query) is not shared: a fresh one is prepared for that call.
 */
export function cachingStatements(sqlite: BetterSqlite3.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteStatement & BetterSqlite3.Statement {
      const hit = cache.get(sql);
      if (hit && !hit.busy) return hit;
      const stmt = sqlite.prepare(sql);
      if (!hit) {
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

/**
 * Open the database named by DATABASE_URL:
 *   sqlite:./data/smtp-doctor.db  | sqlite::memory:
 *   postgres://user@host:5432/db?schema=name   (schema: optional, created by the first migration
 *   if missing; handy for tests and for several instances sharing one database)
 * On PostgreSQL the pool holds at most `poolMax` connections, and nothing depends on a session,
 * so the pool works unchanged behind PgBouncer in transaction mode (no `pgbouncer=true` switch
 * as Prisma has: there is nothing to switch off):
 * - `?schema=` is not a `search_path`: every query names its tables with the schema (Kysely's
 *   `withSchema`, the way Prisma's `?schema=` works), so no start-up parameter or `SET` is needed;
 * - queries are unnamed (node-postgres' default: no server-side prepared statements);
 * - migrations lock with a transaction-scoped advisory lock (src/infra/database/migrations.ts).
 * The one start-up parameter left is `statement_timeout` when DATABASE_STATEMENT_TIMEOUT_MS > 0,
 * which PgBouncer refuses (`unsupported startup parameter`): behind it, leave that 0 and set the
 * timeout on the server side (`ALTER ROLE ... SET statement_timeout`) or PgBouncer's `query_timeout`.
 */
export async function openDatabase(
  url: string,
  settings: DatabaseSettings = { poolMax: 10, statementTimeoutMs: 0, connectTimeoutMs: 10_000 },
): Promise<DatabaseHandle> {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    const BetterSqlite3 = (await import('better-sqlite3')).default;
    if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
    const sqlite = new BetterSqlite3(file === ':memory:' ? ':memory:' : resolve(file));
    // WAL lets the API read while a worker process writes; busy_timeout waits instead of failing.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) });
    return { db, dialect: 'sqlite', describe: `SQLite at ${file}`, close: () => db.destroy() };
  }
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new Error(`DATABASE_URL: schema "${schema}" is not a plain identifier`);
  const { Pool } = await import('pg');
  const pool = new Pool({
    connectionString: parsed.toString(),
    max: settings.poolMax,
    ...(settings.statementTimeoutMs > 0 ? { statement_timeout: settings.statementTimeoutMs } : {}),
    connectionTimeoutMillis: settings.connectTimeoutMs,
    // Keep the pool usable across a database restart: idle clients are dropped on error.
    idleTimeoutMillis: 10000,
  });
  // A pool error (server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const base = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const db = schema ? base.withSchema(schema) : base;
  const describe = `PostgreSQL at ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}${schema ? ` (schema ${schema})` : ''}`;
  return { db, dialect: 'postgres', schema, describe, close: () => base.destroy() };
}
