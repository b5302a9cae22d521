import { sql, type Kysely } from 'kysely';
import type { Database } from './database.types';

/**
 * Migrations, applied in order at boot, each once (recorded in schema_migrations).
 * Written with Kysely's schema builder so the same code runs on SQLite and PostgreSQL.
 * Append new migrations; never edit an applied one.
 */
export interface Migration {
  name: string;
  // Kysely's migration guide: migrations see the schema as it was then, not today's Database type.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  up(db: Kysely<any>): Promise<void>;
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
      await db.schema.createIndex('health_reports_domain').on('health_reports').columns(['tenant_id', 'domain', 'status', 'completed_at']).execute();
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
      await db.schema.createIndex('webhook_deliveries_hook').on('webhook_deliveries').columns(['webhook_id', 'id']).execute();
    },
  },
];

export async function migrate(db: Kysely<Database>): Promise<string[]> {
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('name', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('applied_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  const done = new Set((await db.selectFrom('schema_migrations').select('name').execute()).map((r) => r.name));
  const applied: string[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.name)) continue;
    await db.transaction().execute(async (trx) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see Migration.up
      await m.up(trx as unknown as Kysely<any>);
      await trx.insertInto('schema_migrations').values({ name: m.name, applied_at: new Date().toISOString() }).execute();
    });
    applied.push(m.name);
  }
  return applied;
}

export async function ping(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
