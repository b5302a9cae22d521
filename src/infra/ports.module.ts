import { Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Clock, EnginePorts } from '../checks/check-kind';
import { APP_CONFIG, LOGGER } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import type { SmtpConnector } from '../probe/smtp-connector.port';
import { createResolver, type SharedResolver } from './dns';
import { createSmtpConnector } from './net/smtp-connector';
import {
  assembleEnginePorts,
  httpsFetcherFactory,
  probePoliteness,
  systemClock,
  type HttpsFetcherFactory,
  type ProbePoliteness,
} from './ports.factory';
import {
  CLOCK,
  DNS_RESOLVER,
  ENGINE_PORTS,
  HTTPS_FETCHER,
  PROBE_POLITENESS,
  REPORTED_SELECTORS,
  SMTP_CONNECTOR,
  SPAM_ENGINES,
} from './ports.tokens';
import { ReportedSelectorsHub } from './reported-selectors';
import { RedisConnections } from './queue/redis.factory';
import type { SpamEngine } from './spam/spam-engine.port';
import { createSpamEngines } from './spam/spam-engines.factory';

/**
 * The ports engines run on, each provided once under its token (src/infra/ports.tokens.ts), and
 * ENGINE_PORTS, the per-check bag the check runner hands an engine. Engines stay plain functions
 * over these interfaces; only this module knows the implementations.
 */
@Global()
@Module({
  providers: [
    { provide: CLOCK, useValue: systemClock },
    { provide: REPORTED_SELECTORS, useValue: new ReportedSelectorsHub() },
    { provide: DNS_RESOLVER, useFactory: (config: AppConfig) => createResolver(config), inject: [APP_CONFIG] },
    { provide: SMTP_CONNECTOR, useFactory: () => createSmtpConnector() },
    { provide: HTTPS_FETCHER, useFactory: (config: AppConfig) => httpsFetcherFactory(config), inject: [APP_CONFIG] },
    { provide: SPAM_ENGINES, useFactory: (config: AppConfig) => createSpamEngines(config), inject: [APP_CONFIG] },
    // Shared through Redis by every worker: per-IP concurrency, minimum interval, result cache.
    {
      provide: PROBE_POLITENESS,
      useFactory: (config: AppConfig, redis: RedisConnections) => probePoliteness(config, redis.publisher),
      inject: [APP_CONFIG, RedisConnections],
    },
    {
      provide: ENGINE_PORTS,
      useFactory: (
        resolver: SharedResolver,
        clock: Clock,
        connector: SmtpConnector,
        httpsFetcher: HttpsFetcherFactory,
        spamEngines: SpamEngine[],
        politeness: ProbePoliteness,
        log: Logger,
        reportedSelectors: ReportedSelectorsHub,
      ): ((checkId: string) => EnginePorts) =>
        assembleEnginePorts({
          resolver,
          clock,
          connector,
          httpsFetcher,
          spamEngines,
          politeness,
          log,
          reportedSelectors,
        }),
      inject: [
        DNS_RESOLVER,
        CLOCK,
        SMTP_CONNECTOR,
        HTTPS_FETCHER,
        SPAM_ENGINES,
        PROBE_POLITENESS,
        LOGGER,
        REPORTED_SELECTORS,
      ],
    },
  ],
  exports: [
    CLOCK,
    REPORTED_SELECTORS,
    DNS_RESOLVER,
    SMTP_CONNECTOR,
    HTTPS_FETCHER,
    SPAM_ENGINES,
    PROBE_POLITENESS,
    ENGINE_PORTS,
  ],
})
export class PortsModule {}
