import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';
import type { QueueJob } from './job-queue';

export const QUEUE_PROCESSOR = 'smtp-doctor:queue-processor';

export interface QueueProcessorOptions {
  /** Jobs one process runs at once (default 1). Check queues use WORKER_CONCURRENCY instead. */
  concurrency?: number;
  /**
   * A check queue (probe, dns, content, reports...): its jobs are checks run by the check runner,
   * with WORKER_CONCURRENCY and stalled-job recovery (a killed worker's check is picked up again).
   */
  checks?: boolean;
}

export interface QueueProcessorMeta {
  queue: string;
  options: QueueProcessorOptions;
}

/** A provider that processes the jobs of one queue (see QueueWorkers). Throw to have BullMQ retry. */
export interface JobProcessor<T = unknown> {
  process(job: QueueJob<T>): Promise<unknown>;
}

/**
 * Marks a provider as the processor of `queue`. Processors are found, not listed: the worker role
 * (QueueWorkers) discovers every one at boot and runs one BullMQ Worker per processor.
 */
export function QueueProcessor(queue: string, options: QueueProcessorOptions = {}): ClassDecorator {
  return applyDecorators(SetMetadata(QUEUE_PROCESSOR, { queue, options } satisfies QueueProcessorMeta), Injectable());
}
