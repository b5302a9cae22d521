import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, LOGGER } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { ChecksRepository } from '../infra/database/checks.repository';
import { CheckQueues, type EnqueueItem } from '../infra/queue/check-queue';
import { KindRegistry } from './registry';

/**
 * Worker role: re-enqueues checks the queue lost. The database is the source of truth: if Redis
 * restarts without persistence, queued checks are found again and still complete. Idempotent
 * (jobId = checkId). Runs every SWEEP_INTERVAL_MS from boot until shutdown.
 */
@Injectable()
export class CheckSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
    private readonly repo: ChecksRepository,
    private readonly queues: CheckQueues,
    private readonly kinds: KindRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.sweepIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Re-enqueue unfinished checks whose job no longer exists in Redis, or failed without an outcome. */
  async sweep(): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = true;
    let requeued = 0;
    try {
      const olderThan = new Date(Date.now() - this.config.sweepIntervalMs).toISOString();
      const rows = await this.repo.unfinishedBefore(olderThan, 5000);
      const missing: EnqueueItem[] = [];
      for (const r of rows) {
        const def = this.kinds.get(r.kind);
        if (!def) continue;
        const state = await this.queues.jobState(def.queue, r.id);
        if (state === 'missing')
          missing.push({ queue: def.queue, kind: r.kind, data: { checkId: r.id, tenantId: r.tenant_id } });
        // The job used up its attempts while a dependency was down (e.g. the database during a
        // long outage) but no outcome was stored: run it again rather than leave the check stuck.
        else if (state === 'failed') {
          await this.queues.retryFailed(def.queue, r.id);
          requeued++;
        }
      }
      if (missing.length) {
        await this.queues.enqueue(missing);
        requeued += missing.length;
      }
      if (requeued) this.log.warn({ requeued }, 're-enqueued unfinished checks whose job was lost or had failed');
    } catch (e) {
      // Redis or the database is down: try again at the next tick.
      this.log.warn({ err: (e as Error).message }, 'sweep skipped');
    } finally {
      this.sweeping = false;
    }
    return requeued;
  }
}
