import { plainToInstance } from 'class-transformer';
import type { AppConfig } from '../config/config.schema';
import type { SecretBox } from '../common/secret-box';
import type { CheckRow, ChecksRepository } from '../infra/database/checks.repository';
import type { CheckEventBus } from '../infra/queue/event-bus';
import type { CheckJobData } from '../infra/queue/check-queue';
import type { EngineOutcome, EnginePorts, KindLookup } from './check-kind';
import { CheckLifecycle } from './check-lifecycle';

export interface JobLike {
  data: CheckJobData;
  attemptsMade: number;
  opts: { attempts?: number };
}

/** Raised to make BullMQ retry with backoff (a transient outcome or a crash of the check). */
export class RetryLater extends Error {}

export interface RunnerObserver {
  onFinished?(kind: string, outcome: string, durationMs: number, findings: string[]): void;
}

/**
 * Runs one check job: idempotent (a redelivered job of a finished check does nothing), stores the
 * outcome exactly once, publishes progress, retries only what is transient.
 */
export class CheckRunner {
  constructor(
    private readonly config: AppConfig,
    private readonly kinds: KindLookup,
    private readonly repo: ChecksRepository,
    private readonly events: CheckEventBus,
    private readonly secrets: SecretBox,
    private readonly ports: (checkId: string) => EnginePorts,
    private readonly observer: RunnerObserver = {},
    private readonly shutdownSignal?: AbortSignal,
    private readonly lifecycle: CheckLifecycle = new CheckLifecycle(),
    private readonly onHookError: (e: unknown) => void = () => undefined,
  ) {}

  /** After a stored outcome (`row`, as stored): lifecycle hooks, then the batch's completion. */
  private async afterStored(row: CheckRow, at: string): Promise<void> {
    await this.lifecycle.checkFinished(row, this.onHookError);
    if (row.batch_id && (await this.repo.finishBatchIfDone(row.batch_id, at)))
      await this.lifecycle.batchFinished({ id: row.batch_id, tenantId: row.tenant_id }, this.onHookError);
  }

  async process(job: JobLike): Promise<'completed' | 'failed' | 'skipped'> {
    const { checkId, tenantId } = job.data;
    const started = Date.now();
    // queued -> running and the row in one statement; nothing when missing or already finished.
    const row = await this.repo.start(checkId, new Date(started).toISOString());
    if (!row) return 'skipped';
    // Not awaited: the check does not wait a Redis round trip to begin, and the engine's first
    // progress event (published in this same turn) goes out in the same pipeline. Order is kept
    // (one outbox, one connection); events are best effort either way.
    void this.events.publish({ checkId, tenantId, status: 'running', progress: 0 });

    const isLast = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const def = this.kinds.get(row.kind);
    if (!def) return this.fail(checkId, tenantId, started, `No engine is registered for kind "${row.kind}".`, row.kind);

    const input = plainToInstance<object, object>(def.inputClass, JSON.parse(row.input) as object);
    const timeoutMs = def.timeoutMs?.(input, this.config) ?? 120_000;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new Error(`check exceeded its ${timeoutMs} ms bound`)), timeoutMs);
    const onShutdown = () => ac.abort(new Error('worker shutting down'));
    this.shutdownSignal?.addEventListener('abort', onShutdown);
    let outcome: EngineOutcome;
    try {
      outcome = await def.run(input, {
        config: this.config,
        kinds: this.kinds,
        checkId,
        tenantId,
        ports: this.ports(checkId),
        signal: ac.signal,
        secrets: job.data.sealedSecrets ? this.secrets.open(job.data.sealedSecrets) : {},
        progress: (percent, phase) => {
          void this.events.publish({
            checkId,
            tenantId,
            status: 'running',
            progress: Math.round(percent),
            ...(phase ? { phase } : {}),
          });
        },
      });
    } catch (e) {
      // The check could not run (a bug, or a dependency failing): retry, then record the error.
      if (!isLast) throw new RetryLater(`check could not run: ${(e as Error).message}`);
      return this.fail(checkId, tenantId, started, `The check could not run: ${(e as Error).message}`, row.kind);
    } finally {
      clearTimeout(timer);
      this.shutdownSignal?.removeEventListener('abort', onShutdown);
    }
    if (outcome.transient && !isLast) {
      // Transient (4xx, timeout): let BullMQ retry with backoff; the final attempt is stored as is.
      throw new RetryLater(`transient outcome (${outcome.verdict}); retrying`);
    }
    const completedAt = new Date();
    const stored = await this.repo.finish(checkId, {
      status: 'completed',
      verdict: outcome.verdict,
      score: Math.round(outcome.score),
      findings: JSON.stringify(outcome.findings),
      result: JSON.stringify(outcome.result ?? null),
      error: null,
      completed_at: completedAt.toISOString(),
      duration_ms: completedAt.getTime() - started,
    });
    if (stored) {
      this.observer.onFinished?.(
        row.kind,
        outcome.verdict,
        completedAt.getTime() - started,
        outcome.findings.map((f) => f.code),
      );
      await this.events.publish({ checkId, tenantId, status: 'completed', progress: 100 });
      await this.afterStored(stored, completedAt.toISOString());
    }
    return 'completed';
  }

  private async fail(
    checkId: string,
    tenantId: string,
    started: number,
    error: string,
    kind: string,
  ): Promise<'failed'> {
    const at = new Date();
    const stored = await this.repo.finish(checkId, {
      status: 'failed',
      verdict: 'indeterminate',
      score: null,
      findings: '[]',
      result: null,
      error,
      completed_at: at.toISOString(),
      duration_ms: at.getTime() - started,
    });
    if (stored) {
      this.observer.onFinished?.(kind, 'error', at.getTime() - started, []);
      await this.events.publish({ checkId, tenantId, status: 'failed' });
      await this.afterStored(stored, at.toISOString());
    }
    return 'failed';
  }
}
