import type { Kysely } from 'kysely';
import type { Database } from './database.types';

/**
 * Tables of the reports module (migration 0002_reports in src/infra/database/migrations.ts).
 * Same conventions as the core tables: JSON as text, ISO-8601 UTC timestamps, UUIDv7 ids.
 */
export interface HealthReportsTable {
  /** The id of the `health` check this report belongs to. */
  id: string;
  tenant_id: string;
  domain: string;
  status: 'pending' | 'done';
  /** JSON [{ id, kind, target }] of the child checks the flow runs. */
  children: string;
  score: number | null;
  grade: string | null;
  formula: string;
  /** JSON string[] of the finding codes, for history diffs without parsing reports. */
  finding_codes: string | null;
  report: string | null;
  created_at: string;
  completed_at: string | null;
}

export interface WebhooksTable {
  id: string;
  tenant_id: string;
  url: string;
  /** JSON string[] of subscribed event types. */
  events: string;
  /** The signing secret, AES-256-GCM sealed with SecretBox (SECRET_KEY). */
  secret_sealed: string;
  status: 'active' | 'disabled';
  consecutive_failures: number;
  created_at: string;
  disabled_at: string | null;
  disabled_reason: string | null;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  tenant_id: string;
  event: string;
  /** The event id (same for every webhook receiving the same event). */
  event_id: string;
  payload: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  response_status: number | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export interface ReportsDatabase extends Database {
  health_reports: HealthReportsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

/** The Kysely handle, typed with the reports tables too. */
export function reportsDb(db: Kysely<Database>): Kysely<ReportsDatabase> {
  return db as unknown as Kysely<ReportsDatabase>;
}
