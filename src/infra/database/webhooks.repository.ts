import type { Kysely, Selectable } from 'kysely';
import { preparedQuery } from './prepared-query';
import type { ReportsDatabase, WebhookDeliveriesTable, WebhooksTable } from './reports.tables';

export type WebhookRow = Selectable<WebhooksTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;

/** Webhooks and deliveries. Client-facing reads are scoped by tenant; another tenant's id is "not found". */
export class WebhooksRepository {
  /** Compiled once: it runs after every finished check (preparedQuery). */
  private readonly activeQuery;
  /** activeFor's reads of this turn of the event loop, by tenant. */
  private readonly activeThisTurn = new Map<string, Promise<WebhookRow[]>>();

  constructor(private readonly db: Kysely<ReportsDatabase>) {
    this.activeQuery = preparedQuery(['tenantId'], (p) =>
      db.selectFrom('webhooks').selectAll().where('tenant_id', '=', p.tenantId).where('status', '=', 'active'),
    );
  }

  async insert(row: WebhookRow): Promise<void> {
    await this.db.insertInto('webhooks').values(row).execute();
  }

  async find(tenantId: string, id: string): Promise<WebhookRow | undefined> {
    return this.db
      .selectFrom('webhooks')
      .selectAll()
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
  }

  /** Unscoped, for the delivery worker. */
  async findById(id: string): Promise<WebhookRow | undefined> {
    return this.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(tenantId: string): Promise<WebhookRow[]> {
    return this.db.selectFrom('webhooks').selectAll().where('tenant_id', '=', tenantId).orderBy('id', 'desc').execute();
  }

  async count(tenantId: string): Promise<number> {
    const r = await this.db
      .selectFrom('webhooks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /**
   * The tenant's active webhooks. Asked for after every finished check: the calls of one turn of
   * the event loop for one tenant (a worker finishing many of its checks at once) share one read,
   * made when the first of them asks; the rows are the caller's to read, not to change.
   */
  activeFor(tenantId: string): Promise<readonly WebhookRow[]> {
    let read = this.activeThisTurn.get(tenantId);
    if (!read) {
      if (!this.activeThisTurn.size) setImmediate(() => this.activeThisTurn.clear());
      read = this.db.executeQuery(this.activeQuery({ tenantId })).then((r) => r.rows);
      this.activeThisTurn.set(tenantId, read);
    }
    return read;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .deleteFrom('webhooks')
        .where('id', '=', id)
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) return false;
      await trx.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
      return true;
    });
  }

  async recordSuccess(id: string): Promise<void> {
    await this.db.updateTable('webhooks').set({ consecutive_failures: 0 }).where('id', '=', id).execute();
  }

  /** One more failed attempt; disables the webhook at `disableAfter`. Returns true if now disabled. */
  async recordFailure(id: string, disableAfter: number, at: string, reason: string): Promise<boolean> {
    await this.db
      .updateTable('webhooks')
      .set((eb) => ({ consecutive_failures: eb('consecutive_failures', '+', 1) }))
      .where('id', '=', id)
      .execute();
    const r = await this.db
      .updateTable('webhooks')
      .set({ status: 'disabled', disabled_at: at, disabled_reason: reason.slice(0, 500) })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .where('consecutive_failures', '>=', disableAfter)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async insertDeliveries(rows: DeliveryRow[]): Promise<void> {
    if (rows.length) await this.db.insertInto('webhook_deliveries').values(rows).execute();
  }

  async findDelivery(id: string): Promise<DeliveryRow | undefined> {
    return this.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async updateDelivery(
    id: string,
    v: Partial<Pick<DeliveryRow, 'status' | 'attempts' | 'response_status' | 'error' | 'updated_at'>>,
  ): Promise<void> {
    await this.db.updateTable('webhook_deliveries').set(v).where('id', '=', id).execute();
  }

  async deliveries(tenantId: string, webhookId: string, limit: number, cursor?: string): Promise<DeliveryRow[]> {
    let q = this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .where('tenant_id', '=', tenantId);
    if (cursor) q = q.where('id', '<', cursor);
    return q.orderBy('id', 'desc').limit(limit).execute();
  }

  async deliveriesOfEvent(tenantId: string, eventId: string): Promise<DeliveryRow[]> {
    return this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('event_id', '=', eventId)
      .where('tenant_id', '=', tenantId)
      .orderBy('id')
      .execute();
  }
}
