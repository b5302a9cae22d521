import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';

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

/** Producer side of one named queue (not a check queue: those are CheckQueues). */
export class JobQueue<T> {
  private readonly queue: Queue;

  constructor(connection: Redis, prefix: string, readonly name: string) {
    this.queue = new Queue(name, { connection, prefix });
    this.queue.on('error', () => undefined);
  }

  async addBulk(jobs: JobSpec<T>[]): Promise<void> {
    await this.queue.addBulk(jobs);
  }

  async has(jobId: string): Promise<boolean> {
    return Boolean(await this.queue.getJob(jobId));
  }

  close(): Promise<void> {
    return this.queue.close().catch(() => undefined);
  }
}

/** Adds flows (BullMQ FlowProducer): children on their queues, the parent released when they are done. */
export class JobFlows {
  private readonly producer: FlowProducer;

  constructor(connection: Redis, prefix: string) {
    this.producer = new FlowProducer({ connection, prefix });
    this.producer.on('error', () => undefined);
  }

  async add(flow: FlowSpec): Promise<void> {
    await this.producer.add(flow);
  }

  close(): Promise<void> {
    return this.producer.close().catch(() => undefined);
  }
}
