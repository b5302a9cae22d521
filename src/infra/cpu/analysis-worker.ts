import type { MessagePort } from 'node:worker_threads';

/**
 * The worker-thread side of AnalysisPool (analysis-pool.ts): turns plain functions into the
 * handler Piscina calls, speaking the pool's small protocol on each job's MessagePort: "started"
 * when the job is picked up (the pool's budget runs from then), and for streams one "ack" per
 * batch of chunks written, then the result on "end", or nothing on "cancel" or when the port closes.
 * Glue over Piscina, which has no per-job channel of its own.
 */
export const STARTED = 'started';
export const ACK = 'ack';

export interface JobEnvelope {
  name: string;
  input: unknown;
  port: MessagePort;
}

/** Consecutive pieces of a stream, sent as one message. */
export type Batch = (string | Uint8Array)[];

export type StreamMessage = { type: 'batch'; chunks: Batch } | { type: 'end' } | { type: 'cancel' };

/** A streaming job: fed batch by batch, answers once at the end. */
export interface StreamSink<R> {
  write(chunk: string | Uint8Array): void;
  end(): R;
}

export type JobHandlers = Record<string, (input: never) => unknown>;
export type StreamHandlers = Record<string, () => StreamSink<unknown>>;

function runStream(sink: StreamSink<unknown>, port: MessagePort): Promise<unknown> {
  return new Promise((resolve, reject) => {
    port.on('close', () => resolve(undefined));
    port.on('message', (m: StreamMessage) => {
      try {
        if (m.type === 'batch') {
          for (const chunk of m.chunks) sink.write(chunk);
          port.postMessage(ACK);
        } else if (m.type === 'end') {
          resolve(sink.end());
          port.close();
        } else {
          resolve(undefined);
          port.close();
        }
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
        port.close();
      }
    });
  });
}

/** The handler a worker module exports as default (Piscina calls it once per job). */
export function analysisWorker(
  jobs: JobHandlers,
  streams: StreamHandlers = {},
): (job: JobEnvelope) => Promise<unknown> {
  return async ({ name, input, port }) => {
    port.postMessage(STARTED);
    const stream = streams[name];
    if (stream) return runStream(stream(), port);
    try {
      const fn = jobs[name];
      if (!fn) throw new Error(`analysis worker: no job named ${name}`);
      return await fn(input as never);
    } finally {
      port.close();
    }
  };
}
