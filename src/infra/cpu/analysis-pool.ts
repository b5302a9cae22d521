import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { DomainError } from '../../common/errors/domain-error';
import { ACK, STARTED, type Batch, type JobEnvelope, type StreamMessage } from './analysis-worker';

/**
 * A worker-thread pool for CPU-heavy analysis of untrusted input (bounces, mail logs, replies), so
 * the API's event loop, and with it /healthz and every other tenant's request, stays free while
 * one analysis runs. Piscina does the pooling, the queueing and the terminate-and-replace of
 * an aborted thread; this file adds what it has no notion of:
 *
 * - A time budget that counts only the time a worker spends on a job, not the time the job waits
 *   in the queue or, for a streamed log, for the client's next bytes. The worker posts "started" on
 *   the job's own MessagePort when it picks the job up; the timer runs from then until the result
 *   (one-shot jobs), or from each batch sent until the worker acknowledges it (streams). Over
 *   budget the job is aborted: Piscina terminates that thread and starts a fresh one.
 * - Coded errors: over budget (or out of worker memory) is ANALYSIS_TOO_EXPENSIVE (422); more
 *   than `maxQueue` jobs waiting is ANALYSIS_BUSY (503, Retry-After), at once, so a flood costs
 *   no memory. Anything else stays as thrown.
 * - Streams. A log request stays one job on one thread for its whole length (the analyser's tables
 *   are its state, which cannot move between threads cheaply, and merging partial results would
 *   change the counts of messages whose lines fall in different parts), fed in batches of about
 *   `batchBytes` over the job's MessagePort; the next batch is read from the socket only after the
 *   worker has acknowledged the previous one. That keeps the streaming semantics (memory bounded
 *   by one batch, backpressure to the client). The budget applies to each batch, so a log may be
 *   as long as LOG_MAX_BYTES allows while no part of it may be pathologically slow. The price: a
 *   slow uploader holds its thread while it trickles, and waiting jobs wait for it (the wait is
 *   bounded by maxQueue, so a flood still gets 503).
 *
 * The pool starts its threads on first use, so a worker-role process never starts any.
 */
export interface AnalysisPoolOptions {
  /**
   * Absolute path of the compiled worker module (a .js file exporting an analysisWorker()), or a
   * function giving it on first use (which may throw: the message becomes a 503 detail).
   */
  filename: string | (() => string);
  threads: number;
  /** Budget of one job, or of one batch of a stream, in ms of worker time. */
  timeoutMs: number;
  /** Jobs that may wait for a thread; beyond that, ANALYSIS_BUSY at once. */
  maxQueue: number;
  /** Called with errors the pool raises outside any job (a thread that fails to start...). */
  onError?: (e: unknown) => void;
}

/** A body: a Readable, an async generator, or simply [text]. */
export type Source = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/** A stopwatch that aborts the job when the time it ran exceeds the budget. */
class Budget {
  private timer: NodeJS.Timeout | undefined;
  expired = false;
  constructor(
    private readonly ms: number,
    private readonly controller: AbortController,
  ) {}
  start(): void {
    this.stop();
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort();
    }, this.ms);
  }
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** One submitted job: its Piscina promise, its port and the signals the worker sends on it. */
class Job<T> {
  readonly controller = new AbortController();
  readonly budget: Budget;
  readonly result: Promise<T>;
  readonly started: Promise<void>;
  private ackWaiter: (() => void) | undefined;
  private readonly port: MessagePort;

  constructor(pool: Piscina, name: string, input: unknown, transfer: Transferable[], timeoutMs: number) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.budget = new Budget(timeoutMs, this.controller);
    let onStarted!: () => void;
    this.started = new Promise<void>((resolve) => (onStarted = resolve));
    port1.on('message', (m: unknown) => {
      if (m === STARTED) onStarted();
      else if (m === ACK) this.ackWaiter?.();
    });
    const envelope: JobEnvelope = { name, input, port: port2 };
    this.result = pool.run(envelope, {
      transferList: [port2, ...transfer] as never,
      signal: this.controller.signal,
    }) as Promise<T>;
    // The caller awaits `result` eventually; until then a rejection must not count as unhandled.
    this.result.catch(() => undefined);
  }

  /** Wait until the worker picked the job up; false when it finished first (a quick job). */
  async waitStarted(): Promise<boolean> {
    return Promise.race([this.started.then(() => true), this.result.then(() => false)]);
  }

  /** Send one batch and wait, on the budget, for the worker to acknowledge it. */
  async send(chunks: Batch): Promise<void> {
    const acked = new Promise<void>((resolve) => (this.ackWaiter = resolve));
    const msg: StreamMessage = { type: 'batch', chunks };
    this.port.postMessage(msg);
    this.budget.start();
    try {
      await Promise.race([acked, this.result]);
    } finally {
      this.budget.stop();
    }
  }

  post(msg: StreamMessage): void {
    this.port.postMessage(msg);
  }

  close(): void {
    this.budget.stop();
    this.port.close();
  }
}

export class AnalysisPool {
  private pool: Piscina | undefined;
  private closed = false;
  /** Jobs submitted and not settled: running or waiting for a thread. */
  private active = 0;

  constructor(private readonly opts: AnalysisPoolOptions) {}

