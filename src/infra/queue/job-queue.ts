import { FlowProducer, Queue } from 'bullmq';
import type { RedisClient as Redis } from './redis.factory';

/** A job that must not be retried (BullMQ fails it at once, whatever attempts remain). */
export { UnrecoverableError } from 'bullmq';

/** What a processor sees of a job (BullMQ's Job, narrowed so feature code needs no driver import). */
export interface QueueJob<T> {
  /** The job id (a job scheduler's jobs: `repeat:<schedulerId>:<slot millis>`). */
  id?: string;
  data: T;
  attemptsMade: number;
  /** `prevMillis`: the slot (epoch ms, before the scheduler's offset) of a job a job scheduler made. */
  opts: { attempts?: number; prevMillis?: number };
}

/** A recurring job: one BullMQ job scheduler (`upsertJobScheduler`), one job per slot of `everyMs`. */
export interface ScheduleSpec<T> {
  /** Slot length. Slots are aligned to multiples of `everyMs` (epoch), shifted by `offsetMs`. */
  everyMs: number;
  /** Shift of every slot within [0, everyMs): spreads schedulers of the same interval apart (jitter). */
  offsetMs: number;
  name: string;
  data: T;
  opts: Pick<JobOptions, 'attempts' | 'backoff' | 'removeOnComplete' | 'removeOnFail'>;
}

/**
 * The job-scheduler port over BullMQ's job schedulers: they live in Redis (so they survive process
 * restarts), and each slot becomes one job whose id names the scheduler and the slot, so several
 * workers never run one slot twice.
 */
export interface JobScheduler<T> {
  upsertScheduler(id: string, spec: ScheduleSpec<T>): Promise<void>;
  removeScheduler(id: string): Promise<boolean>;
  /** The scheduler's interval and next slot, or undefined when Redis has none of that id. */
  getScheduler(id: string): Promise<{ everyMs?: number; offsetMs?: number; next?: number } | undefined>;
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
export class JobQueue<T> implements JobScheduler<T> {
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

  async upsertScheduler(id: string, spec: ScheduleSpec<T>): Promise<void> {
    await this.q.upsertJobScheduler(
      id,
      { every: spec.everyMs, ...(spec.offsetMs > 0 ? { offset: spec.offsetMs } : {}) },
      { name: spec.name, data: spec.data, opts: spec.opts },
    );
  }

  async removeScheduler(id: string): Promise<boolean> {
    return this.q.removeJobScheduler(id);
  }

  async getScheduler(id: string): Promise<{ everyMs?: number; offsetMs?: number; next?: number } | undefined> {
    const s = await this.q.getJobScheduler(id);
    if (!s) return undefined;
    return { everyMs: s.every ? Number(s.every) : undefined, offsetMs: s.offset, next: s.next };
  }

  /** Jobs in the given states (default: waiting, delayed or running), by id (tests and diagnostics). */
  async pendingJobIds(
    states: ('waiting' | 'delayed' | 'active' | 'prioritized')[] = ['waiting', 'delayed', 'active', 'prioritized'],
  ): Promise<string[]> {
    const jobs = await this.q.getJobs(states);
    return jobs.map((j) => j.id ?? '').filter(Boolean);
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
