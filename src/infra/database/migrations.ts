import { inspect } from 'node:util';
import { PostgresAdapter, SqliteAdapter, sql, type Kysely } from 'kysely';
import { Migrator, type MigrationProvider } from 'kysely/migration';
import type { Database } from './database.types';

/**
 * Migrations, applied in order at boot by every process, each once. Written with Kysely's schema
 * builder so the same code runs on SQLite and PostgreSQL. Append new migrations with a name that
 * sorts after the last one (Kysely's Migrator applies them in name order and refuses a database
 * whose applied migrations are not a prefix of this list); never edit an applied one.
 *
 * They are run by Kysely's own Migrator (records in `kysely_migration`) inside a lock of ours that
 * spans the whole step, because Kysely's lock alone does not cover it (see {@link migrate}).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations build tables that the typed schema does not know yet
type UntypedDb = Kysely<any>;

export interface Migration {
  name: string;
  up(db: UntypedDb): Promise<void>;
}

export const MIGRATIONS: Migration[] = [
  {
    name: '0001_core',
    async up(db) {
      await db.schema
        .createTable('tenants')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('allowed_kinds', 'text')
        .addColumn('cors_origins', 'text')
        .execute();
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull().references('tenants.id'))
        .addColumn('hash', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('prefix', 'varchar(16)', (c) => c.notNull())
        .addColumn('type', 'varchar(16)', (c) => c.notNull())
        .addColumn('label', 'varchar(200)')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('revoked_at', 'varchar(32)')
        .execute();
      await db.schema
        .createTable('batches')
        .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_by', 'varchar(80)', (c) => c.notNull())
        .addColumn('total', 'integer', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('completed_at', 'varchar(32)')
        .execute();
      await db.schema
        .createTable('checks')
        .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('batch_id', 'varchar(40)')
        .addColumn('created_by', 'varchar(80)', (c) => c.notNull())
        .addColumn('kind', 'varchar(32)', (c) => c.notNull())
        .addColumn('target', 'varchar(400)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('input', 'text', (c) => c.notNull())
        .addColumn('verdict', 'varchar(16)')
        .addColumn('score', 'integer')
        .addColumn('findings', 'text')
        .addColumn('result', 'text')
        .addColumn('error', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('started_at', 'varchar(32)')
        .addColumn('completed_at', 'varchar(32)')
        .addColumn('duration_ms', 'integer')
        .execute();
      await db.schema.createIndex('checks_tenant_id').on('checks').columns(['tenant_id', 'id']).execute();
      await db.schema.createIndex('checks_tenant_kind').on('checks').columns(['tenant_id', 'kind', 'id']).execute();
      await db.schema.createIndex('checks_tenant_target').on('checks').columns(['tenant_id', 'target', 'id']).execute();
      await db.schema.createIndex('checks_batch').on('checks').columns(['batch_id', 'status']).execute();
      await db.schema.createIndex('checks_status').on('checks').columns(['status', 'created_at']).execute();
    },
  },
  {
    // Reports platform (issue 6): domain health reports (history), webhooks and their deliveries.
    name: '0002_reports',
    async up(db) {
      await db.schema
        .createTable('health_reports')
        .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('domain', 'varchar(400)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('children', 'text', (c) => c.notNull())
        .addColumn('score', 'integer')
        .addColumn('grade', 'varchar(2)')
        .addColumn('formula', 'varchar(32)', (c) => c.notNull())
        .addColumn('finding_codes', 'text')
        .addColumn('report', 'text')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('completed_at', 'varchar(32)')
        .execute();
      await db.schema
        .createIndex('health_reports_domain')
        .on('health_reports')
        .columns(['tenant_id', 'domain', 'status', 'completed_at'])
        .execute();
      await db.schema
        .createTable('webhooks')
        .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('url', 'varchar(2048)', (c) => c.notNull())
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('secret_sealed', 'text', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('disabled_at', 'varchar(32)')
        .addColumn('disabled_reason', 'text')
        .execute();
      await db.schema.createIndex('webhooks_tenant').on('webhooks').columns(['tenant_id', 'id']).execute();
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('webhook_id', 'varchar(40)', (c) => c.notNull())
        .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('event', 'varchar(40)', (c) => c.notNull())
        .addColumn('event_id', 'varchar(40)', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('response_status', 'integer')
        .addColumn('error', 'text')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_hook')
        .on('webhook_deliveries')
        .columns(['webhook_id', 'id'])
        .execute();
    },
  },
  {
    // DMARC aggregate/failure and TLS-RPT report intake (src/reports/intake, issue 18).
    name: '0003_report_intake',
    async up(db) {
      await db.schema
        .createTable('report_inbox')
        .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('source', 'varchar(16)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('raw', 'text')
        .addColumn('code', 'varchar(40)')
        .addColumn('reason', 'text')
        .addColumn('report_ids', 'text')
        .addColumn('received_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('completed_at', 'varchar(32)')
        .execute();
      await db.schema.createIndex('report_inbox_tenant').on('report_inbox').columns(['tenant_id', 'id']).execute();
      await db.schema
        .createTable('dmarc_reports')
        .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('dedup_key', 'varchar(64)', (c) => c.notNull())
        .addColumn('domain', 'varchar(400)', (c) => c.notNull())
        .addColumn('org_name', 'varchar(400)', (c) => c.notNull())
        .addColumn('report_id', 'varchar(400)', (c) => c.notNull())
        .addColumn('begin_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('end_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('messages', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('received_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('dmarc_reports_dedup')
        .on('dmarc_reports')
        .columns(['tenant_id', 'dedup_key'])
        .unique()
        .execute();
      await db.schema
        .createIndex('dmarc_reports_domain')
        .on('dmarc_reports')
        .columns(['tenant_id', 'domain', 'kind', 'end_at'])
        .execute();
      await db.schema
        .createTable('report_addresses')
        .addColumn('token', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
  },
  {
    // Monitoring (issue 15): monitors, their alert state per kind, alerts and alert deliveries;
    // checks run by a monitor carry its id.
    name: '0004_monitors',
    async up(db) {
      await db.schema.alterTable('checks').addColumn('monitor_id', 'varchar(40)').execute();
      await db.schema.createIndex('checks_monitor').on('checks').columns(['monitor_id', 'id']).execute();
      // Alerts list the webhook deliveries of their `monitor.alert` event (event id = alert id).
      await db.schema
        .createIndex('webhook_deliveries_event')
        .on('webhook_deliveries')
        .columns(['event_id', 'tenant_id'])
        .execute();
      await db.schema
        .createTable('monitors')
        .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('name', 'varchar(200)')
        .addColumn('target', 'varchar(400)', (c) => c.notNull())
        .addColumn('kinds', 'text', (c) => c.notNull())
        .addColumn('options', 'text', (c) => c.notNull())
        .addColumn('interval_s', 'integer', (c) => c.notNull())
        .addColumn('confirmations', 'integer', (c) => c.notNull())
        .addColumn('channels', 'text', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('last_slot', 'bigint')
        .addColumn('last_run_at', 'varchar(32)')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('monitors_tenant').on('monitors').columns(['tenant_id', 'id']).execute();
      await db.schema
        .createTable('monitor_states')
        .addColumn('monitor_id', 'varchar(40)', (c) => c.notNull())
        .addColumn('kind', 'varchar(32)', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('last_check_id', 'varchar(40)', (c) => c.notNull())
        .addPrimaryKeyConstraint('monitor_states_pk', ['monitor_id', 'kind'])
        .execute();
      await db.schema
        .createTable('monitor_alerts')
        .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('monitor_id', 'varchar(40)', (c) => c.notNull())
        .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('kind', 'varchar(32)', (c) => c.notNull())
        .addColumn('type', 'varchar(16)', (c) => c.notNull())
        .addColumn('check_id', 'varchar(40)', (c) => c.notNull())
        .addColumn('change', 'text', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('monitor_alerts_monitor')
        .on('monitor_alerts')
        .columns(['monitor_id', 'id'])
        .execute();
      await db.schema
        .createTable('monitor_alert_deliveries')
        .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('alert_id', 'varchar(40)', (c) => c.notNull())
        .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('channel', 'varchar(16)', (c) => c.notNull())
        .addColumn('destination', 'varchar(2048)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('error', 'text')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('monitor_alert_deliveries_alert')
        .on('monitor_alert_deliveries')
        .columns(['alert_id', 'id'])
        .execute();
    },
  },
  {
    // Listings whose cost grew with the table (issue 16; test/storage/listing-plans.test.ts on
    // 100,000 checks): a tenant's checks by status, newest first (a rare status read the tenant's
    // whole index); a batch's checks page by page (the (batch_id, status) index sorted the whole
    // batch on every page; partial: single checks carry no batch and add no entry); received
    // reports newest first, for a tenant and for a domain (the existing index puts `kind` before
    // `end_at`, so a listing without a kind sorted every report).
    name: '0005_listing_indexes',
    async up(db) {
      await db.schema.createIndex('checks_tenant_status').on('checks').columns(['tenant_id', 'status', 'id']).execute();
      await db.schema
        .createIndex('checks_batch_id')
        .on('checks')
        .columns(['batch_id', 'id'])
        .where('batch_id', 'is not', null)
        .execute();
      await db.schema
        .createIndex('dmarc_reports_tenant_end')
        .on('dmarc_reports')
        .columns(['tenant_id', 'end_at', 'id'])
        .execute();
      await db.schema
        .createIndex('dmarc_reports_domain_end')
        .on('dmarc_reports')
        .columns(['tenant_id', 'domain', 'end_at', 'id'])
        .execute();
    },
  },
];

/**
 * The in-code migrations, as Kysely's Migrator reads them (name -> migration). On PostgreSQL each
 * runs inside a savepoint of migrate()'s transaction: a failing one is rolled back to it, so the
 * transaction stays usable for Kysely's lock release and its error (naming the migration) is the
 * one reported; migrate() then rolls the whole transaction back.
 */
