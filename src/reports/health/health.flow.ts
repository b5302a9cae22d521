import type { Logger } from 'pino';
import type { EngineContext, EngineOutcome, KindLookup } from '../../checks/check-kind';
import type { ChecksService } from '../../checks/checks.service';
import type { Finding } from '../../common/finding';
import { finding } from '../../common/finding';
import type { CheckRow, ChecksRepository } from '../../infra/database/checks.repository';
import type { HistoryRepository, HealthReportRow } from '../../infra/database/history.repository';
import type { FlowSpec, JobFlows, JobQueue } from '../../infra/queue/job-queue';
import { planChildren } from './health.children';
import { HEALTH_FINDINGS } from './health.findings';
import { buildHealthReport, type ChildCheck, type HealthReport } from './health.report';
import { HEALTH_FORMULA_VERSION } from './health.score';
import type { HealthSettings } from './health.settings';

export const HEALTH_REPORT_QUEUE = 'health-report';

/** What the flow needs from the rest of the application (HealthModule provides it). */
export interface HealthFlowDeps {
  checksRepo: ChecksRepository;
  checks: Pick<ChecksService, 'prepare'>;
  kinds: KindLookup;
  /** The parent jobs' queue (HEALTH_REPORT_QUEUE) and the flow producer. */
  reportQueue: JobQueue<{ checkId: string; tenantId: string }>;
  flows: JobFlows;
  log: Logger;
  jobAttempts: number;
}

const finished = (s: string) => s === 'completed' || s === 'failed';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * A health run as one BullMQ flow. The `health` check's engine (on the reports queue) creates the
 * children as ordinary check rows (kinds dns/mx and smtp, same tenant, visible through
 * GET /v1/checks) and adds a flow: the children's jobs on their own module queues, processed by
 * the normal check runner, and a parent job on the `health-report` queue that BullMQ releases
 * only when every child is done (children then parent). The parent job writes the report; the
 * engine waits for it and returns it as the health check's outcome.
 *
 * Idempotent: a retried or redelivered health check finds its pending report row and children
 * and re-adds the flow only if Redis lost it (jobIds are the check ids). Should the parent never
 * come (the sweeper re-enqueued a lost child outside the flow), the waiting engine writes the
 * report itself once every child has finished, so a run cannot hang on a lost flow.
 * The parent jobs are processed by HealthReportProcessor (worker role).
 */
export class HealthFlow {
  constructor(
    private readonly deps: HealthFlowDeps,
    private readonly repo: HistoryRepository,
    private readonly settings: HealthSettings,
  ) {}

  /** The engine side of kind `health`, run by the check runner for check `checkId`. */
  async run(checkId: string, domain: string, ctx: EngineContext): Promise<EngineOutcome<HealthReport>> {
    const row = await this.deps.checksRepo.findById(checkId);
    if (!row) throw new Error(`health check ${checkId} is not stored`);
    let h = await this.repo.find(checkId);
    if (!h) h = await this.createChildren(row, domain, ctx);
    if (h.status !== 'done') await this.ensureFlow(h);
    ctx.progress(10, 'waiting for the dns and smtp checks');
    let allDoneSince: number | undefined;
    while (h.status !== 'done' && !ctx.signal.aborted) {
      await sleep(200, ctx.signal);
      h = (await this.repo.find(checkId))!;
      if (h.status === 'done') break;
      const kids = await this.childRows(h);
      const done = kids.filter((k) => finished(k.status)).length;
      ctx.progress(10 + Math.round((80 * done) / Math.max(1, kids.length)), `${done} of ${kids.length} checks done`);
      if (done === kids.length) {
        allDoneSince ??= Date.now();
        if (Date.now() - allDoneSince >= this.settings.finalizeGraceMs) await this.finalize(checkId);
      }
    }
    if (h.status === 'done') return outcomeOf(h);
    const incomplete: Finding = finding(
      HEALTH_FINDINGS.HEALTH_INCOMPLETE,
      `The health check of ${domain} did not finish within its time bound.`,
    );
    return {
      verdict: 'indeterminate',
      score: 0,
      findings: [incomplete],
      result: null as unknown as HealthReport,
      transient: true,
    };
  }

