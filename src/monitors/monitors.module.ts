import {
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { CheckLifecycle } from '../checks/check-lifecycle';
import { ChecksModule } from '../checks/checks.module';
import { ChecksService } from '../checks/checks.service';
import { APP_CONFIG, LOGGER } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import type { DatabaseHandle } from '../infra/database/database.factory';
import { MonitorsRepository } from '../infra/database/monitors.repository';
import { monitorsDb } from '../infra/database/monitors.tables';
import { DATABASE } from '../infra/database/storage.module';
import type { DnsResolver } from '../infra/dns/resolver.port';
import { createAlertMailer } from '../infra/mail/alert-mailer';
import { DNS_RESOLVER } from '../infra/ports.tokens';
import { EventTopics, type EventTopic } from '../infra/queue/event-topics';
import type { QueueJob } from '../infra/queue/job-queue';
import { QueueProcessor, type JobProcessor } from '../infra/queue/processor.decorator';
import { JobQueues } from '../infra/queue/queue.module';
import { RateLimitModule } from '../ratelimit/ratelimit.module';
import { SubmissionLimits } from '../ratelimit/submission-limits';
import { createWebhookSender } from '../reports/webhooks/webhook.sender';
import { WebhooksModule } from '../reports/webhooks/webhooks.module';
import { WebhooksService } from '../reports/webhooks/webhooks.service';
import { ALERT_QUEUE, MonitorAlerts } from './monitor-alerts.service';
import type { MonitorEventModel } from './monitor.model';
import { MonitorsController } from './monitors.controller';
import { MONITOR_EVENT_TOPIC, MonitorsResolver } from './monitors.resolver';
import { MONITOR_EVENTS, MONITOR_QUEUE, MonitorsService, type MonitorJob } from './monitors.service';

/** Worker role: one job per scheduler slot of a monitor (the scheduler is BullMQ's, one per monitor). */
@QueueProcessor(MONITOR_QUEUE, { concurrency: 5 })
export class MonitorRunProcessor implements JobProcessor<MonitorJob> {
  constructor(@Inject(MonitorsService) private readonly monitors: MonitorsService) {}
  process(job: QueueJob<MonitorJob>) {
    return this.monitors.runScheduled(job);
  }
}

/** Worker role: one attempt of one alert delivery (e-mail or chat), with BullMQ's retries and backoff. */
@QueueProcessor(ALERT_QUEUE, { concurrency: 5 })
export class AlertDeliveryProcessor implements JobProcessor<{ deliveryId: string }> {
  constructor(@Inject(MonitorAlerts) private readonly alerts: MonitorAlerts) {}
  process(job: QueueJob<{ deliveryId: string }>) {
    return this.alerts.deliver(job);
  }
}

/**
 * Lifecycle: each stored check of a monitor is folded into its alert state (a check lifecycle
 * hook, after webhooks' check.completed); a worker re-creates the schedulers Redis lost at boot.
 */
@Injectable()
export class MonitorHooks implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    @Inject(CheckLifecycle) private readonly lifecycle: CheckLifecycle,
    @Inject(MonitorAlerts) private readonly alerts: MonitorAlerts,
    @Inject(MonitorsService) private readonly monitors: MonitorsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onCheckFinished((c) => this.alerts.onCheckFinished(c), 20);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role === 'api') return;
    try {
      const created = await this.monitors.reconcile();
      if (created) this.log.info({ created }, 'monitor schedulers re-created');
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'monitor schedulers could not be reconciled');
    }
  }
}

/** Closes the alert mailer's connections at shutdown. */
@Injectable()
class MailerCloser implements OnApplicationShutdown {
  constructor(@Inject(MonitorAlerts) private readonly alerts: MonitorAlerts) {}
  onApplicationShutdown(): void {
    this.alerts.close();
  }
}

/**
 * Monitors (issue 15): tenant resources over REST (`/v1/monitors`), GraphQL (queries, mutations,
 * `monitorEvents`) and the CLI; scheduled on BullMQ job schedulers (queue `monitors`); alerts on
 * change with hysteresis, delivered to signed webhooks (`monitor.alert`), e-mail (ALERT_SMTP_URL)
 * and chat webhooks from the queue `monitor-alerts`. Settings: the `monitors` slice (MONITOR_*,
 * ALERT_*).
 */
@Module({
  imports: [ChecksModule, WebhooksModule, RateLimitModule],
  controllers: [MonitorsController],
  providers: [
    {
      provide: MonitorsRepository,
      useFactory: (h: DatabaseHandle) => new MonitorsRepository(monitorsDb(h.db)),
      inject: [DATABASE],
    },
    {
      provide: MONITOR_EVENT_TOPIC,
      useFactory: (topics: EventTopics) => topics.topic<MonitorEventModel>(MONITOR_EVENTS, (e) => e.monitorId),
      inject: [EventTopics],
    },
    {
      provide: MonitorsService,
      useFactory: (
        config: AppConfig,
        repo: MonitorsRepository,
        checks: ChecksService,
        queues: JobQueues,
        events: EventTopic<MonitorEventModel>,
        webhooks: WebhooksService,
        log: Logger,
        limits: SubmissionLimits,
      ) =>
        new MonitorsService({
          repo,
          checks,
          quota: { dailyChecks: config.rateLimit.dailyChecks, reserve: (t, n) => limits.reserveQuota(t, n) },
          scheduler: queues.queue(MONITOR_QUEUE),
          events,
          settings: config.monitors,
          allowedCidrs: config.probeAllowedCidrs,
          webhookDeliveries: async (tenantId, eventId) =>
            (await webhooks.deliveriesOfEvent(tenantId, eventId)).map((d) => ({
              id: d.id,
              channel: 'webhook',
              destination: d.webhookId,
              status: d.status,
              attempts: d.attempts,
              ...(d.error ? { error: d.error } : {}),
              updatedAt: d.updatedAt,
            })),
          log,
        }),
      inject: [
        APP_CONFIG,
        MonitorsRepository,
        ChecksService,
        JobQueues,
        MONITOR_EVENT_TOPIC,
        WebhooksService,
        LOGGER,
        SubmissionLimits,
      ],
    },
    {
      provide: MonitorAlerts,
      useFactory: (
        config: AppConfig,
        repo: MonitorsRepository,
        queues: JobQueues,
        events: EventTopic<MonitorEventModel>,
        webhooks: WebhooksService,
        resolver: DnsResolver,
        log: Logger,
      ) =>
        new MonitorAlerts({
          repo,
          queue: queues.queue(ALERT_QUEUE),
          events,
          settings: config.monitors,
          sender: createWebhookSender({
            resolver,
            allowedCidrs: config.probeAllowedCidrs,
            timeoutMs: config.webhooks.timeoutMs,
          }),
          mailer: config.monitors.alertSmtpUrl
            ? createAlertMailer({
                url: config.monitors.alertSmtpUrl,
                from: config.monitors.alertFrom,
                timeoutMs: config.webhooks.timeoutMs,
              })
            : undefined,
          emitWebhook: (tenantId, data, eventId) => webhooks.emit(tenantId, 'monitor.alert', data, eventId),
          log,
        }),
      inject: [APP_CONFIG, MonitorsRepository, JobQueues, MONITOR_EVENT_TOPIC, WebhooksService, DNS_RESOLVER, LOGGER],
    },
    MonitorsResolver,
    MonitorRunProcessor,
    AlertDeliveryProcessor,
    MonitorHooks,
    MailerCloser,
  ],
  exports: [MonitorsService],
})
export class MonitorsModule {}
