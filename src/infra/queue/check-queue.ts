import { Queue } from 'bullmq';
import type { RedisClient as Redis } from './redis.factory';

/** The only payload a check job carries: ids, and secrets sealed by SecretBox (never clear text). */
export interface CheckJobData {
  checkId: string;
  tenantId: string;
  sealedSecrets?: string;
}

export interface EnqueueItem {
  /** The kind's module queue (probe, dns, content, reports...). */
  queue: string;
  kind: string;
  data: CheckJobData;
}

/**
 * Producer side of the module queues that carry checks (one per module that owns check kinds,
 * named by its CheckQueueProcessor). jobId = checkId makes every add idempotent.
 */
export class CheckQueues {
  readonly queues: Map<string, Queue>;

  constructor(
    private readonly connection: Redis,
    readonly prefix: string,
    private readonly attempts: number,
    names: readonly string[],
  ) {
    this.queues = new Map(
      names.map((q) => {
        const queue = new Queue(q, { connection, prefix });
        // Connection errors surface as failed adds (503); without a listener they would be printed raw.
        queue.on('error', () => undefined);
        return [q, queue];
      }),
    );
  }

  private jobOpts(checkId: string) {
    return {
      jobId: checkId,
      attempts: this.attempts,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
    };
  }

  private queue(name: string): Queue {
    const q = this.queues.get(name);
    if (!q) throw new Error(`no check queue "${name}" is registered`);
    return q;
  }

  async enqueue(items: EnqueueItem[]): Promise<void> {
    const byQueue = new Map<string, EnqueueItem[]>();
    for (const it of items) byQueue.set(it.queue, [...(byQueue.get(it.queue) ?? []), it]);
    for (const [q, list] of byQueue) {
      const queue = this.queue(q);
      for (let i = 0; i < list.length; i += 1000) {
        await queue.addBulk(
          list.slice(i, i + 1000).map((it) => ({ name: it.kind, data: it.data, opts: this.jobOpts(it.data.checkId) })),
        );
      }
    }
  }

  /**
   * Of these checks' jobs on `queue`, those Redis no longer has and those that failed (used up
   * their attempts): two commands per job in one round trip (EXISTS on the job's hash, ZSCORE in
   * the failed set; every key of a queue shares one slot on a Cluster) instead of loading each job
   * and asking its state one by one.
   */
  async lostOrFailed(queue: string, checkIds: readonly string[]): Promise<{ missing: string[]; failed: string[] }> {
    const q = this.queue(queue);
    const out = { missing: [] as string[], failed: [] as string[] };
    if (!checkIds.length) return out;
    const p = this.connection.pipeline();
    for (const id of checkIds) p.exists(q.toKey(id)).zscore(q.keys.failed!, id);
    const res = (await p.exec()) ?? [];
    checkIds.forEach((id, i) => {
      const [existsErr, exists] = res[2 * i] ?? [];
      const [failedErr, score] = res[2 * i + 1] ?? [];
      const err = existsErr ?? failedErr;
      if (err) throw err;
      if (Number(exists) === 0) out.missing.push(id);
      else if (score !== null) out.failed.push(id);
    });
    return out;
  }

  /**
   * Take the sweep for the next `ms` (SET NX PX): with many worker processes one of them sweeps
   * per interval, instead of each reading every unfinished check and asking Redis about it.
   */
  async claimSweep(ms: number): Promise<boolean> {
    return (await this.connection.set(`${this.prefix}:sweep`, String(process.pid), 'PX', ms, 'NX')) === 'OK';
  }

  /** The state of a check's job ('missing' when Redis no longer has it). */
  async jobState(queue: string, checkId: string): Promise<string> {
    const job = await this.queue(queue).getJob(checkId);
    return job ? await job.getState() : 'missing';
  }

  /** Run a job that used up its attempts again (the sweeper's rescue of a stuck check). */
  async retryFailed(queue: string, checkId: string): Promise<void> {
    await (await this.queue(queue).getJob(checkId))?.retry('failed');
  }

  /** Waiting, active, delayed and failed jobs per check queue (QueueDepths adds the other queues). */
  async depths(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [name, q] of this.queues) out[name] = await q.getJobCounts('waiting', 'active', 'delayed', 'failed');
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
  }
}
