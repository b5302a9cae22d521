import { setMaxListeners } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AdminService } from './admin/admin.service';
import { AuthService } from './auth/auth.service';
import type { EnginePorts } from './checks/check-kind';
import { CheckRunner } from './checks/check.runner';
import { CheckLifecycle } from './checks/check-lifecycle';
import { ChecksService } from './checks/checks.service';
import { WorkerHost } from './checks/worker.host';
import type { AppConfig } from './config/config.schema';
import { createLogger } from './common/logger';
import { SecretBox } from './common/secret-box';
import { ChecksRepository } from './infra/database/checks.repository';
import { openDatabase, type DatabaseHandle } from './infra/database/database.factory';
import { isConnectionFailure } from './infra/database/database-errors';
import { migrate, ping } from './infra/database/migrations';
import { TenantsRepository } from './infra/database/tenants.repository';
import { CheckQueues } from './infra/queue/check-queue';
import { CheckEventBus } from './infra/queue/event-bus';
import { pingRedis, redisConnection, waitForRedis } from './infra/queue/redis.factory';
import { createEnginePorts } from './infra/ports.factory';
import { Metrics } from './common/metrics';
import { PLATFORM_MODULES } from './platform.modules';

/**
 * The composition root: builds every long-lived object from config, once. Nest modules, the
 * worker role and tests take their collaborators from here, so there is one wiring for all roles.
 */
export interface Platform {
  config: AppConfig;
  log: Logger;
  database: DatabaseHandle;
  redis: { producer: Redis; publisher: Redis; subscriber: Redis; worker: Redis };
  checksRepo: ChecksRepository;
  tenantsRepo: TenantsRepository;
  queues: CheckQueues;
  events: CheckEventBus;
  secrets: SecretBox;
  auth: AuthService;
  admin: AdminService;
  checks: ChecksService;
  metrics: Metrics;
  /** Hooks after a check or batch finishes (webhooks, history...). Register before work starts. */
  lifecycle: CheckLifecycle;
  /** Services added by feature modules (see platform.modules.ts), by name. */
  features: Record<string, unknown>;
  worker?: WorkerHost;
  shutdown: AbortController;
  ready(): Promise<{ redis: string; database: string; ok: boolean }>;
  close(): Promise<void>;
}

export class StartupError extends Error {}

export async function createPlatform(config: AppConfig, opts: { log?: Logger; ports?: (checkId: string) => EnginePorts } = {}): Promise<Platform> {
  const log = opts.log ?? createLogger(config.logLevel, { role: config.role });

  // Only a database that cannot be reached or opened gets the "start it" advice; one that answered
  // and refused (a failed migration, a held lock) is reported as what it is.
  const databaseError = (e: unknown, what: string) => {
    const url = config.databaseUrl.replace(/\/\/[^@/]*@/, '//***@');
    const message = e instanceof Error ? e.message : String(e);
    if (!isConnectionFailure(e)) return new StartupError(`${what} (${url}): ${message}.`);
    const how = config.databaseUrl.startsWith('sqlite:')
      ? 'check that the folder of DATABASE_URL is writable'
      : 'start it (e.g. pg_ctlcluster 15 main start) or fix DATABASE_URL';
    return new StartupError(`Database unreachable (${url}): ${message}; ${how}.`);
  };
  let database: DatabaseHandle | undefined;
  try {
    database = await openDatabase(config.databaseUrl);
    await ping(database.db);
  } catch (e) {
    await database?.close().catch(() => undefined);
    throw databaseError(e, 'Database could not be opened');
  }
  try {
    await migrate(database.db);
  } catch (e) {
    await database.close().catch(() => undefined);
    throw databaseError(e, 'Database migration failed');
  }

  const producer = redisConnection(config.redisUrl, 'producer', 'smtp-doctor:producer');
  try {
    await waitForRedis(producer, 3000);
    await pingRedis(producer);
  } catch (e) {
    producer.disconnect();
    await database.close();
    throw new StartupError(
      `Redis unreachable at ${config.redisUrl.replace(/\/\/[^@/]*@/, '//***@')}: ${(e as Error).message}; start it (e.g. redis-server --daemonize yes --port 6379) or fix REDIS_URL.`,
    );
  }
  const publisher = redisConnection(config.redisUrl, 'producer', 'smtp-doctor:publisher');
  const subscriber = redisConnection(config.redisUrl, 'subscriber', 'smtp-doctor:subscriber');
  const workerConn = redisConnection(config.redisUrl, 'worker', 'smtp-doctor:worker');

  const checksRepo = new ChecksRepository(database.db);
  const tenantsRepo = new TenantsRepository(database.db);
  const queues = new CheckQueues(producer, config.queuePrefix, config.jobAttempts);
  const events = new CheckEventBus(publisher, subscriber, config.queuePrefix);
  await events.start();
  const secrets = new SecretBox(config.secretKey);
  const auth = new AuthService(config, tenantsRepo, { redis: producer, log });
  await auth.bootstrapStaticTenants();
  const metrics = new Metrics();
  const lifecycle = new CheckLifecycle();
  const shutdown = new AbortController();
  // Every running check listens for shutdown; concurrency can exceed Node's default of 10 listeners.
  setMaxListeners(0, shutdown.signal);

  const platform: Platform = {
    config,
    log,
    database,
    redis: { producer, publisher, subscriber, worker: workerConn },
    checksRepo,
    tenantsRepo,
    queues,
    events,
    secrets,
    auth,
    admin: new AdminService(tenantsRepo),
    checks: new ChecksService(config, checksRepo, queues, events, secrets),
    metrics,
    lifecycle,
    features: {},
    shutdown,
    async ready() {
      const [r, d] = await Promise.all([
        pingRedis(producer).then(() => 'ok', (e: Error) => `down: ${e.message}`),
        ping(database.db).then(() => 'ok', (e: Error) => `down: ${e.message}`),
      ]);
      return { redis: r, database: d, ok: r === 'ok' && d === 'ok' };
    },
    async close() {
      // Running checks get SHUTDOWN_GRACE_MS to finish; only then are they aborted.
      const abortLater = setTimeout(() => shutdown.abort(), config.shutdownGraceMs);
      await platform.worker?.stop(config.shutdownGraceMs);
      clearTimeout(abortLater);
      shutdown.abort();
      await queues.close();
      for (const c of [producer, publisher, subscriber, workerConn]) c.disconnect();
      await database.close();
    },
  };

  // Feature modules (webhooks, domain history, ...) attach their hooks and services here.
  for (const m of PLATFORM_MODULES) await m(platform);

  if (config.role === 'worker' || config.role === 'all') {
    const ports = opts.ports ?? createEnginePorts(config, log, publisher);
    const runner = new CheckRunner(config, checksRepo, events, secrets, ports, metrics.runnerObserver(), shutdown.signal, lifecycle, (e) =>
      log.warn({ err: (e as Error).message }, 'check lifecycle hook failed'),
    );
    platform.worker = new WorkerHost(config, workerConn, runner, checksRepo, queues, log);
    platform.worker.start();
  }
  return platform;
}
