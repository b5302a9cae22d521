import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createHttpApp } from '../../src/api/http-app';
import { loadConfig, type AppConfig } from '../../src/config/config.schema';
import { createLogger } from '../../src/common/logger';
import { createPlatform, type Platform } from '../../src/platform';
import { freshDatabaseUrl } from './database';

export { freshDatabaseUrl };

export interface TestApp {
  app?: NestExpressApplication;
  platform: Platform;
  url: string;
  config: AppConfig;
  close(): Promise<void>;
}

export const TENANT_A_KEY = 'key-tenant-a-0123456789';
export const TENANT_B_KEY = 'key-tenant-b-0123456789';
export const ADMIN_TOKEN = 'admin-token-0123456789-abcdefghijklm';

/**
 * Start the real service (HTTP + workers unless role says otherwise) against real Redis and a real
 * database, with a queue prefix of its own so tests never see each other's jobs.
 */
export async function startTestApp(env: Record<string, string> = {}, opts: { http?: boolean; dialect?: 'sqlite' | 'postgres' } = {}): Promise<TestApp> {
  const db = env.DATABASE_URL ? { url: env.DATABASE_URL, cleanup: async () => undefined } : freshDatabaseUrl(opts.dialect);
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
  const platform = await createPlatform(config, { log: createLogger(config.logLevel) });
  let app: NestExpressApplication | undefined;
  let url = '';
  if (opts.http !== false && config.role !== 'worker') {
    app = await createHttpApp(platform);
    await app.listen(0, '127.0.0.1');
    const addr = app.getHttpServer().address() as { port: number };
    url = `http://127.0.0.1:${addr.port}`;
  }
  return {
    app,
    platform,
    url,
    config,
    async close() {
      await app?.close();
      await platform.close();
      await db.cleanup();
    },
  };
}

export const auth = (key: string) => ({ Authorization: `Bearer ${key}` });

export async function until<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
