import { Module } from '@nestjs/common';
import { ExplainModule } from './api/explain.module';
import { HealthModule } from './health/health.module';
import { HistoryModule } from './history/history.module';
import { ReportsIntakeModule } from './intake/reports-intake.module';

/**
 * Reports: the pure engines explain/ (replies), bounces/ (DSN, ARF, provider bounces) and logs/
 * (mail logs), and the features around them, one Nest module per part: ExplainModule (explain,
 * bounces; LogsModule), HistoryModule (domain reports and score history; ExportModule,
 * WebhooksModule) and HealthModule (kind `health` and its flow, on the `reports` queue).
 * Import order is the order of their routes in the OpenAPI document.
 */
@Module({
  imports: [ExplainModule, HistoryModule, HealthModule, ReportsIntakeModule],
})
export class ReportsModule {}
