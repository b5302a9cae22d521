import 'reflect-metadata';
import type { Server } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { startWorkerHttp } from './api/worker-http';
import { createApiApp, createWorkerContext } from './bootstrap';
import { createLogger } from './common/logger';
import { Metrics } from './common/metrics';
import { ConfigError, loadConfig } from './config/config.schema';
import type { DatabaseHandle } from './infra/database/database.factory';
import { DATABASE } from './infra/database/storage.module';
import { QueueDepths } from './infra/queue/queue.module';
import { Readiness } from './infra/readiness';
import { StartupError } from './infra/startup-error';

/**
 * Boots the roles named by ROLE, over one set of modules: `api` (AppModule: HTTP + GraphQL,
 * enqueues), `worker` (WorkerModule in an application context: BullMQ processors, with health and
 * metrics on PORT), `all` (AppModule with WorkerModule in one process: the embedded default with
 * SQLite in ./data). Exit codes: 78 for a bad configuration, 69 for an unreachable dependency.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`smtp-doctor: ${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
  const log = createLogger(config.logLevel, { role: config.role });

  let app: NestExpressApplication | undefined;
  let context: INestApplicationContext | undefined;
  let workerHttp: Server | undefined;
  try {
    if (config.role === 'worker') {
      context = await createWorkerContext(config, { log });
      workerHttp = await startWorkerHttp(
        { readiness: context.get(Readiness), metrics: context.get(Metrics), queues: context.get(QueueDepths) },
        config.port,
        config.host,
      );
      log.info(
        { database: context.get<DatabaseHandle>(DATABASE).describe, port: boundPort(workerHttp, config.port) },
        'smtp-doctor worker started (health and metrics on PORT)',
      );
    } else {
      app = await createApiApp(config, { log, firstRunKey: true });
      await app.listen(config.port, config.host);
      const port = boundPort(app.getHttpServer() as Server, config.port);
      log.info(
        { port, host: config.host, database: app.get<DatabaseHandle>(DATABASE).describe },
        `smtp-doctor listening on http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port} (docs at /docs)`,
      );
    }
  } catch (e) {
    if (e instanceof StartupError) {
      process.stderr.write(`smtp-doctor: ${e.message}\n`);
      process.exit(69);
    }
    throw e;
  }

  // Graceful shutdown: the first SIGTERM stops taking work (no new connections, no new jobs) and
  // lets running checks finish within SHUTDOWN_GRACE_MS (QueueWorkers, on module destroy); the
  // connections close last. A second one exits at once.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down');
    const hard = setTimeout(() => process.exit(1), config.shutdownGraceMs + 5000);
    hard.unref();
    try {
      (app?.getHttpServer() as Server | undefined)?.close();
      workerHttp?.close();
      await (app ?? context)?.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** The port the server listens on: PORT, or the one the system chose for PORT=0. */
function boundPort(server: Server, configured: number): number {
  const a = server.address();
  return a && typeof a === 'object' ? a.port : configured;
}

void main();
