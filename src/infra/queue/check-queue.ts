import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES, type QueueName } from '../../checks/check-kind';

/** The only payload a check job carries: ids, and secrets sealed by SecretBox (never clear text). */
export interface CheckJobData {
  checkId: string;
  tenantId: string;
  sealedSecrets?: string;
}

export interface EnqueueItem {
  queue: QueueName;
  kind: string;
  data: CheckJobData;
}

/** Producer side of the per-module queues. jobId = checkId makes every add idempotent. */
export class CheckQueues {
  readonly queues: Map<QueueName, Queue>;

  constructor(
    private readonly connection: Redis,
    readonly prefix: string,
    private readonly attempts: number,
  ) {
    this.queues = new Map(
      QUEUE_NAMES.map((q) => {
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

  async enqueue(items: EnqueueItem[]): Promise<void> {
    const byQueue = new Map<QueueName, EnqueueItem[]>();
    for (const it of items) byQueue.set(it.queue, [...(byQueue.get(it.queue) ?? []), it]);
    for (const [q, list] of byQueue) {
      const queue = this.queues.get(q)!;
      for (let i = 0; i < list.length; i += 1000) {
        await queue.addBulk(list.slice(i, i + 1000).map((it) => ({ name: it.kind, data: it.data, opts: this.jobOpts(it.data.checkId) })));
      }
    }
  }

  /** Waiting + delayed + active jobs per queue, for /metrics and autoscaling. */
  async depths(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [name, q] of this.queues) out[name] = await q.getJobCounts('waiting', 'active', 'delayed', 'failed');
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
  }
}
