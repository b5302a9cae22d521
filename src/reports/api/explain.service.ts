import type { Principal } from '../../auth/principal';
import type { KindLookup } from '../../checks/check-kind';
import type { ChecksService } from '../../checks/checks.service';
import { DomainError } from '../../common/errors/domain-error';
import { validateOrThrow } from '../../common/errors/validate-input';
import type { AnalysisPool } from '../../infra/cpu/analysis-pool';
import type { BounceAnalysis } from '../bounces/bounce.types';
import type { Explanation, SuggestedCheck } from '../explain/explain.types';
import { AnalyzeBounceInput, ExplainReplyInput } from './explain.input';
import type { DiagnosisModel } from './explain.model';

/** Which kind confirms each suggested check, when that kind is registered. */
function kindFor(check: SuggestedCheck, kinds: KindLookup): { kind?: string; reason?: string } {
  switch (check) {
    case 'dns':
      return kinds.get('dns')
        ? { kind: 'dns' }
        : kinds.get('mx')
          ? { kind: 'mx' }
          : { reason: 'no DNS audit kind is registered' };
    case 'dnsbl':
      // The blocklist lookups are a section of the dns audit.
      return kinds.get('dns')
        ? { kind: 'dns' }
        : { reason: 'the blocklist lookup is part of kind dns, which is not registered' };
    case 'mx':
      return kinds.get('mx') ? { kind: 'mx' } : { reason: 'kind mx is not registered' };
    case 'smtp':
      return kinds.get('smtp') ? { kind: 'smtp' } : { reason: 'kind smtp is not registered' };
    case 'content':
      return { reason: 'a content check needs the message itself: submit kind content with the raw message' };
  }
}

/**
 * Reply explanations, optional live diagnosis, and bounce analysis (thin over the pure engines).
 * The engines run in the analysis pool's worker threads (analysis.worker.ts) within a time
 * budget, never on the API's event loop: a reply or a bounce may be slow to parse.
 */
export class ExplainService {
  constructor(
    private readonly checks: Pick<ChecksService, 'submitBatch'>,
    private readonly kinds: KindLookup,
    private readonly pool: AnalysisPool,
  ) {}

  async explain(p: Principal, body: unknown, diagnose?: string): Promise<Explanation & { diagnosis?: DiagnosisModel }> {
    const input = await validateOrThrow(ExplainReplyInput, body);
    const explanation = await this.pool.run<Explanation>('explain', input.reply);
    if (diagnose === undefined || diagnose === '') return explanation;
    if (diagnose !== 'domain')
      throw new DomainError('VALIDATION_FAILED', 'diagnose: must be "domain"', [
        { field: 'diagnose', message: 'must be "domain"' },
      ]);
    if (!input.domain)
      throw new DomainError('VALIDATION_FAILED', 'domain: is required with ?diagnose=domain', [
        { field: 'domain', message: 'is required with ?diagnose=domain' },
      ]);
    return { ...explanation, diagnosis: await this.diagnose(p, input.domain, explanation.suggestedChecks) };
  }

  /** Queue the suggested live checks for `domain` as one batch (all or nothing, tenant-owned). */
  async diagnose(p: Principal, domain: string, suggested: SuggestedCheck[]): Promise<DiagnosisModel> {
    const kinds: string[] = [];
    const skipped: { check: string; reason: string }[] = [];
    for (const s of suggested) {
      const k = kindFor(s, this.kinds);
      if (k.kind) {
        if (!kinds.includes(k.kind)) kinds.push(k.kind);
      } else skipped.push({ check: s, reason: k.reason! });
    }
    if (!kinds.length) return { domain, kinds, skipped };
    const batch = await this.checks.submitBatch(p, { checks: kinds.map((kind) => ({ kind, domain })) });
    return { domain, batchId: batch.id, kinds, skipped };
  }

  async analyzeBounce(raw: string | Buffer): Promise<BounceAnalysis> {
    if (!raw.length)
      throw new DomainError('VALIDATION_FAILED', 'message: the body is empty', [
        { field: 'message', message: 'send the raw bounce message as the body' },
      ]);
    // A body buffer that owns its memory moves to the worker instead of being copied.
    const own = typeof raw !== 'string' && raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength;
    return this.pool.run<BounceAnalysis>('bounce', raw, own ? [raw.buffer as ArrayBuffer] : []);
  }

  async analyzeBounceJson(body: unknown): Promise<BounceAnalysis> {
    const input = await validateOrThrow(AnalyzeBounceInput, body);
    return this.pool.run<BounceAnalysis>('bounce', input.message);
  }
}
