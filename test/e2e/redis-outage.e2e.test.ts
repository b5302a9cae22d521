import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.schema';
import { createWorkerContext } from '../../src/bootstrap';
import { StartupError } from '../../src/infra/startup-error';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { freshDatabaseUrl } from '../support/database';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server';
import { auth, startTestApp, TENANT_A_KEY, until, type TestApp } from '../support/app';

const ZONE = readFileSync(join(__dirname, '../fixtures/mx/mx.zone'), 'utf8');

describe('Redis outage', () => {
  let dns: FixtureDnsServer;
  let redis: PrivateRedis;
  const db = freshDatabaseUrl('sqlite');
  let api: TestApp;
  let worker: TestApp | undefined;

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    redis = await startPrivateRedis();
    // API only: checks stay queued until a worker appears.
    api = await startTestApp({
      DNS_SERVERS: dns.address,
      REDIS_URL: redis.url,
      DATABASE_URL: db.url,
      ROLE: 'api',
      QUEUE_PREFIX: 'outage',
    });
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await redis?.destroy();
    await dns?.stop();
    await db.cleanup();
  });

  it('a check queued before Redis restarts (losing every job) still completes, and the API recovers by itself', async () => {
    const queued = await request(api.url)
      .post('/v1/checks')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'mx', domain: 'good.test' });
    expect(queued.status).toBe(202);

    await redis.stop();
    const during = await request(api.url)
      .post('/v1/checks')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'mx', domain: 'good.test' });
    expect(during.status).toBe(503);
    expect(during.headers['content-type']).toContain('application/problem+json');
    expect(during.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(during.body.detail).toMatch(/Redis/);
    const ready = await request(api.url).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.redis).toMatch(/^down/);
    // Reads from the database still work during the outage; the queued check is not lost.
    expect((await request(api.url).get(`/v1/checks/${queued.body.id}`).set(auth(TENANT_A_KEY))).body.status).toBe(
      'queued',
    );

    await redis.start(); // empty: no persistence, the job is gone from Redis
    await until(async () => (await request(api.url).get('/readyz')).status === 200, 20_000);
    worker = await startTestApp({
      DNS_SERVERS: dns.address,
      REDIS_URL: redis.url,
      DATABASE_URL: db.url,
      ROLE: 'worker',
      QUEUE_PREFIX: 'outage',
      SWEEP_INTERVAL_MS: '500',
    });
    const done = await until(async () => {
      const r = await request(api.url).get(`/v1/checks/${queued.body.id}`).set(auth(TENANT_A_KEY));
      return r.body.status === 'completed' ? r.body : undefined;
    }, 30_000);
    expect(done.verdict).toBe('pass');
    expect(done.result.hosts).toHaveLength(2);

    const after = await request(api.url)
      .post('/v1/checks?wait=20')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'mx', domain: 'nullmx.test' });
    expect(after.status).toBe(200);
    expect(after.body.findings[0].code).toBe('MX_NULL');
    // The rejected submit left no phantom check behind.
    const all = await request(api.url).get('/v1/checks?limit=50').set(auth(TENANT_A_KEY));
    expect(all.body.items).toHaveLength(2);
  });

  it('refuses to start with one clear line when Redis or the database is unreachable', async () => {
    await expect(
      createWorkerContext(
        loadConfig({ REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' }),
      ),
    ).rejects.toThrow(/^Redis unreachable at redis:\/\/127\.0\.0\.1:1: .*start it/);
    const err = await createWorkerContext(
      loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test', LOG_LEVEL: 'silent' }),
    ).catch((e: Error) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toMatch(/^Database unreachable \(postgres:\/\/.*\).*start it/);
  });
});
