import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, LOGGER } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import { AnalysisPool } from '../../infra/cpu/analysis-pool';
import { workerFile } from '../../infra/cpu/worker-file';

/**
 * The analysis pool (part of ReportsModule, used by ExplainModule and LogsModule): explain, bounce
 * and log parsing run in worker threads (analysis.worker.ts, on src/infra/cpu/analysis-pool.ts)
 * within a time budget, never on the API's event loop. Threads start on first use, so a role that
 * never analyses starts none; the pool is closed (threads terminated) at application shutdown.
 * Settings: the `analysis` slice (ANALYSIS_THREADS, ANALYSIS_TIMEOUT_MS, ANALYSIS_MAX_QUEUE).
 */
@Module({
  providers: [
    {
      provide: AnalysisPool,
      useFactory: (config: AppConfig, log: Logger) =>
        new AnalysisPool({
          filename: () => workerFile(__filename, 'analysis.worker'),
          threads: config.analysis.threads,
          timeoutMs: config.analysis.timeoutMs,
          maxQueue: config.analysis.maxQueue,
          onError: (e) => log.error({ err: (e as Error).message }, 'analysis pool error'),
        }),
      inject: [APP_CONFIG, LOGGER],
    },
  ],
  exports: [AnalysisPool],
})
export class AnalysisModule implements OnApplicationShutdown {
  constructor(@Inject(AnalysisPool) private readonly pool: AnalysisPool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.close();
  }
}
