import { Inject, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { CheckQueueProcessor } from '../../checks/check-queue.processor';
import { ChecksModule } from '../../checks/checks.module';
import { ChecksService } from '../../checks/checks.service';
import { KindRegistry } from '../../checks/registry';
import { APP_CONFIG, LOGGER } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import { ChecksRepository } from '../../infra/database/checks.repository';
import { HistoryRepository } from '../../infra/database/history.repository';
import type { QueueJob } from '../../infra/queue/job-queue';
import { QueueProcessor, type JobProcessor } from '../../infra/queue/processor.decorator';
import { JobQueues } from '../../infra/queue/queue.module';
import { HistoryModule } from '../history/history.module';
import { HEALTH_REPORT_QUEUE, HealthFlow } from './health.flow';
import { HealthKind } from './health.kind';

/** Worker role: the flow's parent jobs, released when every child check is done, write the report. */
@QueueProcessor(HEALTH_REPORT_QUEUE, { concurrency: 5 })
export class HealthReportProcessor implements JobProcessor<{ checkId: string }> {
  constructor(@Inject(HealthFlow) private readonly flow: HealthFlow) {}
  async process(job: QueueJob<{ checkId: string }>): Promise<void> {
    await this.flow.finalize(job.data.checkId);
  }
}

/**
 * Health (part of ReportsModule): kind `health` on the `reports` queue, run as a BullMQ flow of
 * dns/mx and smtp child checks whose parent job writes the report. Settings: the `health` slice.
 */
@Module({
  imports: [ChecksModule, HistoryModule],
  providers: [
    {
      provide: HealthFlow,
      useFactory: (
        config: AppConfig,
        log: Logger,
        checksRepo: ChecksRepository,
        checks: ChecksService,
        kinds: KindRegistry,
        queues: JobQueues,
        history: HistoryRepository,
      ) =>
        new HealthFlow(
          {
            checksRepo,
            checks,
            kinds,
            reportQueue: queues.queue(HEALTH_REPORT_QUEUE),
            flows: queues.flows(),
            log,
            jobAttempts: config.jobAttempts,
          },
          history,
          config.health,
        ),
      inject: [APP_CONFIG, LOGGER, ChecksRepository, ChecksService, KindRegistry, JobQueues, HistoryRepository],
    },
    HealthKind,
    HealthReportProcessor,
    CheckQueueProcessor('reports'),
  ],
})
export class HealthModule {}