  private piscina(): Piscina {
    if (this.closed) throw new DomainError('SERVICE_UNAVAILABLE', 'The service is shutting down.');
    if (!this.pool) {
      let filename: string;
      try {
        filename = typeof this.opts.filename === 'string' ? this.opts.filename : this.opts.filename();
      } catch (e) {
        this.opts.onError?.(e);
        throw new DomainError('SERVICE_UNAVAILABLE', `The analysis threads cannot start: ${(e as Error).message}`);
      }
      // No maxQueue here: Piscina parks a task that has an AbortSignal in a side queue that its
      // maxQueue does not count (piscina 5.3.2, _returnUndistributedTask), so submit() bounds it.
      // Analysis threads run at a lower CPU priority than the event loop (nice +10, per thread on
      // Linux, through Piscina's optional @napi-rs/nice): on a loaded machine the kernel then
      // prefers the thread answering /healthz. Measured here under a load average of 8-10 on 2
      // cores: event-loop delay p99 41-49 ms with it, 129 ms without.
      this.pool = new Piscina({
        filename,
        minThreads: this.opts.threads,
        maxThreads: this.opts.threads,
        niceIncrement: 10,
      });
      this.pool.on('error', (e: unknown) => this.opts.onError?.(e));
    }
    return this.pool;
  }

  private submit<T>(name: string, input: unknown, transfer: Transferable[]): Job<T> {
    const pool = this.piscina();
    if (this.active >= this.opts.threads + this.opts.maxQueue) {
      throw new DomainError(
        'ANALYSIS_BUSY',
        `All ${this.opts.threads} analysis threads are busy and ${this.opts.maxQueue} analyses are waiting (ANALYSIS_MAX_QUEUE); retry shortly.`,
        undefined,
        { retryAfter: 1 },
      );
    }
    const job = new Job<T>(pool, name, input, transfer, this.opts.timeoutMs);
    this.active++;
    const settled = () => void this.active--;
    job.result.then(settled, settled);
    return job;
  }

  /** Run the worker's job `name` on `input` within one budget. */
  async run<T>(name: string, input: unknown, transfer: Transferable[] = []): Promise<T> {
    const job = this.submit<T>(name, input, transfer);
    try {
      if (await job.waitStarted()) job.budget.start();
      return await job.result;
    } catch (e) {
      throw this.translate(e, job, 'The analysis');
    } finally {
      job.close();
    }
  }

  /**
   * Stream `source` into the worker's stream `name` in batches of about `batchBytes`, each within
   * one budget (and the final result within one more). The source is read only once the job has a
   * thread, and one batch at a time.
   */
  async stream<T>(name: string, source: Source, batchBytes = 1024 * 1024): Promise<T> {
    const job = this.submit<T>(name, undefined, []);
    let sourceError: { e: unknown } | undefined;
    let it: AsyncGenerator<Batch> | undefined;
    try {
      if (await job.waitStarted()) {
        it = batches(source, batchBytes);
        for (;;) {
          let next: IteratorResult<Batch>;
          try {
            next = await it.next();
          } catch (e) {
            // The body failed (too large, client gone): free the thread without terminating it.
            sourceError = { e };
            job.post({ type: 'cancel' });
            throw e;
          }
          if (next.done) break;
          await job.send(next.value);
        }
        job.post({ type: 'end' });
        job.budget.start();
      }
      return await job.result;
    } catch (e) {
      if (sourceError) throw sourceError.e;
      throw this.translate(e, job, 'A part of the log');
    } finally {
      // Stopped early (over budget): let go of the source, so that its owner can discard the rest.
      await it?.return(undefined).catch(() => undefined);
      job.close();
    }
  }

  private translate(e: unknown, job: Job<unknown>, what: string): unknown {
    if (e instanceof DomainError) return e;
    if (job.budget.expired) {
      return new DomainError(
        'ANALYSIS_TOO_EXPENSIVE',
        `${what} needed more than ${this.opts.timeoutMs} ms of processing (ANALYSIS_TIMEOUT_MS) and was stopped; send a smaller input.`,
      );
    }
    const err = e as { message?: string; code?: string } | null;
    if (err?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return new DomainError(
        'ANALYSIS_TOO_EXPENSIVE',
        `${what} needed more memory than an analysis thread has and was stopped; send a smaller input.`,
      );
    }
    if (this.closed) return new DomainError('SERVICE_UNAVAILABLE', 'The service is shutting down.');
    return e;
  }

  /** Stop the threads (shutdown: the HTTP server is closed by then, so no request waits on them). */
  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }
}

/**
 * Regroup a body's chunks into batches of about `max` bytes: a socket gives 16-64 KiB reads, and
 * one message per read would spend more on messaging than on parsing. Chunks are passed as they
 * are (the message copies them; no concatenated copy is made here). A string (a JSON body's text)
 * is cut into slices of `max` characters, never inside a surrogate pair.
 */
export async function* batches(source: Source, max: number): AsyncGenerator<Batch> {
  let parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      if (size) yield parts;
      parts = [];
      size = 0;
      for (let i = 0; i < chunk.length;) {
        let end = Math.min(chunk.length, i + max);
        const last = chunk.charCodeAt(end - 1);
        if (end < chunk.length && last >= 0xd800 && last <= 0xdbff) end--;
        yield [chunk.slice(i, end)];
        i = end;
      }
      continue;
    }
    parts.push(chunk);
    size += chunk.length;
    if (size >= max) {
      yield parts;
      parts = [];
      size = 0;
    }
  }
  if (size) yield parts;
}
