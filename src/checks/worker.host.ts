import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/config.schema';
import type { ChecksRepository } from '../infra/database/checks.repository';
import type { CheckQueues, CheckJobData } from '../infra/queue/check-queue';
import { QUEUE_NAMES } from './check-kind';
import type { CheckRunner } from './check.runner';
import { getKind } from './registry';

export interface WorkerLogger {
  info(o: object, m?: string): void;
  warn(o: object, m?: string): void;
  error(o: object, m?: string): void;
}

/**
 * The worker role: one BullMQ Worker per module queue, plus a sweeper that re-enqueues checks the
 * queue lost (the database is the source of truth: if Redis restarts without persistence, queued
 * checks are found again and still complete).
 */
export class WorkerHost {
  private workers: Worker[] = [];
  private sweepTimer?: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly config: AppConfig,
    private readonly connection: Redis,
    private readonly runner: CheckRunner,
    private readonly repo: ChecksRepository,
    private readonly queues: CheckQueues,
    private readonly log: WorkerLogger,
  ) {}

  start(): void {
    for (const q of QUEUE_NAMES) {
      const w = new Worker<CheckJobData>(q, (job: Job<CheckJobData>) => this.runner.process(job), {
        connection: this.connection,
        prefix: this.config.queuePrefix,
        concurrency: this.config.workerConcurrency,
        // A worker killed mid-check loses its lock; another worker picks the job up (stalled-job recovery).
        lockDuration: 30_000,
        stalledInterval: 15_000,
        maxStalledCount: 2,
      });
      w.on('failed', (job, err) => this.log.warn({ checkId: job?.data.checkId, err: err.message }, 'check attempt failed'));
      w.on('error', (err) => this.log.warn({ err: err.message, queue: q }, 'worker error'));
      this.workers.push(w);
    }
    this.sweepTimer = setInterval(() => void this.sweep(), this.config.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  /** Re-enqueue unfinished checks whose job no longer exists in Redis. Idempotent (jobId = checkId). */
  async sweep(): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = true;
    let requeued = 0;
    try {
      const olderThan = new Date(Date.now() - this.config.sweepIntervalMs).toISOString();
      const rows = await this.repo.unfinishedBefore(olderThan, 5000);
      const missing = [];
      for (const r of rows) {
        const def = getKind(r.kind);
        if (!def) continue;
        const job = await this.queues.queues.get(def.queue)!.getJob(r.id);
        if (!job) missing.push({ queue: def.queue, kind: r.kind, data: { checkId: r.id, tenantId: r.tenant_id } });
        // The job used up its attempts while a dependency was down (e.g. the database during a
        // long outage) but no outcome was stored: run it again rather than leave the check stuck.
        else if ((await job.getState()) === 'failed') {
          await job.retry('failed');
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

  /** Stop taking work; let running jobs finish within the bound; then close. */
  async stop(graceMs: number): Promise<void> {
    clearInterval(this.sweepTimer);
    const closing = Promise.all(this.workers.map((w) => w.close()));
    await Promise.race([closing, new Promise((r) => setTimeout(r, graceMs))]);
    await Promise.all(this.workers.map((w) => w.close(true).catch(() => undefined)));
  }
}