const providerFor = (dialect: 'postgres' | 'sqlite'): MigrationProvider => ({
  async getMigrations() {
    return Object.fromEntries(
      MIGRATIONS.map((m) => [
        m.name,
        {
          up: async (db: UntypedDb) => {
            if (dialect === 'sqlite') return m.up(db);
            await sql`savepoint smtp_doctor_migration`.execute(db);
            try {
              await m.up(db);
            } catch (e) {
              await sql`rollback to savepoint smtp_doctor_migration`.execute(db);
              throw e;
            }
            await sql`release savepoint smtp_doctor_migration`.execute(db);
          },
        },
      ]),
    );
  },
});

/**
 * Our PostgreSQL advisory lock key (any constant; Kysely's Migrator uses another one of its own).
 * Every process that migrates this database takes it, whatever the schema.
 */
const PG_LOCK_KEY = 7_311_146_993_755_570_019n;

/** How long a process waits for SQLite's write lock while another migrates (the Helm chart's start-up allowance). */
const SQLITE_LOCK_WAIT_MS = 300_000;

/**
 * Apply the pending migrations; returns the names applied by this call. Safe when several
 * processes (API replicas, workers) start together on an empty database.
 *
 * Why a lock of our own around Kysely's Migrator, on one connection for the whole step:
 * - Kysely takes its lock only around running the migrations. Before that it creates its
 *   `kysely_migration` tables outside any lock, and our upgrade step (below) must see and seed
 *   them atomically, or a second process could find an empty `kysely_migration` that the first
 *   has just created and re-apply every migration of an existing database.
 * - On SQLite Kysely's lock does nothing (it assumes one connection, and two processes on one
 *   file have two) and it runs migrations outside transactions. `BEGIN IMMEDIATE` takes SQLite's
 *   write lock at once, so a second process waits (busy_timeout) until the first commits, then
 *   finds everything applied; and a failed migration rolls back whole.
 * - On PostgreSQL everything runs in one transaction holding `pg_advisory_xact_lock` (released at
 *   commit or rollback, or when a crashed process's session ends), with Kysely's own transactions
 *   off (`disableTransactions`): no lock outlives its transaction, so it works behind PgBouncer in
 *   transaction mode, where two statements outside a transaction may reach two server sessions.
 *
 * Upgrade from the runner before Kysely's Migrator (it recorded names in `schema_migrations`): when
 * that table exists and `kysely_migration` does not, its names are copied into `kysely_migration`
 * under the lock, so nothing is re-applied. `schema_migrations` is left as it was and no longer
 * written.
 */
