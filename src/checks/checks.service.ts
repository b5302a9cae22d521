import type { AppConfig } from '../config/config.schema';
import type { Principal } from '../auth/principal';
import type { Finding } from '../common/finding';
import { rootCauseOf } from '../findings/grading';
import { DomainError, isDependencyDown, notFound, unavailable, type FieldError } from '../common/errors/domain-error';
import { validateInput } from '../common/errors/validate-input';
import { uuidv7, UUID_RE } from '../common/ids';
import type { SecretBox } from '../common/secret-box';
import type { CheckRow, ChecksRepository } from '../infra/database/checks.repository';
import type { CheckEventBus } from '../infra/queue/event-bus';
import type { CheckQueues, EnqueueItem } from '../infra/queue/check-queue';
import type { BatchModel, CheckModel, CheckPageModel, SubmittedCheckModel } from './check.model';
import type { KindLookup } from './check-kind';

export const MAX_BATCH = 10_000;
export const MAX_WAIT_SECONDS = 30;
/** The most single submits stored and enqueued together (one multi-row insert, one addBulk). */
const MAX_GROUP = 200;

interface Prepared {
  row: CheckRow;
  enqueue: EnqueueItem;
}

function parseJson<T>(s: string | null): T | undefined {
  return s === null ? undefined : (JSON.parse(s) as T);
}

/**
 * Publishable keys sit in web pages, so anyone can use them: they submit one check per request,
 * never batches (one request could otherwise queue thousands of checks on the tenant's behalf).
 */
export function assertMayBatch(p: Principal): void {
  if (p.type === 'publishable') {
    throw new DomainError(
      'FORBIDDEN',
      'Publishable keys cannot submit batches: submit one check per request, or submit batches from your server with a secret key.',
    );
  }
}

export function toCheckModel(r: CheckRow): CheckModel {
  const findings = parseJson<Finding[]>(r.findings) ?? [];
  const rootCause = rootCauseOf(findings);
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    target: r.target,
    input: JSON.parse(r.input),
    verdict: r.verdict ?? undefined,
    score: r.score ?? undefined,
    findings,
    ...(rootCause ? { rootCause } : {}),
    result: parseJson(r.result),
    error: r.error ?? undefined,
    batchId: r.batch_id ?? undefined,
    monitorId: r.monitor_id ?? undefined,
    createdAt: r.created_at,
    startedAt: r.started_at ?? undefined,
    completedAt: r.completed_at ?? undefined,
    durationMs: r.duration_ms ?? undefined,
  };
}

/**
 * The check lifecycle on the API side: validate, store, enqueue, read. Transport-free: REST
 * controllers and GraphQL resolvers call these methods and nothing else.
 */
