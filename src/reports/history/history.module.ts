import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { CheckLifecycle } from '../../checks/check-lifecycle';
import { ChecksModule } from '../../checks/checks.module';
import type { DatabaseHandle } from '../../infra/database/database.factory';
import { HistoryRepository } from '../../infra/database/history.repository';
import { reportsDb } from '../../infra/database/reports.tables';
import { DATABASE } from '../../infra/database/storage.module';
import { ExportModule } from '../export/export.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { WebhooksService } from '../webhooks/webhooks.service';
import { HistoryController } from './history.controller';
import { HistoryResolver } from './history.resolver';
import { HistoryService } from './history.service';

/** After each stored health check: fire `health.changed` when the grade, score or codes moved (after check.completed). */
@Injectable()
export class HistoryEvents implements OnModuleInit {
  constructor(
    @Inject(CheckLifecycle) private readonly lifecycle: CheckLifecycle,
    @Inject(HistoryService) private readonly history: HistoryService,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onCheckFinished((c) => this.history.onCheckFinished(c), 10);
  }
}

/**
 * Domain history (part of ReportsModule): the latest health report and the score history of a
 * domain, over REST and GraphQL (with check exports, GraphQL `checkReport`).
 */
@Module({
  imports: [ChecksModule, ExportModule, WebhooksModule],
  controllers: [HistoryController],
  providers: [
    {
      provide: HistoryRepository,
      useFactory: (h: DatabaseHandle) => new HistoryRepository(reportsDb(h.db)),
      inject: [DATABASE],
    },
    {
      provide: HistoryService,
      useFactory: (repo: HistoryRepository, webhooks: WebhooksService) => new HistoryService(repo, webhooks),
      inject: [HistoryRepository, WebhooksService],
    },
    HistoryResolver,
    HistoryEvents,
  ],
  exports: [HistoryRepository],
})
export class HistoryModule {}
