import type { Principal } from '../../auth/principal';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { normalizeDomain } from '../../common/validation';
import type { CheckRow } from '../../infra/database/checks.repository';
import type { HealthReport } from '../health/health.report';
import type { WebhooksService } from '../webhooks/webhooks.service';
import type { DomainHistoryModel, HistoryPointModel } from './history.model';
import type { HealthReportRow, HistoryRepository } from '../../infra/database/history.repository';

function diff(prev: string[], now: string[]): { appeared: string[]; disappeared: string[] } {
  const p = new Set(prev);
  const n = new Set(now);
  return { appeared: now.filter((c) => !p.has(c)), disappeared: prev.filter((c) => !n.has(c)) };
}

const codesOf = (r: Pick<HealthReportRow, 'finding_codes'>) =>
  r.finding_codes ? (JSON.parse(r.finding_codes) as string[]) : [];

/** Latest report and score history of a domain, per tenant; fires `health.changed`. */
export class HistoryService {
  constructor(
    private readonly repo: HistoryRepository,
    private readonly webhooks: WebhooksService,
  ) {}

  private domainOf(p: Principal, raw: string): string {
    if (p.type === 'publishable')
      throw new DomainError('FORBIDDEN', 'Publishable keys cannot read domain reports; use a secret key.');
    const d = normalizeDomain(raw);
    if (!d)
      throw new DomainError('VALIDATION_FAILED', 'domain: must be a valid domain name (RFC 1035), e.g. example.com', [
        { field: 'domain', message: 'must be a valid domain name (RFC 1035), e.g. example.com' },
      ]);
    return d;
  }

  async latest(p: Principal, rawDomain: string): Promise<HealthReport> {
    const domain = this.domainOf(p, rawDomain);
    const row = await this.repo.latest(p.tenantId, domain);
    if (!row) throw notFound('Health report for', domain);
    return JSON.parse(row.report!) as HealthReport;
  }

  async history(p: Principal, rawDomain: string, limit?: number): Promise<DomainHistoryModel> {
    const domain = this.domainOf(p, rawDomain);
    const n = Math.min(Math.max(Math.trunc(Number(limit ?? 50)) || 50, 1), 500);
    // One extra (older) run so the first point returned still has its diff.
    const rows = await this.repo.series(p.tenantId, domain, n + 1);
    const points: HistoryPointModel[] = [];
    rows.forEach((r, i) => {
      if (rows.length > n && i === 0) return;
      const prev = i > 0 ? rows[i - 1]! : undefined;
      const d = prev ? diff(codesOf(prev), codesOf(r)) : { appeared: codesOf(r), disappeared: [] };
      points.push({
        checkId: r.id,
        at: r.completed_at!,
        score: r.score ?? 0,
        grade: r.grade ?? 'F',
        formula: r.formula,
        formulaChanged: prev !== undefined && prev.formula !== r.formula,
        ...d,
      });
    });
    return { domain, points };
  }

  /**
   * After a health check is stored: tell subscribers when the grade, score or set of finding
   * codes differs from the previous run of the same domain (the first run counts as a change).
   */
  async onCheckFinished(check: CheckRow): Promise<void> {
    if (check.kind !== 'health' || check.status !== 'completed') return;
    const h = await this.repo.find(check.id);
    if (!h || h.status !== 'done') return;
    const prev = await this.repo.previous(h);
    const d = diff(prev ? codesOf(prev) : [], codesOf(h));
    if (prev && prev.grade === h.grade && prev.score === h.score && !d.appeared.length && !d.disappeared.length) return;
    await this.webhooks.emit(h.tenant_id, 'health.changed', {
      domain: h.domain,
      checkId: h.id,
      score: h.score,
      grade: h.grade,
      formula: h.formula,
      formulaChanged: prev !== undefined && prev.formula !== h.formula,
      previous: prev ? { checkId: prev.id, score: prev.score, grade: prev.grade, formula: prev.formula } : null,
      ...d,
    });
  }
}
