import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Principal } from '../../auth/principal';
import { DomainError } from '../../common/errors/domain-error';
import { uuidv7 } from '../../common/ids';
import type { DmarcReportRow, InboxRow, ReportIntakeRepository } from '../../infra/database/report-intake.repository';
import type { JobQueue, QueueJob } from '../../infra/queue/job-queue';
import type { ReportsIntakeSettings } from './intake.settings';
import { parseReportInput } from './report.parser';
import type { ParsedReport } from './report.types';

export const REPORT_INTAKE_QUEUE = 'report-intake';

export interface IntakeJob {
  inboxId: string;
}

export type InboxView = Omit<InboxRow, 'raw' | 'tenant_id'>;

/** What one report is called in lists (the body is fetched by id). */
export interface ReportSummary {
  id: string;
  kind: string;
  domain: string;
  orgName: string;
  reportId: string;
  begin: string;
  end: string;
  messages: number;
  receivedAt: string;
}

const ADDRESS_LOCAL = /^(?:dmarc|tlsrpt|reports)\+([a-f0-9]{8,40})$/i;

export function dedupKey(r: ParsedReport): string {
  const org = r.kind === 'failure' ? '' : r.orgName.toLowerCase();
  return createHash('sha256').update([r.kind, org, r.reportId, r.domain].join('\n')).digest('hex');
}

function messagesOf(r: ParsedReport): number {
  if (r.kind === 'aggregate') return r.rows.reduce((n, x) => n + x.count, 0);
  if (r.kind === 'tlsrpt') return r.policies.reduce((n, p) => n + p.successful + p.failed, 0);
  return 1;
}

export function summaryOf(row: DmarcReportRow): ReportSummary {
  return {
    id: row.id,
    kind: row.kind,
    domain: row.domain,
    orgName: row.org_name,
    reportId: row.report_id,
    begin: row.begin_at,
    end: row.end_at,
    messages: row.messages,
    receivedAt: row.received_at,
  };
}

function view(row: Omit<InboxRow, 'raw'>): InboxView {
  const { tenant_id: _t, ...rest } = row;
  return rest;
}

/**
 * Report intake: every input (upload, SMTP, IMAP) becomes an inbox row and one job on the
 * `report-intake` queue (jobId = inbox id, so a retried submit is one job); the job parses it with
 * bounded memory and stores each report once per tenant (dedup key), then drops the raw input.
 */
export class ReportIntakeService {
  constructor(
    private readonly repo: ReportIntakeRepository,
    private readonly queue: JobQueue<IntakeJob>,
    private readonly settings: ReportsIntakeSettings,
    private readonly log: Logger,
    private readonly attempts: number,
  ) {}

  static secretOnly(p: Principal): void {
    if (p.type === 'publishable')
      throw new DomainError('FORBIDDEN', 'Publishable keys cannot send or read DMARC reports; use a secret key.');
  }

  /** Accept one input for a tenant; the job does the parsing. */
  async submit(tenantId: string, raw: Buffer, source: InboxRow['source']): Promise<InboxView> {
    if (raw.length === 0) throw new DomainError('VALIDATION_FAILED', 'The report body is empty.');
    if (raw.length > this.settings.limits.maxInputBytes)
      throw new DomainError(
        'PAYLOAD_TOO_LARGE',
        `The report has ${raw.length} bytes; at most ${this.settings.limits.maxInputBytes} are accepted (REPORTS_MAX_BYTES).`,
      );
    const row: InboxRow = {
      id: uuidv7(),
      tenant_id: tenantId,
      source,
      status: 'queued',
      size: raw.length,
      raw: raw.toString('base64'),
      code: null,
      reason: null,
      report_ids: null,
      received_at: new Date().toISOString(),
      completed_at: null,
    };
    await this.repo.insertInbox(row);
    await this.queue.addBulk([
      {
        name: 'intake',
        data: { inboxId: row.id },
        opts: {
          jobId: row.id,
          attempts: this.attempts,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: true,
          removeOnFail: { count: 1000 },
        },
      },
    ]);
    return view(row);
  }

  async inbox(tenantId: string, id: string): Promise<InboxView> {
    const row = await this.repo.inbox(tenantId, id);
    if (!row) throw new DomainError('NOT_FOUND', `No report submission ${id}.`);
    return view(row);
  }

