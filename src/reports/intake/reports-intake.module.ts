import {
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, LOGGER } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import { ChecksRepository } from '../../infra/database/checks.repository';
import type { DatabaseHandle } from '../../infra/database/database.factory';
import { ReportIntakeRepository } from '../../infra/database/report-intake.repository';
import { reportIntakeDb } from '../../infra/database/report-intake.tables';
import { DATABASE } from '../../infra/database/storage.module';
import type { DnsResolver } from '../../infra/dns/resolver.port';
import { DNS_RESOLVER, REPORTED_SELECTORS } from '../../infra/ports.tokens';
import type { QueueJob } from '../../infra/queue/job-queue';
import { QueueProcessor, type JobProcessor } from '../../infra/queue/processor.decorator';
import { JobQueues } from '../../infra/queue/queue.module';
import type { ReportedSelectorsHub } from '../../infra/reported-selectors';
import { REPORT_INTAKE_QUEUE, ReportIntakeService, type IntakeJob } from './intake.service';
import { ReportJoinService } from './report-join.service';
import { ReportsController } from './reports.controller';
import { ReceivedReportsResolver } from './reports.resolver';
import { ImapPoller } from './imap-poller';
import { SmtpIntakeServer } from './smtp-intake.server';

/** Worker role: one parse-and-store per job of the `report-intake` queue (retried on I/O errors only). */
@QueueProcessor(REPORT_INTAKE_QUEUE, { concurrency: 2 })
export class ReportIntakeProcessor implements JobProcessor<IntakeJob> {
  constructor(@Inject(ReportIntakeService) private readonly intake: ReportIntakeService) {}
  process(job: QueueJob<IntakeJob>) {
    return this.intake.process(job);
  }
}

/**
 * The inbound SMTP endpoint (REPORTS_SMTP_PORT) and the IMAP poller (REPORTS_IMAP_URL), in the roles
 * that serve clients (api, all): ingress, like HTTP; the parsing runs on the workers.
 */
@Injectable()
export class IntakeIngressLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private imap?: ImapPoller;
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SmtpIntakeServer) private readonly server: SmtpIntakeServer,
    @Inject(ReportIntakeService) private readonly intake: ReportIntakeService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role === 'worker') return;
    const s = this.config.reportsIntake;
    if (s.smtp.port > 0) await this.server.start();
    if (s.imap) {
      this.imap = new ImapPoller(
        s.imap,
        s.limits.maxInputBytes,
        this.intake,
        this.log.child({ module: 'report-imap' }),
      );
      this.imap.start();
    }
  }
  async onModuleDestroy(): Promise<void> {
    await this.imap?.stop();
    await this.server.close();
  }
}

/** Registers the reports as the source of the dns audit's extra DKIM selectors. */
@Injectable()
export class ReportedSelectorsSource implements OnModuleInit {
  constructor(
    @Inject(REPORTED_SELECTORS) private readonly hub: ReportedSelectorsHub,
    @Inject(ReportJoinService) private readonly join: ReportJoinService,
  ) {}
  onModuleInit(): void {
    this.hub.register(this.join);
  }
}

/**
 * Report intake (issue 18, part of ReportsModule): DMARC aggregate/failure and TLS-RPT reports by
 * upload (POST /v1/reports), by SMTP (REPORTS_SMTP_PORT) and by IMAP polling (REPORTS_IMAP_URL); parsed on the
 * `report-intake` queue; sources and findings joined to the checks. Settings: `reportsIntake`.
 */
@Module({
  controllers: [ReportsController],
  providers: [
    {
      provide: ReportIntakeRepository,
      useFactory: (h: DatabaseHandle) => new ReportIntakeRepository(reportIntakeDb(h.db)),
      inject: [DATABASE],
    },
    {
      provide: ReportIntakeService,
      useFactory: (config: AppConfig, repo: ReportIntakeRepository, queues: JobQueues, log: Logger) =>
        new ReportIntakeService(
          repo,
          queues.queue<IntakeJob>(REPORT_INTAKE_QUEUE),
          config.reportsIntake,
          log.child({ module: 'report-intake' }),
          config.jobAttempts,
        ),
      inject: [APP_CONFIG, ReportIntakeRepository, JobQueues, LOGGER],
    },
    {
      provide: ReportJoinService,
      useFactory: (repo: ReportIntakeRepository, checks: ChecksRepository, dns: DnsResolver) =>
        new ReportJoinService(repo, checks, dns),
      inject: [ReportIntakeRepository, ChecksRepository, DNS_RESOLVER],
    },
    {
      provide: SmtpIntakeServer,
      useFactory: (config: AppConfig, intake: ReportIntakeService, log: Logger) =>
        new SmtpIntakeServer(config.reportsIntake, intake, log.child({ module: 'report-intake-smtp' })),
      inject: [APP_CONFIG, ReportIntakeService, LOGGER],
    },
    ReceivedReportsResolver,
    ReportIntakeProcessor,
    IntakeIngressLifecycle,
    ReportedSelectorsSource,
  ],
  exports: [ReportIntakeService, ReportJoinService, SmtpIntakeServer],
})
export class ReportsIntakeModule {}
