import type { ColumnType, Generated } from 'kysely';

/**
 * Table shapes, shared by SQLite and PostgreSQL. JSON is stored as text in both so one query
 * codebase serves both; timestamps are ISO-8601 UTC text (sortable), ids are UUIDv7 (time-ordered).
 */
export interface TenantsTable {
  id: string;
  name: string;
  created_at: string;
  /** JSON array of kind names a publishable key may submit; null = all. */
  allowed_kinds: string | null;
  /** JSON array of browser origins allowed for this tenant (CORS). */
  cors_origins: string | null;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  /** sha256 hex of the key; the key itself is shown once and never stored. */
  hash: string;
  prefix: string;
  type: 'secret' | 'publishable';
  label: string | null;
  created_at: string;
  revoked_at: string | null;
}

export interface ChecksTable {
  id: string;
  tenant_id: string;
  batch_id: string | null;
  /** Key id (or "static:<tenant>") that created the check: publishable keys see only their own. */
  created_by: string;
  kind: string;
  target: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  input: string;
  verdict: string | null;
  score: number | null;
  findings: string | null;
  result: string | null;
  error: string | null;
  attempts: number;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  duration_ms: number | null;
  /** The monitor that ran this check (migration 0004_monitors); optional on insert. */
  monitor_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface BatchesTable {
  id: string;
  tenant_id: string;
  created_by: string;
  total: number;
  status: 'running' | 'completed';
  created_at: string;
  completed_at: string | null;
}

/** Written by the migration runner before Kysely's Migrator; now only read, once, to adopt such databases. */
export interface MigrationsTable {
  name: string;
  applied_at: string;
}

export interface Database {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  checks: ChecksTable;
  batches: BatchesTable;
  schema_migrations: MigrationsTable;
  // Generated is imported so later tables with autoincrement columns can use it.
  _unused?: { id: Generated<number> };
}
