import { Inject, type Type } from '@nestjs/common';
import type { CheckJobData } from '../infra/queue/check-queue';
import type { QueueJob } from '../infra/queue/job-queue';
import { QueueProcessor, type JobProcessor } from '../infra/queue/processor.decorator';
import { CheckRunner } from './check.runner';

const processors = new Map<string, Type<JobProcessor<CheckJobData>>>();

/**
 * The processor of a module's check queue: the check runner. A module that owns check kinds lists
 * `CheckQueueProcessor('<queue>')` in its providers; that registers the queue (producers and
 * workers are made for it) and lets the registry accept kinds on it.
 */
export function CheckQueueProcessor(queue: string): Type<JobProcessor<CheckJobData>> {
  let type = processors.get(queue);
  if (!type) {
    @QueueProcessor(queue, { checks: true })
    class CheckQueueJobs implements JobProcessor<CheckJobData> {
      constructor(@Inject(CheckRunner) private readonly runner: CheckRunner) {}
      process(job: QueueJob<CheckJobData>) {
        return this.runner.process(job);
      }
    }
    Object.defineProperty(CheckQueueJobs, 'name', { value: `CheckQueueProcessor(${queue})` });
    processors.set(queue, (type = CheckQueueJobs));
  }
  return type;
}
