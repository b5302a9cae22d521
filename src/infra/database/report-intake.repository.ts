import type { Kysely, Selectable } from 'kysely';
import type { DmarcReportsTable, ReportInboxTable, ReportIntakeDatabase } from './report-intake.tables';

export type InboxRow = Selectable<ReportInboxTable>;
export type DmarcReportRow = Selectable<DmarcReportsTable>;

/**
 * Report intake storage. Every read that serves a client is scoped by tenant: another tenant's id
 * is "not found". The worker's reads are by the inbox id the queue gave it.
 */
export class ReportIntakeRepository {
  constructor(private readonly db: Kysely<ReportIntakeDatabase>) {}

  async insertInbox(row: InboxRow): Promise<void> {
    await this.db.insertInto('report_inbox').values(row).execute();
  }

  /** Unscoped, for the worker. */
  async inboxById(id: string): Promise<InboxRow | undefined> {
    return this.db.selectFrom('report_inbox').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async inbox(tenantId: string, id: string): Promise<Omit<InboxRow, 'raw'> | undefined> {
    return this.db
      .selectFrom('report_inbox')
      .select([
        'id',
        'tenant_id',
        'source',
        'status',
        'size',
        'code',
        'reason',
        'report_ids',
        'received_at',
        'completed_at',
      ])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** queued -> stored/refused once; the raw input is dropped. */
  async finishInbox(
    id: string,
    v: Pick<InboxRow, 'status' | 'code' | 'reason' | 'report_ids' | 'completed_at'>,
  ): Promise<void> {
    await this.db
      .updateTable('report_inbox')
      .set({ ...v, raw: null })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .execute();
  }

  /**
   * Store a report unless the tenant already has it (same dedup key); returns the stored id and
   * whether this call inserted it. The unique index decides under concurrency.
   */
  async storeReport(row: DmarcReportRow): Promise<{ id: string; inserted: boolean }> {
    const existing = await this.byDedup(row.tenant_id, row.dedup_key);
    if (existing) return { id: existing, inserted: false };
    try {
      await this.db.insertInto('dmarc_reports').values(row).execute();
      return { id: row.id, inserted: true };
    } catch (e) {
      const again = await this.byDedup(row.tenant_id, row.dedup_key);
      if (again) return { id: again, inserted: false };
      throw e;
    }
  }

  private async byDedup(tenantId: string, key: string): Promise<string | undefined> {
    const r = await this.db
      .selectFrom('dmarc_reports')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('dedup_key', '=', key)
      .executeTakeFirst();
    return r?.id;
  }

  async report(tenantId: string, id: string): Promise<DmarcReportRow | undefined> {
    return this.db
      .selectFrom('dmarc_reports')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Reports of a tenant, newest period first, optionally for one domain, kind and period. */
  async reports(
    tenantId: string,
    q: { domain?: string; kind?: string; since?: string; until?: string; limit: number; withBody?: boolean },
  ): Promise<DmarcReportRow[]> {
    let sel = this.db
      .selectFrom('dmarc_reports')
      .select([
        'id',
        'tenant_id',
        'kind',
        'dedup_key',
        'domain',
        'org_name',
        'report_id',
        'begin_at',
        'end_at',
        'messages',
        'received_at',
      ])
      .where('tenant_id', '=', tenantId);
    if (q.domain) sel = sel.where('domain', '=', q.domain);
    if (q.kind) sel = sel.where('kind', '=', q.kind as DmarcReportRow['kind']);
    if (q.since) sel = sel.where('end_at', '>=', q.since);
    if (q.until) sel = sel.where('begin_at', '<=', q.until);
    const rows = await (q.withBody ? sel.select('body') : sel)
      .orderBy('end_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit)
      .execute();
    return rows.map((r) => ({ body: '', ...r }));
  }

  async addressToken(tenantId: string): Promise<string | undefined> {
    const r = await this.db
      .selectFrom('report_addresses')
      .select('token')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return r?.token;
  }

  /** Insert the tenant's token unless one exists; returns the one that is stored. */
  async ensureAddressToken(tenantId: string, token: string, now: string): Promise<string> {
    const existing = await this.addressToken(tenantId);
    if (existing) return existing;
    try {
      await this.db.insertInto('report_addresses').values({ token, tenant_id: tenantId, created_at: now }).execute();
      return token;
    } catch (e) {
      const again = await this.addressToken(tenantId);
      if (again) return again;
      throw e;
    }
  }

  async tenantForToken(token: string): Promise<string | undefined> {
    const r = await this.db
      .selectFrom('report_addresses')
      .select('tenant_id')
      .where('token', '=', token)
      .executeTakeFirst();
    return r?.tenant_id;
  }
}
