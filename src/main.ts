import 'reflect-metadata';
import type { Server } from 'node:http';
import { createHttpApp } from './api/http-app';
import { startWorkerHttp } from './api/worker-http';
import { ConfigError, loadConfig } from './config/config.schema';
import { createLogger } from './common/logger';
import { createPlatform, StartupError } from './platform';

/**
 * Boots the roles named by ROLE: `api` (HTTP + GraphQL, enqueues), `worker` (BullMQ processors,
 * no HTTP), `all` (both in one process: the embedded default with SQLite in ./data).
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
  let platform;
  try {
    platform = await createPlatform(config, { log });
  } catch (e) {
    if (e instanceof StartupError) {
      process.stderr.write(`smtp-doctor: ${e.message}\n`);
      process.exit(69);
    }
    // Feature modules parse their own settings while the platform is built.
    if (e instanceof ConfigError) {
      process.stderr.write(`smtp-doctor: ${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }

  let app: Awaited<ReturnType<typeof createHttpApp>> | undefined;
  let workerHttp: Server | undefined;
  if (config.role === 'api' || config.role === 'all') {
    try {
      app = await createHttpApp(platform);
    } catch (e) {
      // HTTP-only settings (CORS, embed limits) are parsed when the app is built.
      if (e instanceof ConfigError) {
        process.stderr.write(`smtp-doctor: ${e.message}\n`);
        await platform.close();
        process.exit(78);
      }
      throw e;
    }
    await app.listen(config.port, config.host);
    log.info({ port: config.port, host: config.host, database: platform.database.describe }, `smtp-doctor listening on http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port} (docs at /docs)`);
  } else {
    workerHttp = await startWorkerHttp(platform, config.port, config.host);
    log.info({ database: platform.database.describe, port: config.port }, 'smtp-doctor worker started (health and metrics on PORT)');
  }

  // Graceful shutdown: the first SIGTERM stops taking work and lets running checks finish within
  // SHUTDOWN_GRACE_MS; a second one exits at once.
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
      await app?.close();
      workerHttp?.close();
      await platform.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

void main();
