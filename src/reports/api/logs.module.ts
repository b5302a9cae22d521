import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import { AnalysisPool } from '../../infra/cpu/analysis-pool';
import { AnalysisModule } from './analysis.module';
import { LogsController } from './logs.controller';
import { LogsService } from './logs.service';

/** Logs (part of ReportsModule): streaming Postfix/Exim/Sendmail analysis in the analysis pool, bounded by LOG_MAX_BYTES. */
@Module({
  imports: [AnalysisModule],
  controllers: [LogsController],
  providers: [
    {
      provide: LogsService,
      useFactory: (config: AppConfig, pool: AnalysisPool) => new LogsService(config.reports.logMaxBytes, pool),
      inject: [APP_CONFIG, AnalysisPool],
    },
  ],
  exports: [LogsService],
})
export class LogsModule {}
