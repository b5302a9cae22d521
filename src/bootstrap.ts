import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { createHttpApp } from './api/http-app';
import { AppModule } from './app.module';
import { createLogger, PinoNestLogger } from './common/logger';
import type { AppConfig } from './config/config.schema';
import type { ModuleImport } from './root.options';
import { WorkerModule } from './worker.module';

export interface BootOptions {
  log?: Logger;
  /** More modules to compose in (test-only kinds). */
  imports?: ModuleImport[];
  /** Do not reach Redis (API docs generation). */
  offline?: boolean;
  /** API role: create and print the first-run key if nothing else lets a client in (main.ts). */
  firstRunKey?: boolean;
}

/**
 * The two entry points over one set of modules. A dependency that cannot be reached at boot
 * rejects with a StartupError (main.ts: exit 69).
 */

/** API role (ROLE=api; ROLE=all adds the workers): the HTTP application, built but not listening. */
export function createApiApp(config: AppConfig, opts: BootOptions = {}): Promise<NestExpressApplication> {
  const log = opts.log ?? createLogger(config.logLevel, { role: config.role });
  return createHttpApp(
    AppModule.forRoot({
      config,
      log,
      imports: opts.imports,
      offline: opts.offline,
      firstRunKey: opts.firstRunKey,
    }),
    log,
  );
}

/** Worker role (ROLE=worker): an application context with no HTTP server, its workers started. */
export function createWorkerContext(config: AppConfig, opts: BootOptions = {}): Promise<INestApplicationContext> {
  const log = opts.log ?? createLogger(config.logLevel, { role: config.role });
  return NestFactory.createApplicationContext(WorkerModule.forRoot({ config, log, imports: opts.imports }), {
    logger: new PinoNestLogger(log),
    abortOnError: false,
  });
}