export async function migrate(db: Kysely<Database>, schema: string | undefined): Promise<string[]> {
  const adapter = db.getExecutor().adapter;
  const dialect =
    adapter instanceof PostgresAdapter ? 'postgres' : adapter instanceof SqliteAdapter ? 'sqlite' : undefined;
  if (!dialect) throw new Error('migrate: only SQLite and PostgreSQL are supported');
  return db.connection().execute(async (conn) => {
    let busyTimeout: unknown;
    if (dialect === 'postgres') {
      // One transaction on one connection: the lock is transaction-scoped and every statement
      // (Kysely's own lock and tables, the upgrade step, the migrations) runs in it, so on the one
      // server session a transaction keeps, behind PgBouncer in transaction mode too. Waits as long
      // as another process migrates (no timeout, like a migration's own DDL).
      await sql`begin`.execute(conn);
      await sql`select pg_advisory_xact_lock(${sql.lit(PG_LOCK_KEY)})`.execute(conn);
      // DATABASE_URL's ?schema= (its queries name it: database.factory.ts), created under the lock
      // so replicas starting together do not race on it.
      if (schema) await sql`create schema if not exists ${sql.id(schema)}`.execute(conn);
    } else {
      // The connection's busy_timeout (seconds) is too short to wait for a long migration elsewhere.
      busyTimeout = (await sql<{ timeout: number }>`pragma busy_timeout`.execute(conn)).rows[0]?.timeout;
      await sql`pragma busy_timeout = ${sql.lit(SQLITE_LOCK_WAIT_MS)}`.execute(conn);
      await sql`begin immediate`.execute(conn);
    }
    let done = false;
    try {
      const applied = await migrateLocked(conn, dialect, schema);
      done = true;
      return applied;
    } finally {
      // An error here (the connection is gone) must not hide the migration's own error; a lost
      // session releases its lock and rolls its transaction back.
      await (done ? sql`commit` : sql`rollback`).execute(conn).catch((e: unknown) => {
        if (done) throw e;
      });
      if (typeof busyTimeout === 'number') await sql`pragma busy_timeout = ${sql.lit(busyTimeout)}`.execute(conn);
    }
  });
}

