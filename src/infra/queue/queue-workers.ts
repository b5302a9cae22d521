import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import { Shutdown } from '../../common/shutdown';
import { APP_CONFIG, LOGGER } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import type { QueueJob } from './job-queue';
import { ProcessorCatalog } from './processor.catalog';
import { RedisConnections } from './redis.factory';

/**
 * The worker role's host: one BullMQ Worker per @QueueProcessor provider of the application (the
 * check queues of each module, webhook deliveries, health reports), started when the application
 * has booted and stopped when it shuts down:
 * - first SIGTERM (app.close()): stop taking work; running jobs get SHUTDOWN_GRACE_MS to finish,
 *   then the shutdown signal aborts the checks still running and the workers are force-closed;
 * - a worker killed mid-check loses its lock, and another worker picks the job up (stalled-job
 *   recovery: lockDuration, stalledInterval, maxStalledCount on check queues).
 */
@Injectable()
export class QueueWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  private workers: Worker[] = [];

  constructor(
    private readonly catalog: ProcessorCatalog,
    private readonly redis: RedisConnections,
    private readonly shutdown: Shutdown,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    for (const p of this.catalog.list()) {
      const processor = p.instance();
      const { queue, options } = p.meta;
      const w = new Worker(queue, (job) => processor.process(job as QueueJob<unknown>), {
        connection: this.redis.worker,
        prefix: this.config.queuePrefix,
        concurrency: options.checks ? this.config.workerConcurrency : (options.concurrency ?? 1),
        // A worker killed mid-check loses its lock; another worker picks the job up (stalled-job recovery).
        ...(options.checks ? { lockDuration: 30_000, stalledInterval: 15_000, maxStalledCount: 2 } : {}),
      });
      if (options.checks)
        w.on('failed', (job, err) =>
          this.log.warn(
            { checkId: (job?.data as { checkId?: string } | undefined)?.checkId, err: err.message },
            'check attempt failed',
          ),
        );
      w.on('error', (err) => this.log.warn({ err: err.message, queue }, 'worker error'));
      this.workers.push(w);
    }
  }

  async onModuleDestroy(): Promise<void> {
    const graceMs = this.config.shutdownGraceMs;
    // Running checks get SHUTDOWN_GRACE_MS to finish; only then are they aborted.
    const abortLater = setTimeout(() => this.shutdown.abort(), graceMs);
    await this.stop(graceMs);
    clearTimeout(abortLater);
    this.shutdown.abort();
  }

  /** Stop taking work; let running jobs finish within the bound; then close. */
  private async stop(graceMs: number): Promise<void> {
    const closing = Promise.all(this.workers.map((w) => w.close()));
    await Promise.race([closing, new Promise((r) => setTimeout(r, graceMs))]);
    await Promise.all(this.workers.map((w) => w.close(true).catch(() => undefined)));
  }
}