export class ChecksService {
  /** Single submits waiting to be stored and enqueued together (see `accept`). */
  private pending: { prepared: Prepared; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private writing = false;

  constructor(
    private readonly config: AppConfig,
    private readonly repo: ChecksRepository,
    private readonly queues: CheckQueues,
    private readonly events: CheckEventBus,
    private readonly secrets: SecretBox,
    private readonly kinds: KindLookup,
  ) {}

  /** Validate one `{ kind, ...input }` object. Returns field errors instead of throwing. */
  async prepare(
    p: Principal,
    body: unknown,
    batchId: string | null,
    prefix = '',
    monitorId: string | null = null,
  ): Promise<{ prepared?: Prepared; errors: FieldError[] }> {
    const at = (f: string) => (prefix ? `${prefix}.${f}` : f);
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      return { errors: [{ field: prefix || '(body)', message: 'must be a JSON object with a "kind"' }] };
    const { kind, ...rest } = body as Record<string, unknown>;
    if (typeof kind !== 'string' || !kind)
      return { errors: [{ field: at('kind'), message: `is required; one of: ${this.kinds.names().join(', ')}` }] };
    const def = this.kinds.get(kind);
    if (!def)
      return {
        errors: [
          {
            field: at('kind'),
            message: `unknown kind "${kind.slice(0, 40)}"; one of: ${this.kinds.names().join(', ')}`,
          },
        ],
      };
    if (p.allowedKinds && !p.allowedKinds.includes(kind))
      return { errors: [{ field: at('kind'), message: `kind "${kind}" is not allowed for this key` }] };
    const { value, errors } = await validateInput<object>(def.inputClass, rest, prefix);
    if (!value) return { errors };
    let input: object = value;
    let sealed: string | undefined;
    if (def.extractSecrets) {
      const x = def.extractSecrets(value);
      input = x.input as object;
      if (Object.keys(x.secrets).length) sealed = this.secrets.seal(x.secrets);
    }
    let target: string;
    try {
      target = def.target(value as never).slice(0, 400);
    } catch {
      // A shape the input class let through but the kind cannot read is still the caller's error.
      return { errors: [{ field: prefix || '(body)', message: `is not a valid ${kind} check input` }] };
    }
    const id = uuidv7();
    const now = new Date().toISOString();
    const row: CheckRow = {
      id,
      tenant_id: p.tenantId,
      batch_id: batchId,
      monitor_id: monitorId,
      created_by: p.keyId,
      kind,
      target,
      status: 'queued',
      input: JSON.stringify(input),
      verdict: null,
      score: null,
      findings: null,
      result: null,
      error: null,
      attempts: 0,
      created_at: now,
      started_at: null,
      completed_at: null,
      duration_ms: null,
    };
    return {
      prepared: {
        row,
        enqueue: {
          queue: def.queue,
          kind,
          data: { checkId: id, tenantId: p.tenantId, ...(sealed ? { sealedSecrets: sealed } : {}) },
        },
      },
      errors: [],
    };
  }

  /** Validate, store and enqueue one check; `monitorId` marks a run of that monitor (MonitorsModule). */
  async submit(p: Principal, body: unknown, opts: { monitorId?: string } = {}): Promise<SubmittedCheckModel> {
    const { prepared, errors } = await this.prepare(p, body, null, '', opts.monitorId ?? null);
    if (!prepared) {
      const unknownKind =
        errors.length === 1 && errors[0]!.field === 'kind' && errors[0]!.message.startsWith('unknown kind');
      throw new DomainError(
        unknownKind ? 'UNKNOWN_KIND' : 'VALIDATION_FAILED',
        errors.map((e) => `${e.field}: ${e.message}`).join('; '),
        errors,
      );
    }
    await this.accept(prepared);
    return { id: prepared.row.id, kind: prepared.row.kind, status: 'queued', createdAt: prepared.row.created_at };
  }

  /**
   * Store then enqueue one check, resolving once both are done (a check is stored before it is
   * acknowledged). Submits that arrive while a group is being written are gathered and written
   * together when it is done (group commit): one multi-row insert and one addBulk for the group
   * instead of a statement, a commit and a queue round trip per check. A group that fails to store
   * fails every submit in it (503 when the database is down); one that fails to enqueue has its rows
   * removed (a client retry leaves no phantom check) and fails every submit in it with 503.
   */
  private accept(prepared: Prepared): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ prepared, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        // Let the requests already read in this turn of the event loop join the group.
        setImmediate(() => void this.writeGroups());
      }
    });
  }

  private async writeGroups(): Promise<void> {
    while (this.pending.length) {
      const group = this.pending.splice(0, MAX_GROUP);
      try {
        await this.writeGroup(group.map((g) => g.prepared));
        for (const g of group) g.resolve();
      } catch (e) {
        if (group.length > 1 && !(e instanceof DomainError)) {
          // Not an outage (those are DomainErrors by now): store each alone, so one bad row fails alone.
          await Promise.all(group.map((g) => this.writeGroup([g.prepared]).then(g.resolve, g.reject)));
        } else for (const g of group) g.reject(e);
      }
    }
    this.writing = false;
  }

  private async writeGroup(group: Prepared[]): Promise<void> {
    await this.guard(() => this.repo.insertMany(group.map((x) => x.row)));
    try {
      await this.queues.enqueue(group.map((x) => x.enqueue));
    } catch (e) {
      // Not accepted: remove the rows so a client retry does not leave a phantom check behind.
      await this.repo.delete(group.map((x) => x.row.id)).catch(() => undefined);
      throw unavailable(`The job queue (Redis) is unreachable: ${(e as Error).message}. Retry shortly.`);
    }
  }

  async get(p: Principal, id: string): Promise<CheckModel> {
    const row = UUID_RE.test(id) ? await this.guard(() => this.repo.find(p.tenantId, id)) : undefined;
    // Publishable keys see only the checks they created; anything else is "not found" (no oracle).
    if (!row || (p.type === 'publishable' && row.created_by !== p.keyId)) throw notFound('Check', id);
    return toCheckModel(row);
  }

  async list(
    p: Principal,
    q: {
      kind?: string;
      target?: string;
      status?: string;
      limit?: number;
      cursor?: string;
      batchId?: string;
      monitorId?: string;
    },
  ): Promise<CheckPageModel> {
    if (p.type === 'publishable')
      throw new DomainError('FORBIDDEN', 'Publishable keys cannot list checks; read the checks you created by id.');
    const limit = Math.min(Math.max(Math.trunc(Number(q.limit ?? 50)) || 50, 1), 500);
    if (q.cursor !== undefined && !UUID_RE.test(q.cursor))
      throw new DomainError('VALIDATION_FAILED', 'cursor: invalid', [
        { field: 'cursor', message: 'is not a cursor returned by this API' },
      ]);
    if (q.status !== undefined && !['queued', 'running', 'completed', 'failed'].includes(q.status)) {
      throw new DomainError('VALIDATION_FAILED', 'status: invalid', [
        { field: 'status', message: 'must be queued, running, completed or failed' },
      ]);
    }
    const rows = await this.guard(() =>
      this.repo.list({
        tenantId: p.tenantId,
        kind: q.kind,
        target: q.target?.toLowerCase(),
        status: q.status,
        batchId: q.batchId,
        monitorId: q.monitorId,
        cursor: q.cursor,
        limit: limit + 1,
      }),
    );
    const items = rows.slice(0, limit).map(toCheckModel);
    return { items, ...(rows.length > limit ? { nextCursor: items[items.length - 1]!.id } : {}) };
  }

  /** Wait up to `seconds` for the check to finish; returns the check either way. */
  async wait(p: Principal, id: string, seconds: number): Promise<CheckModel> {
    const ms = Math.min(Math.max(seconds, 0), MAX_WAIT_SECONDS) * 1000;
    const deadline = Date.now() + ms;
    let current = await this.get(p, id);
    while (!isFinished(current.status) && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const off = this.events.on(id, (e) => {
          if (isFinished(e.status)) done();
        });
        // Poll as well: an event published before we subscribed, or lost, must not stall us.
        const t = setTimeout(done, Math.min(500, Math.max(0, deadline - Date.now())));
        function done() {
          clearTimeout(t);
          off();
          resolve();
        }
      });
      current = await this.get(p, id);
    }
    return current;
  }

  async submitBatch(p: Principal, body: unknown): Promise<{ id: string; total: number }> {
    assertMayBatch(p);
    const checks = (body as { checks?: unknown } | null)?.checks;
    if (!Array.isArray(checks) || checks.length === 0) {
      throw new DomainError('VALIDATION_FAILED', 'checks: must be a non-empty array', [
        { field: 'checks', message: 'must be a non-empty array of { kind, ...input }' },
      ]);
    }
    if (checks.length > MAX_BATCH) {
      throw new DomainError('VALIDATION_FAILED', `checks: at most ${MAX_BATCH} items`, [
        { field: 'checks', message: `has ${checks.length} items; at most ${MAX_BATCH}` },
      ]);
    }
    const extra = Object.keys(body as object).filter((k) => k !== 'checks');
    if (extra.length)
      throw new DomainError(
        'VALIDATION_FAILED',
        `unknown field ${extra[0]}`,
        extra.map((f) => ({ field: f, message: 'is not a known field' })),
      );
    const batchId = uuidv7();
    const prepared: Prepared[] = [];
    const errors: FieldError[] = [];
    const invalid: number[] = [];
    for (let i = 0; i < checks.length; i++) {
      const r = await this.prepare(p, checks[i], batchId, `checks[${i}]`);
      if (r.prepared) prepared.push(r.prepared);
      else {
        invalid.push(i);
        if (errors.length < 200) errors.push(...r.errors);
      }
    }
    // All or nothing: one invalid item rejects the batch, with every bad index named.
    if (invalid.length)
      throw new DomainError('VALIDATION_FAILED', `${invalid.length} of ${checks.length} checks are invalid`, errors, {
        invalidIndexes: invalid.slice(0, 1000),
      });
    const now = new Date().toISOString();
    await this.guard(() =>
      this.repo.insertBatch(
        {
          id: batchId,
          tenant_id: p.tenantId,
          created_by: p.keyId,
          total: prepared.length,
          status: 'running',
          created_at: now,
          completed_at: null,
        },
        prepared.map((x) => x.row),
      ),
    );
    try {
      await this.queues.enqueue(prepared.map((x) => x.enqueue));
    } catch (e) {
      await this.repo.deleteBatch(batchId).catch(() => undefined);
      throw unavailable(`The job queue (Redis) is unreachable: ${(e as Error).message}. Retry shortly.`);
    }
    return { id: batchId, total: prepared.length };
  }

  async getBatch(p: Principal, id: string): Promise<BatchModel> {
    const b = UUID_RE.test(id) ? await this.guard(() => this.repo.findBatch(p.tenantId, id)) : undefined;
    if (!b || (p.type === 'publishable' && b.created_by !== p.keyId)) throw notFound('Batch', id);
    const c = await this.guard(() => this.repo.batchCounts(id));
    return {
      id: b.id,
      status: b.status,
      total: b.total,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
      createdAt: b.created_at,
      completedAt: b.completed_at ?? undefined,
    };
  }

  async batchChecks(p: Principal, id: string, q: { limit?: number; cursor?: string }): Promise<CheckPageModel> {
    await this.getBatch(p, id);
    return this.list({ ...p, type: 'secret' }, { ...q, batchId: id });
  }

  /** Database errors that mean "down" become 503; everything else propagates. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (isDependencyDown(e))
        throw unavailable(`The database is unreachable: ${(e as Error).message}. Retry shortly.`);
      throw e;
    }
  }
}

export function isFinished(status: string): boolean {
  return status === 'completed' || status === 'failed';
}
