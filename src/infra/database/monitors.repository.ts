import type { Kysely, Selectable } from 'kysely';
import type {
  MonitorAlertDeliveriesTable,
  MonitorAlertsTable,
  MonitorsDatabase,
  MonitorsTable,
  MonitorStatesTable,
} from './monitors.tables';

export type MonitorRow = Selectable<MonitorsTable>;
export type MonitorStateRow = Selectable<MonitorStatesTable>;
export type MonitorAlertRow = Selectable<MonitorAlertsTable>;
export type AlertDeliveryRow = Selectable<MonitorAlertDeliveriesTable>;

/** Monitors, their alert state, alerts and deliveries. Client-facing reads are scoped by tenant. */
export class MonitorsRepository {
  constructor(private readonly db: Kysely<MonitorsDatabase>) {}

  async insert(row: MonitorRow): Promise<void> {
    await this.db.insertInto('monitors').values(row).execute();
  }

  async find(tenantId: string, id: string): Promise<MonitorRow | undefined> {
    return this.db
      .selectFrom('monitors')
      .selectAll()
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
  }

  /** Unscoped, for the worker (it acts on ids from its own queue). */
  async findById(id: string): Promise<MonitorRow | undefined> {
    return this.db.selectFrom('monitors').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(tenantId: string, limit: number, cursor?: string): Promise<MonitorRow[]> {
    let q = this.db.selectFrom('monitors').selectAll().where('tenant_id', '=', tenantId);
    if (cursor) q = q.where('id', '<', cursor);
    return q.orderBy('id', 'desc').limit(limit).execute();
  }

  /** Every active monitor (the worker's reconciliation of schedulers at boot), in pages. */
  async active(limit: number, after?: string): Promise<MonitorRow[]> {
    let q = this.db.selectFrom('monitors').selectAll().where('status', '=', 'active');
    if (after) q = q.where('id', '>', after);
    return q.orderBy('id').limit(limit).execute();
  }

  async count(tenantId: string): Promise<number> {
    const r = await this.db
      .selectFrom('monitors')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async update(
    tenantId: string,
    id: string,
    v: Partial<
      Pick<
        MonitorRow,
        'name' | 'target' | 'kinds' | 'options' | 'interval_s' | 'confirmations' | 'channels' | 'status' | 'updated_at'
      >
    >,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('monitors')
      .set(v)
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * Claim one scheduler slot for a run: true for exactly one caller per (monitor, slot), whatever
   * the number of workers, and never for a slot older than one already run.
   */
  async claimSlot(id: string, slot: number, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable('monitors')
      .set({ last_slot: slot, last_run_at: at })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('last_slot', 'is', null), eb('last_slot', '<', slot)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async markRun(id: string, at: string): Promise<void> {
    await this.db.updateTable('monitors').set({ last_run_at: at }).where('id', '=', id).execute();
  }

  /** Delete the monitor with its state, alerts and deliveries; its checks stay (history). */
  async delete(tenantId: string, id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .deleteFrom('monitors')
        .where('id', '=', id)
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) return false;
      await trx.deleteFrom('monitor_states').where('monitor_id', '=', id).execute();
      const alerts = trx.selectFrom('monitor_alerts').select('id').where('monitor_id', '=', id);
      await trx.deleteFrom('monitor_alert_deliveries').where('alert_id', 'in', alerts).execute();
      await trx.deleteFrom('monitor_alerts').where('monitor_id', '=', id).execute();
      return true;
    });
  }

  async state(monitorId: string, kind: string): Promise<MonitorStateRow | undefined> {
    return this.db
      .selectFrom('monitor_states')
      .selectAll()
      .where('monitor_id', '=', monitorId)
      .where('kind', '=', kind)
      .executeTakeFirst();
  }

  async states(monitorId: string): Promise<MonitorStateRow[]> {
    return this.db.selectFrom('monitor_states').selectAll().where('monitor_id', '=', monitorId).execute();
  }

  /**
   * Write a new state if nobody else did since `version` was read (optimistic concurrency), with
   * the alert it produced and its deliveries in the same transaction. False: re-read and retry.
   */
  async saveState(
    next: MonitorStateRow,
    expectedVersion: number | undefined,
    alert?: { row: MonitorAlertRow; deliveries: AlertDeliveryRow[] },
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      if (expectedVersion === undefined) {
        const exists = await trx
          .selectFrom('monitor_states')
          .select('version')
          .where('monitor_id', '=', next.monitor_id)
          .where('kind', '=', next.kind)
          .executeTakeFirst();
        if (exists) return false;
        await trx.insertInto('monitor_states').values(next).execute();
      } else {
        const r = await trx
          .updateTable('monitor_states')
          .set({ state: next.state, version: next.version, last_check_id: next.last_check_id })
          .where('monitor_id', '=', next.monitor_id)
          .where('kind', '=', next.kind)
          .where('version', '=', expectedVersion)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) return false;
      }
      if (alert) {
        await trx.insertInto('monitor_alerts').values(alert.row).execute();
        if (alert.deliveries.length)
          await trx.insertInto('monitor_alert_deliveries').values(alert.deliveries).execute();
      }
      return true;
    });
  }

  async alerts(tenantId: string, monitorId: string, limit: number, cursor?: string): Promise<MonitorAlertRow[]> {
    let q = this.db
      .selectFrom('monitor_alerts')
      .selectAll()
      .where('monitor_id', '=', monitorId)
      .where('tenant_id', '=', tenantId);
    if (cursor) q = q.where('id', '<', cursor);
    return q.orderBy('id', 'desc').limit(limit).execute();
  }

  async findAlert(id: string): Promise<MonitorAlertRow | undefined> {
    return this.db.selectFrom('monitor_alerts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async deliveriesOf(alertIds: string[]): Promise<AlertDeliveryRow[]> {
    if (!alertIds.length) return [];
    return this.db
      .selectFrom('monitor_alert_deliveries')
      .selectAll()
      .where('alert_id', 'in', alertIds)
      .orderBy('id')
      .execute();
  }

  async findDelivery(id: string): Promise<AlertDeliveryRow | undefined> {
    return this.db.selectFrom('monitor_alert_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async updateDelivery(
    id: string,
    v: Partial<Pick<AlertDeliveryRow, 'status' | 'attempts' | 'error' | 'updated_at'>>,
  ): Promise<void> {
    await this.db.updateTable('monitor_alert_deliveries').set(v).where('id', '=', id).execute();
  }
}