  /** The parent job: build and store the report from the finished children. Idempotent. */
  async finalize(checkId: string): Promise<HealthReport | undefined> {
    const h = await this.repo.find(checkId);
    if (!h) return undefined;
    if (h.status === 'done') return JSON.parse(h.report!) as HealthReport;
    const kids = await this.childRows(h);
    if (kids.some((k) => !finished(k.status))) throw new Error(`health ${checkId}: children still running`);
    const children: ChildCheck[] = kids.map((k) => ({
      id: k.id,
      kind: k.kind,
      target: k.target,
      status: k.status,
      verdict: k.verdict,
      findings: k.findings ? (JSON.parse(k.findings) as Finding[]) : [],
      error: k.error,
      result: k.kind === 'smtp' || !k.result ? undefined : (JSON.parse(k.result) as unknown),
    }));
    const report = buildHealthReport(h.domain, checkId, children, new Date());
    await this.repo.markDone(checkId, {
      score: report.score,
      grade: report.grade,
      finding_codes: JSON.stringify(findingCodes(report)),
      report: JSON.stringify(report),
      completed_at: report.generatedAt,
    });
    return report;
  }

  private async childRows(h: HealthReportRow): Promise<CheckRow[]> {
    const ids = (JSON.parse(h.children) as { id: string }[]).map((c) => c.id);
    const rows = await Promise.all(ids.map((id) => this.deps.checksRepo.findById(id)));
    return rows.filter((r): r is CheckRow => Boolean(r));
  }

  private async createChildren(row: CheckRow, domain: string, ctx: EngineContext): Promise<HealthReportRow> {
    const specs = await planChildren(domain, ctx, this.settings);
    const principal = { tenantId: row.tenant_id, keyId: row.created_by, type: 'secret' as const, allowedKinds: null };
    const rows: CheckRow[] = [];
    for (const spec of specs) {
      const r = await this.deps.checks.prepare(principal, { kind: spec.kind, ...spec.body }, null);
      if (r.prepared) rows.push(r.prepared.row);
      else
        this.deps.log.warn(
          { checkId: row.id, kind: spec.kind, errors: r.errors },
          'health child skipped: invalid input',
        );
    }
    const h: HealthReportRow = {
      id: row.id,
      tenant_id: row.tenant_id,
      domain,
      status: 'pending',
      children: JSON.stringify(rows.map((c) => ({ id: c.id, kind: c.kind, target: c.target }))),
      score: null,
      grade: null,
      formula: HEALTH_FORMULA_VERSION,
      finding_codes: null,
      report: null,
      created_at: new Date().toISOString(),
      completed_at: null,
    };
    await this.repo.insertPending(h, rows);
    return h;
  }

  private async ensureFlow(h: HealthReportRow): Promise<void> {
    const parentId = `health-${h.id}`;
    if (await this.deps.reportQueue.has(parentId)) return;
    const children: FlowSpec[] = [];
    for (const c of JSON.parse(h.children) as { id: string; kind: string }[]) {
      const def = this.deps.kinds.get(c.kind);
      if (!def) continue;
      children.push({
        name: c.kind,
        queueName: def.queue,
        data: { checkId: c.id, tenantId: h.tenant_id },
        opts: {
          jobId: c.id,
          attempts: this.deps.jobAttempts,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: true,
          removeOnFail: { count: 1000 },
          // The runner stores a failed check as a result; the report is written either way.
          ignoreDependencyOnFailure: true,
        },
      });
    }
    await this.deps.flows.add({
      name: 'health-report',
      queueName: HEALTH_REPORT_QUEUE,
      data: { checkId: h.id, tenantId: h.tenant_id },
      opts: {
        jobId: parentId,
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: true,
        removeOnFail: { count: 1000 },
      },
      children,
    });
  }
}

/**
 * The codes a report's history compares: the findings and the codes folded under a root cause,
 * so a run is compared on what is wrong with the domain, not on how the formula lists it.
 */
export function findingCodes(report: Pick<HealthReport, 'findings'>): string[] {
  return [...new Set(report.findings.flatMap((f) => [f.code, ...(f.folded ?? [])]))].sort();
}

export function outcomeOf(h: HealthReportRow): EngineOutcome<HealthReport> {
  const report = JSON.parse(h.report!) as HealthReport;
  return { verdict: report.verdict, score: report.score, findings: report.findings, result: report };
}