async function migrateLocked(
  conn: Kysely<Database>,
  dialect: 'postgres' | 'sqlite',
  urlSchema: string | undefined,
): Promise<string[]> {
  // PostgreSQL: Kysely looks its tables up across every schema of the database, so it is told
  // which one is ours: DATABASE_URL's ?schema= (which `conn` already names in every query), else
  // the first of the role's search_path (`public` by default).
  let schema = urlSchema;
  if (dialect === 'postgres' && !schema) {
    schema = (await sql<{ s: string | null }>`select current_schema() as s`.execute(conn)).rows[0]?.s ?? undefined;
    if (!schema) throw new Error('no schema to migrate: none of the search_path schemas exists');
  }
  // The old runner created schema_migrations unqualified, so in that same first search_path schema.
  const exists = async (table: string): Promise<boolean> => {
    if (dialect === 'sqlite') {
      return (
        (await sql`select 1 from sqlite_master where type = 'table' and name = ${table}`.execute(conn)).rows.length > 0
      );
    }
    return (
      (
        await sql<{
          t: string | null;
        }>`select to_regclass(quote_ident(${schema}) || '.' || quote_ident(${table}))::text as t`.execute(conn)
      ).rows[0]?.t != null
    );
  };

  if ((await exists('schema_migrations')) && !(await exists('kysely_migration'))) {
    // Let Kysely create its own tables (no migrations given, so it runs none), then seed them.
    const none = await new Migrator({
      db: conn,
      provider: { getMigrations: async () => ({}) },
      migrationTableSchema: schema,
      disableTransactions: dialect === 'postgres',
    }).migrateToLatest();
    if (none.error) throw none.error instanceof Error ? none.error : new Error(inspect(none.error));
    const legacy = await conn.selectFrom('schema_migrations').select(['name', 'applied_at']).orderBy('name').execute();
    const target = schema ? (conn.withSchema(schema) as unknown as UntypedDb) : (conn as unknown as UntypedDb);
    if (legacy.length)
      await target
        .insertInto('kysely_migration')
        .values(legacy.map((r) => ({ name: r.name, timestamp: r.applied_at })))
        .execute();
  }

  const { error, results = [] } = await new Migrator({
    db: conn,
    provider: providerFor(dialect),
    migrationTableSchema: schema,
    // PostgreSQL: already inside migrate()'s transaction (SQLite: Kysely opens none).
    disableTransactions: dialect === 'postgres',
  }).migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const message = error instanceof Error ? error.message : inspect(error);
    throw new Error(failed ? `migration ${failed}: ${message}` : message, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function ping(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
