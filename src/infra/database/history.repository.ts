import type { Kysely, Selectable, Transaction } from 'kysely';
import type { CheckRow } from './checks.repository';
import type { HealthReportsTable, ReportsDatabase } from './reports.tables';

export type HealthReportRow = Selectable<HealthReportsTable>;

/** Domain health reports. Every read that serves a client is scoped by tenant. */
export class HistoryRepository {
  constructor(private readonly db: Kysely<ReportsDatabase>) {}

  /** Unscoped, for the worker (it acts on the check id the queue gave it). */
  async find(id: string): Promise<HealthReportRow | undefined> {
    return this.db.selectFrom('health_reports').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The children check rows and the pending report row, in one transaction (all or nothing). */
  async insertPending(row: HealthReportRow, children: CheckRow[]): Promise<void> {
    await this.db.transaction().execute(async (trx: Transaction<ReportsDatabase>) => {
      if (children.length) await trx.insertInto('checks').values(children).execute();
      await trx.insertInto('health_reports').values(row).execute();
    });
  }

  /** pending -> done, once: a second writer (a retried parent job) changes nothing. */
  async markDone(
    id: string,
    v: Pick<HealthReportRow, 'score' | 'grade' | 'finding_codes' | 'report' | 'completed_at'>,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('health_reports')
      .set({ ...v, status: 'done' })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async latest(tenantId: string, domain: string): Promise<HealthReportRow | undefined> {
    return this.db
      .selectFrom('health_reports')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('domain', '=', domain)
      .where('status', '=', 'done')
      .orderBy('completed_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** The newest `limit` finished reports, oldest first; no report bodies (history is light). */
  async series(
    tenantId: string,
    domain: string,
    limit: number,
  ): Promise<Omit<HealthReportRow, 'report' | 'children'>[]> {
    const rows = await this.db
      .selectFrom('health_reports')
      .select([
        'id',
        'tenant_id',
        'domain',
        'status',
        'score',
        'grade',
        'formula',
        'finding_codes',
        'created_at',
        'completed_at',
      ])
      .where('tenant_id', '=', tenantId)
      .where('domain', '=', domain)
      .where('status', '=', 'done')
      .orderBy('completed_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse();
  }

  /** The finished report before `id` for the same tenant and domain (for health.changed). */
  async previous(row: HealthReportRow): Promise<HealthReportRow | undefined> {
    return this.db
      .selectFrom('health_reports')
      .selectAll()
      .where('tenant_id', '=', row.tenant_id)
      .where('domain', '=', row.domain)
      .where('status', '=', 'done')
      .where('id', '!=', row.id)
      .where('completed_at', '<=', row.completed_at ?? row.created_at)
      .orderBy('completed_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }
}
