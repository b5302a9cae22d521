import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import { LogsController } from './logs.controller';
import { LogsService } from './logs.service';

/** Logs (part of ReportsModule): streaming Postfix/Exim/Sendmail analysis, bounded by LOG_MAX_BYTES. */
@Module({
  controllers: [LogsController],
  providers: [{ provide: LogsService, useFactory: (config: AppConfig) => new LogsService(config.reports.logMaxBytes), inject: [APP_CONFIG] }],
  exports: [LogsService],
})
export class LogsModule {}
