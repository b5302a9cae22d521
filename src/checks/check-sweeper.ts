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
    this.timer = setInterval(() => void this.tick(), this.config.sweepIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /**
   * One process sweeps per interval: the others' ticks find the sweep taken. A process that dies
   * holding it only delays the next sweep by one interval.
   */
  private async tick(): Promise<void> {
    const claimed = await this.queues.claimSweep(this.config.sweepIntervalMs - 100).catch((e: unknown) => {
      this.log.warn({ err: (e as Error).message }, 'sweep skipped');
      return false;
    });
    if (claimed) await this.sweep();
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
      const byQueue = new Map<string, typeof rows>();
      for (const r of rows) {
        const def = this.kinds.get(r.kind);
        if (!def) continue;
        const list = byQueue.get(def.queue);
        if (list) list.push(r);
        else byQueue.set(def.queue, [r]);
      }
      for (const [queue, list] of byQueue) {
        const found = await this.queues.lostOrFailed(
          queue,
          list.map((r) => r.id),
        );
        const lost = new Set(found.missing);
        for (const r of list)
          if (lost.has(r.id)) missing.push({ queue, kind: r.kind, data: { checkId: r.id, tenantId: r.tenant_id } });
        // The job used up its attempts while a dependency was down (e.g. the database during a
        // long outage) but no outcome was stored: run it again rather than leave the check stuck.
        for (const id of found.failed) {
          await this.queues.retryFailed(queue, id);
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
