import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { Logger } from 'pino';
import { Metrics } from '../common/metrics';
import { SecretBox } from '../common/secret-box';
import { Shutdown } from '../common/shutdown';
import { APP_CONFIG, LOGGER } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { ChecksRepository } from '../infra/database/checks.repository';
import { ENGINE_PORTS } from '../infra/ports.tokens';
import { CheckQueues } from '../infra/queue/check-queue';
import { CheckEventBus } from '../infra/queue/event-bus';
import { BatchesController } from './batches.controller';
import type { EnginePorts } from './check-kind';
import { CheckLifecycle } from './check-lifecycle';
import { CheckRunner } from './check.runner';
import { ChecksController } from './checks.controller';
import { ChecksResolver } from './checks.resolver';
import { ChecksService } from './checks.service';
import { FindingsController } from './findings.controller';
import { KindRegistry } from './registry';

/**
 * The check lifecycle around the kinds: the registry (kinds discovered from the modules that own
 * them), the service that validates, stores and enqueues (REST and GraphQL call it), the runner
 * that the check queues' processors hand jobs to, and the lifecycle hooks other modules register.
 */
@Module({
  imports: [DiscoveryModule],
  controllers: [ChecksController, BatchesController, FindingsController],
  providers: [
    KindRegistry,
    CheckLifecycle,
    {
      provide: ChecksService,
      useFactory: (
        config: AppConfig,
        repo: ChecksRepository,
        queues: CheckQueues,
        events: CheckEventBus,
        secrets: SecretBox,
        kinds: KindRegistry,
      ) => new ChecksService(config, repo, queues, events, secrets, kinds),
      inject: [APP_CONFIG, ChecksRepository, CheckQueues, CheckEventBus, SecretBox, KindRegistry],
    },
    {
      provide: CheckRunner,
      useFactory: (
        config: AppConfig,
        kinds: KindRegistry,
        repo: ChecksRepository,
        events: CheckEventBus,
        secrets: SecretBox,
        ports: (checkId: string) => EnginePorts,
        metrics: Metrics,
        shutdown: Shutdown,
        lifecycle: CheckLifecycle,
        log: Logger,
      ) =>
        new CheckRunner(
          config,
          kinds,
          repo,
          events,
          secrets,
          ports,
          metrics.runnerObserver(),
          shutdown.signal,
          lifecycle,
          (e) => log.warn({ err: (e as Error).message }, 'check lifecycle hook failed'),
        ),
      inject: [
        APP_CONFIG,
        KindRegistry,
        ChecksRepository,
        CheckEventBus,
        SecretBox,
        ENGINE_PORTS,
        Metrics,
        Shutdown,
        CheckLifecycle,
        LOGGER,
      ],
    },
    ChecksResolver,
  ],
  exports: [KindRegistry, ChecksService, CheckRunner, CheckLifecycle],
})
export class ChecksModule {}
