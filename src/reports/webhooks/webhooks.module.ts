import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { CheckLifecycle } from '../../checks/check-lifecycle';
import { ChecksModule } from '../../checks/checks.module';
import { SecretBox } from '../../common/secret-box';
import { APP_CONFIG, LOGGER } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import type { DnsResolver } from '../../infra/dns/resolver.port';
import { ChecksRepository } from '../../infra/database/checks.repository';
import type { DatabaseHandle } from '../../infra/database/database.factory';
import { reportsDb } from '../../infra/database/reports.tables';
import { DATABASE } from '../../infra/database/storage.module';
import { WebhooksRepository } from '../../infra/database/webhooks.repository';
import { DNS_RESOLVER } from '../../infra/ports.tokens';
import type { QueueJob } from '../../infra/queue/job-queue';
import { QueueProcessor, type JobProcessor } from '../../infra/queue/processor.decorator';
import { JobQueues } from '../../infra/queue/queue.module';
import { createWebhookSender } from './webhook.sender';
import { WebhooksController } from './webhooks.controller';
import { WebhooksResolver } from './webhooks.resolver';
import { WEBHOOK_QUEUE, WebhooksService } from './webhooks.service';

/** Worker role: one delivery attempt per job of the `webhooks` queue, with BullMQ's retries and backoff. */
@QueueProcessor(WEBHOOK_QUEUE, { concurrency: 10 })
export class WebhookDeliveryProcessor implements JobProcessor<{ deliveryId: string }> {
  constructor(@Inject(WebhooksService) private readonly webhooks: WebhooksService) {}
  process(job: QueueJob<{ deliveryId: string }>) {
    return this.webhooks.deliver(job);
  }
}

/** Fires `check.completed` and `batch.completed` from the check lifecycle (worker role). */
@Injectable()
export class WebhookEvents implements OnModuleInit {
  constructor(
    @Inject(CheckLifecycle) private readonly lifecycle: CheckLifecycle,
    @Inject(WebhooksService) private readonly webhooks: WebhooksService,
    @Inject(ChecksRepository) private readonly checksRepo: ChecksRepository,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onCheckFinished(async (c) => {
      await this.webhooks.emit(c.tenant_id, 'check.completed', {
        id: c.id,
        kind: c.kind,
        target: c.target,
        status: c.status,
        verdict: c.verdict,
        score: c.score,
        findingCodes: c.findings ? (JSON.parse(c.findings) as { code: string }[]).map((f) => f.code) : [],
        batchId: c.batch_id,
        completedAt: c.completed_at,
      });
    });
    this.lifecycle.onBatchFinished(async (b) => {
      const batch = await this.checksRepo.findBatch(b.tenantId, b.id);
      if (!batch) return;
      const counts = await this.checksRepo.batchCounts(b.id);
      await this.webhooks.emit(b.tenantId, 'batch.completed', {
        id: b.id,
        total: batch.total,
        completed: counts.completed ?? 0,
        failed: counts.failed ?? 0,
        completedAt: batch.completed_at,
      });
    });
  }
}

/**
 * Webhooks (part of ReportsModule): registration over REST and GraphQL, signed deliveries from
 * the `webhooks` queue, events from the check lifecycle. Settings: the `webhooks` slice (WEBHOOK_*).
 */
@Module({
  imports: [ChecksModule],
  controllers: [WebhooksController],
  providers: [
    {
      provide: WebhooksRepository,
      useFactory: (h: DatabaseHandle) => new WebhooksRepository(reportsDb(h.db)),
      inject: [DATABASE],
    },
    {
      provide: WebhooksService,
      useFactory: (
        config: AppConfig,
        secrets: SecretBox,
        log: Logger,
        queues: JobQueues,
        repo: WebhooksRepository,
        resolver: DnsResolver,
      ) =>
        new WebhooksService(
          { config, secrets, log, queue: queues.queue(WEBHOOK_QUEUE) },
          repo,
          // The probe's SSRF policy, through the shared resolver.
          createWebhookSender({
            resolver,
            allowedCidrs: config.probeAllowedCidrs,
            timeoutMs: config.webhooks.timeoutMs,
          }),
          config.webhooks,
        ),
      inject: [APP_CONFIG, SecretBox, LOGGER, JobQueues, WebhooksRepository, DNS_RESOLVER],
    },
    WebhooksResolver,
    WebhookDeliveryProcessor,
    WebhookEvents,
  ],
  exports: [WebhooksService],
})
export class WebhooksModule {}
