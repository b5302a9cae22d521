import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Redis } from 'ioredis';
import { createApiApp } from '../../src/bootstrap';
import { loadConfig, type AppConfig } from '../../src/config/config.schema';
import { createLogger } from '../../src/common/logger';
import type { ModuleImport } from '../../src/root.options';

/** The API key the in-process service accepts (tenant `bench`). */
export const SERVICE_KEY = 'bench-dns-key-0123456789abcdef';

export interface InProcessService {
  url: string;
  app: NestExpressApplication;
  config: AppConfig;
  headers: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The real service (HTTP API + BullMQ workers, ROLE=all) inside the bench process, as
 * test/support/app.ts starts it for end-to-end tests: real Redis with a queue prefix of its own,
 * a SQLite database in a temp directory. `env` overrides the defaults (DNS_SERVERS, WORKER_CONCURRENCY...).
 * On close, the Redis keys under the prefix are deleted so repeated runs leave nothing behind.
 */
export async function startInProcessService(
  env: Record<string, string>,
  opts: { imports?: ModuleImport[] } = {},
): Promise<InProcessService> {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-doctor-bench-'));
  const prefix = `bench-${randomBytes(5).toString('hex')}`;
  const config = loadConfig({
    API_KEYS: `bench:${SERVICE_KEY}`,
    LOG_LEVEL: 'silent',
    ROLE: 'all',
    QUEUE_PREFIX: prefix,
    DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`,
    ...env,
  });
  const app: NestExpressApplication = await createApiApp(config, {
    log: createLogger(config.logLevel),
    imports: opts.imports,
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    config,
    headers: { authorization: `Bearer ${SERVICE_KEY}`, 'content-type': 'application/json' },
    async close() {
      await app.close();
      const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