  /** Poll the inbox row until the job has finished it or `seconds` pass (the database is the truth). */
  async waitFor(tenantId: string, id: string, seconds: number, signal?: AbortSignal): Promise<InboxView> {
    const until = Date.now() + seconds * 1000;
    let v = await this.inbox(tenantId, id);
    while (v.status === 'queued' && Date.now() < until && !signal?.aborted) {
      await new Promise((r) => setTimeout(r, 100));
      v = await this.inbox(tenantId, id);
    }
    return v;
  }

  /** The worker: parse, store each report once, finish the inbox row. Throws only on I/O (retried). */
  async process(job: QueueJob<IntakeJob>): Promise<{ status: string }> {
    const row = await this.repo.inboxById(job.data.inboxId);
    if (!row || row.status !== 'queued' || row.raw === null) return { status: 'gone' };
    const outcome = await parseReportInput(Buffer.from(row.raw, 'base64'), this.settings.limits);
    const now = new Date().toISOString();
    if (!outcome.ok) {
      this.log.info({ inboxId: row.id, code: outcome.code }, 'report refused');
      await this.repo.finishInbox(row.id, {
        status: 'refused',
        code: outcome.code,
        reason: outcome.reason,
        report_ids: '[]',
        completed_at: now,
      });
      return { status: 'refused' };
    }
    const ids: string[] = [];
    let duplicates = 0;
    for (const r of outcome.reports) {
      const stored = await this.repo.storeReport({
        id: uuidv7(),
        tenant_id: row.tenant_id,
        kind: r.kind,
        dedup_key: dedupKey(r),
        domain: r.domain,
        org_name: r.kind === 'failure' ? (r.original?.from ?? 'failure report') : r.orgName,
        report_id: r.reportId,
        begin_at: r.kind === 'failure' ? dateOf(r.arrivalDate, now) : r.begin,
        end_at: r.kind === 'failure' ? dateOf(r.arrivalDate, now) : r.end,
        messages: messagesOf(r),
        body: JSON.stringify(r),
        received_at: now,
      });
      ids.push(stored.id);
      if (!stored.inserted) duplicates++;
    }
    await this.repo.finishInbox(row.id, {
      status: 'stored',
      code: duplicates === ids.length ? 'duplicate' : null,
      reason: duplicates ? `${duplicates} of ${ids.length} report(s) were already stored` : null,
      report_ids: JSON.stringify(ids),
      completed_at: now,
    });
    return { status: 'stored' };
  }

  async list(tenantId: string, q: { domain?: string; kind?: string; limit?: number }): Promise<ReportSummary[]> {
    const rows = await this.repo.reports(tenantId, {
      ...(q.domain ? { domain: q.domain.toLowerCase() } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      limit: Math.min(Math.max(q.limit ?? 50, 1), 500),
    });
    return rows.map(summaryOf);
  }

  async get(tenantId: string, id: string): Promise<ReportSummary & { report: ParsedReport }> {
    const row = await this.repo.report(tenantId, id);
    if (!row) throw new DomainError('NOT_FOUND', `No report ${id}.`);
    return { ...summaryOf(row), report: JSON.parse(row.body) as ParsedReport };
  }

  /** The tenant's intake address (created on first ask). */
  async address(tenantId: string): Promise<{ address: string; smtpEnabled: boolean; aliases: string[] }> {
    const token = await this.repo.ensureAddressToken(
      tenantId,
      randomBytes(10).toString('hex'),
      new Date().toISOString(),
    );
    const d = this.settings.smtp.domain;
    return {
      address: `dmarc+${token}@${d}`,
      aliases: [`tlsrpt+${token}@${d}`, `reports+${token}@${d}`],
      smtpEnabled: this.settings.smtp.port > 0,
    };
  }

  /** The tenant an SMTP recipient belongs to, or undefined (the RCPT is then refused). */
  async tenantForRecipient(address: string): Promise<string | undefined> {
    const at = address.lastIndexOf('@');
    if (at < 0) return undefined;
    if (address.slice(at + 1).toLowerCase() !== this.settings.smtp.domain) return undefined;
    const m = ADDRESS_LOCAL.exec(address.slice(0, at));
    return m ? this.repo.tenantForToken(m[1]!.toLowerCase()) : undefined;
  }
}

function dateOf(v: string | undefined, fallback: string): string {
  const d = v ? new Date(v) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : fallback;
}
