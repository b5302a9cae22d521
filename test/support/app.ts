import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { createApiApp, createWorkerContext } from '../../src/bootstrap';
import { KindRegistry } from '../../src/checks/registry';
import { Metrics } from '../../src/common/metrics';
import { loadConfig, type AppConfig } from '../../src/config/config.schema';
import { createLogger } from '../../src/common/logger';
import { ChecksRepository } from '../../src/infra/database/checks.repository';
import type { DatabaseHandle } from '../../src/infra/database/database.factory';
import { DATABASE } from '../../src/infra/database/storage.module';
import { TenantsRepository } from '../../src/infra/database/tenants.repository';
import { CheckQueues } from '../../src/infra/queue/check-queue';
import { CheckEventBus } from '../../src/infra/queue/event-bus';
import { RedisConnections } from '../../src/infra/queue/redis.factory';
import type { ModuleImport } from '../../src/root.options';
import { freshDatabaseUrl } from './database';

export { freshDatabaseUrl };

/** What tests reach into, taken from the Nest container of the running app. */
export interface TestPlatform {
  config: AppConfig;
  log: Logger;
  database: DatabaseHandle;
  redis: RedisConnections;
  checksRepo: ChecksRepository;
  tenantsRepo: TenantsRepository;
  queues: CheckQueues;
  events: CheckEventBus;
  metrics: Metrics;
  kinds: KindRegistry;
  /** Any provider of the app, by class or token. */
  get<T>(token: unknown): T;
}

export interface TestApp {
  /** The HTTP application when it listens (not with `http: false` or ROLE=worker). */
  app?: NestExpressApplication;
  platform: TestPlatform;
  url: string;
  config: AppConfig;
  close(): Promise<void>;
}

export const TENANT_A_KEY = 'key-tenant-a-0123456789';
export const TENANT_B_KEY = 'key-tenant-b-0123456789';
export const ADMIN_TOKEN = 'admin-token-0123456789-abcdefghijklm';

export function platformOf(ctx: INestApplicationContext, config: AppConfig, log: Logger): TestPlatform {
  const get = <T>(token: unknown) => ctx.get(token as never) as T;
  return {
    config,
    log,
    database: get(DATABASE),
    redis: get(RedisConnections),
    checksRepo: get(ChecksRepository),
    tenantsRepo: get(TenantsRepository),
    queues: get(CheckQueues),
    events: get(CheckEventBus),
    metrics: get(Metrics),
    kinds: get(KindRegistry),
    get,
  };
}

/**
 * Start the real service (HTTP + workers unless role says otherwise) against real Redis and a real
 * database, with a queue prefix of its own so tests never see each other's jobs. Built the way
 * main.ts builds it (AppModule, or WorkerModule for ROLE=worker); `imports` adds test modules.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  opts: { http?: boolean; dialect?: 'sqlite' | 'postgres'; imports?: ModuleImport[] } = {},
): Promise<TestApp> {
  const db = env.DATABASE_URL
    ? { url: env.DATABASE_URL, cleanup: async () => undefined }
    : freshDatabaseUrl(opts.dialect);
  const config = loadConfig({
    API_KEYS: `tenant-a:${TENANT_A_KEY},tenant-b:${TENANT_B_KEY}`,
    ADMIN_TOKEN,
    LOG_LEVEL: 'silent',
    QUEUE_PREFIX: `test-${randomBytes(5).toString('hex')}`,
    DATABASE_URL: db.url,
    SWEEP_INTERVAL_MS: '1000',
    PROBE_ALLOWED_CIDRS: '127.0.0.0/8',
    DNS_TIMEOUT_MS: '500',
    DNS_RETRIES: '0',
    ...env,
  });
  const log = createLogger(config.logLevel);
  let ctx: INestApplicationContext;
  let app: NestExpressApplication | undefined;
  let url = '';
  if (config.role === 'worker') {
    ctx = await createWorkerContext(config, { log, imports: opts.imports });
  } else {
    const http = await createApiApp(config, { log, imports: opts.imports });
    ctx = http;
    if (opts.http !== false) {
      await http.listen(0, '127.0.0.1');
      const addr = http.getHttpServer().address() as { port: number };
      url = `http://127.0.0.1:${addr.port}`;
      app = http;
    } else {
      await http.init();
    }
  }
  return {
    app,
    platform: platformOf(ctx, config, log),
    url,
    config,
    async close() {
      await ctx.close();
      await db.cleanup();
    },
  };
}

export const auth = (key: string) => ({ Authorization: `Bearer ${key}` });

export async function until<T>(
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
