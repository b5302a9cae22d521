import type { Kysely } from 'kysely';
import type { Database } from './database.types';

/**
 * Tables of the monitors module (migration 0004_monitors in migrations.ts). Same conventions as
 * the core tables: JSON as text, ISO-8601 UTC timestamps, UUIDv7 ids.
 */
export interface MonitorsTable {
  id: string;
  tenant_id: string;
  name: string | null;
  /** Domain, host or IP the kinds run against. */
  target: string;
  /** JSON string[] of the kinds each run submits (health, dns, mx, smtp). */
  kinds: string;
  /** JSON of the per-run options (sendingIps, ports...). */
  options: string;
  interval_s: number;
  /** Consecutive results that must agree before a change alerts (hysteresis). */
  confirmations: number;
  /** JSON { webhooks: boolean, emails: string[], chat: string[] }. */
  channels: string;
  status: 'active' | 'paused';
  /** The last scheduler slot (epoch ms) that ran: a slot is claimed once, whatever the worker. */
  last_slot: string | number | null;
  last_run_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface MonitorStatesTable {
  monitor_id: string;
  kind: string;
  /** JSON MonitorKindState (src/monitors/alert-state.ts). */
  state: string;
  /** Optimistic concurrency: bumped by every write. */
  version: number;
  /** The newest check folded into the state (older results arriving late are ignored). */
  last_check_id: string;
}

export interface MonitorAlertsTable {
  id: string;
  monitor_id: string;
  tenant_id: string;
  kind: string;
  /** AlertType of src/monitors/alert-state.ts. */
  type: 'problem' | 'recovery' | 'indeterminate' | 'resumed';
  check_id: string;
  /** JSON AlertChange: what changed (verdict, grade, findings appeared and cleared). */
  change: string;
  created_at: string;
}

export interface MonitorAlertDeliveriesTable {
  id: string;
  alert_id: string;
  tenant_id: string;
  channel: 'email' | 'chat' | 'webhook';
  destination: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export interface MonitorsDatabase extends Database {
  monitors: MonitorsTable;
  monitor_states: MonitorStatesTable;
  monitor_alerts: MonitorAlertsTable;
  monitor_alert_deliveries: MonitorAlertDeliveriesTable;
}

/** The Kysely handle, typed with the monitors tables too. */
export function monitorsDb(db: Kysely<Database>): Kysely<MonitorsDatabase> {
  return db as unknown as Kysely<MonitorsDatabase>;
}
