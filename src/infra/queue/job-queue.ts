import { FlowProducer, Queue } from 'bullmq';
import type { RedisClient as Redis } from './redis.factory';

/** A job that must not be retried (BullMQ fails it at once, whatever attempts remain). */
export { UnrecoverableError } from 'bullmq';

/** What a processor sees of a job (BullMQ's Job, narrowed so feature code needs no driver import). */
export interface QueueJob<T> {
  data: T;
  attemptsMade: number;
  opts: { attempts?: number };
}

export interface JobOptions {
  jobId: string;
  attempts: number;
  backoff: { type: 'exponential'; delay: number };
  removeOnComplete: boolean;
  removeOnFail: { count: number };
  /** Flow children only: the parent runs even when this child failed. */
  ignoreDependencyOnFailure?: boolean;
}

export interface JobSpec<T> {
  name: string;
  data: T;
  opts: JobOptions;
}

/** A parent job released only when all its children are done (BullMQ flow). */
export interface FlowSpec<T = unknown> extends JobSpec<T> {
  queueName: string;
  children?: FlowSpec[];
}

/** Producer side of one named queue (not a check queue: those are CheckQueues). Connects on first use. */
export class JobQueue<T> {
  private queue?: Queue;

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    readonly name: string,
  ) {}

  private get q(): Queue {
    if (!this.queue) {
      this.queue = new Queue(this.name, { connection: this.connection, prefix: this.prefix });
      // Connection errors surface through the calls that fail; without a listener they would be printed raw.
      this.queue.on('error', () => undefined);
    }
    return this.queue;
  }

  async addBulk(jobs: JobSpec<T>[]): Promise<void> {
    await this.q.addBulk(jobs);
  }

  /** Waiting, active, delayed and failed jobs, for /metrics and autoscaling. */
  async counts(): Promise<Record<string, number>> {
    return this.q.getJobCounts('waiting', 'active', 'delayed', 'failed');
  }

  async has(jobId: string): Promise<boolean> {
    return Boolean(await this.q.getJob(jobId));
  }

  async close(): Promise<void> {
    await this.queue?.close().catch(() => undefined);
  }
}

/** Adds flows (BullMQ FlowProducer): children on their queues, the parent released when they are done. */
export class JobFlows {
  private producer?: FlowProducer;

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
  ) {}

  async add(flow: FlowSpec): Promise<void> {
    if (!this.producer) {
      this.producer = new FlowProducer({ connection: this.connection, prefix: this.prefix });
      this.producer.on('error', () => undefined);
    }
    await this.producer.add(flow);
  }

  async close(): Promise<void> {
    await this.producer?.close().catch(() => undefined);
  }
}
