import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { freshDatabaseUrl } from '../support/database';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server';
import { auth, startTestApp, TENANT_A_KEY, TENANT_B_KEY, until, type TestApp } from '../support/app';
import pino from 'pino';
import { parseRateLimitConfig } from '../../src/ratelimit/ratelimit.config';
import { warnOnRedisSettings } from '../../src/infra/limits/redis-settings';

const ZONE = readFileSync(join(__dirname, '../fixtures/mx/mx.zone'), 'utf8');
const PREFIX = 'rl-test';

function expectProblem(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status, code });
  expect(typeof res.body.detail).toBe('string');
}

describe('rate limits and quotas (Redis-backed, shared by replicas)', () => {
  let dns: FixtureDnsServer;
  let redis: PrivateRedis;
  const db = freshDatabaseUrl('sqlite');
  let api1: TestApp;
  let api2: TestApp;
  let worker: TestApp | undefined;
  const env = () => ({
    DNS_SERVERS: dns.address,
    REDIS_URL: redis.url,
    DATABASE_URL: db.url,
    QUEUE_PREFIX: PREFIX,
    ROLE: 'api',
    RATE_LIMIT_RPM: '12',
    RATE_LIMIT_CONCURRENT_CHECKS: '3',
    QUOTA_DAILY_CHECKS: '5',
  });

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    redis = await startPrivateRedis();
    // Two API replicas on one Redis and one database, no worker yet: checks stay unfinished.
    api1 = await startTestApp(env());
    api2 = await startTestApp(env());
  });
  afterAll(async () => {
    await worker?.close();
    await api2?.close();
    await api1?.close();
    await redis?.destroy();
    await dns?.stop();
    await db.cleanup();
  });

  it('parses its variables and names a bad one', () => {
    expect(parseRateLimitConfig({})).toEqual({ rpm: 600, concurrentChecks: 10_000, dailyChecks: 0 });
    expect(parseRateLimitConfig({ RATE_LIMIT_RPM: '0', QUOTA_DAILY_CHECKS: '100' })).toMatchObject({
      rpm: 0,
      dailyChecks: 100,
    });
    expect(() => parseRateLimitConfig({ RATE_LIMIT_RPM: '-1', QUOTA_DAILY_CHECKS: 'lots' })).toThrow(
      /RATE_LIMIT_RPM.*\n.*QUOTA_DAILY_CHECKS/,
    );
  });

  it('unfinished checks per key: the 4th is 429 with Retry-After; a batch bigger than the limit is 400', async () => {
    for (let i = 0; i < 3; i++) {
      const ok = await request(i % 2 ? api2.url : api1.url)
        .post('/v1/checks')
        .set(auth(TENANT_A_KEY))
        .send({ kind: 'mx', domain: 'good.test' });
      expect(ok.status).toBe(202);
    }
    const over = await request(api2.url)
      .post('/v1/checks')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'mx', domain: 'good.test' });
    expectProblem(over, 429, 'RATE_LIMITED');
    expect(over.headers['retry-after']).toBe('5');
    expect(over.body.retryAfter).toBe(5);
    const batch = await request(api1.url)
      .post('/v1/batches')
      .set(auth(TENANT_B_KEY))
      .send({ checks: Array.from({ length: 4 }, () => ({ kind: 'mx', domain: 'good.test' })) });
    expectProblem(batch, 400, 'VALIDATION_FAILED');
    expect(batch.body.errors[0].field).toBe('checks');
    // GraphQL goes through the same admission: same code in extensions.
    const g = await request(api1.url)
      .post('/graphql')
      .set(auth(TENANT_A_KEY))
      .send({ query: 'mutation { submitCheck(input: { kind: "mx", mx: { domain: "good.test" } }) { id } }' });
    expect(g.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
  });

  it('requests per minute per key, counted across both replicas, with RateLimit-* headers', async () => {
    // This key already spent 5 requests in the previous test (4 REST + 1 GraphQL).
    const seen: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await request(i % 2 ? api1.url : api2.url)
        .get('/v1/checks?limit=1')
        .set(auth(TENANT_A_KEY));
      expect(r.status).toBe(200);
      expect(r.headers['ratelimit-limit']).toBe('12');
      expect(Number(r.headers['ratelimit-reset'])).toBeGreaterThan(0);
      expect(Number(r.headers['ratelimit-reset'])).toBeLessThanOrEqual(60);
      seen.push(Number(r.headers['ratelimit-remaining']));
    }
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0]);
    const over = await request(api1.url).get('/v1/checks?limit=1').set(auth(TENANT_A_KEY));
    expectProblem(over, 429, 'RATE_LIMITED');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(over.headers['ratelimit-remaining']).toBe('0');
    const gql = await request(api2.url)
      .post('/graphql')
      .set(auth(TENANT_A_KEY))
      .send({ query: '{ findingCatalog { code } }' });
    expectProblem(gql, 429, 'RATE_LIMITED');
    // Another key has its own budget; a wrong key gets its 401 without RateLimit headers.
    const other = await request(api1.url).get('/v1/checks?limit=1').set(auth(TENANT_B_KEY));
    expect(other.status).toBe(200);
    expect(other.headers['ratelimit-remaining']).toBe('10');
    const wrong = await request(api1.url).get('/v1/checks').set(auth('not-a-key-at-all'));
    expectProblem(wrong, 401, 'UNAUTHENTICATED');
    expect(wrong.headers['ratelimit-limit']).toBeUndefined();
    // The window is in Redis: forget it and the key may call again.
    const r = new Redis(redis.url);
    await r.del(`${PREFIX}:rl:rpm:static:tenant-a`);
    r.disconnect();
    expect((await request(api2.url).get('/v1/checks?limit=1').set(auth(TENANT_A_KEY))).status).toBe(200);
  });

  it('finished checks free their slots; the daily quota is per tenant, refunded for refused submits', async () => {
    worker = await startTestApp({ ...env(), ROLE: 'worker', SWEEP_INTERVAL_MS: '500' });
    const r = new Redis(redis.url);
    // The worker's finish hook releases the three slots.
    await until(async () => (await r.get(`${PREFIX}:rl:conc:static:tenant-a:n`)) === '0', 30_000, 200);
    const quotaKey = `${PREFIX}:rl:quota:tenant-a:${new Date().toISOString().slice(0, 10)}`;
    expect(await r.get(quotaKey)).toBe('3');
    await r.del(`${PREFIX}:rl:rpm:static:tenant-a`);

    // An invalid submit is refused (400) and does not spend quota.
    const bad = await request(api1.url)
      .post('/v1/checks')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'mx', domain: 'not a domain' });
    expectProblem(bad, 400, 'VALIDATION_FAILED');
    expect(await r.get(quotaKey)).toBe('3');
    for (let i = 0; i < 2; i++) {
      const ok = await request(api1.url)
        .post('/v1/checks?wait=20')
        .set(auth(TENANT_A_KEY))
        .send({ kind: 'mx', domain: 'nullmx.test' });
      expect(ok.status).toBe(200);
    }
    const over = await request(api2.url)
      .post('/v1/checks')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'mx', domain: 'good.test' });
    expectProblem(over, 429, 'QUOTA_EXCEEDED');
    const retry = Number(over.headers['retry-after']);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(86_400);
    expect(over.body.retryAfter).toBe(retry);
    // Tenant b has its own quota.
    const b = await request(api2.url)
      .post('/v1/batches')
      .set(auth(TENANT_B_KEY))
      .send({
        checks: [
          { kind: 'mx', domain: 'good.test' },
          { kind: 'mx', domain: 'nullmx.test' },
        ],
      });
    expect(b.status).toBe(202);
    const metrics = await request(api2.url).get('/metrics');
    expect(metrics.text).toMatch(/smtp_doctor_rate_limited_total\{reason="quota"\} 1/);
    r.disconnect();
  });

  it('slots leaked while Redis missed a finish are reconciled from the database', async () => {
    const r = new Redis(redis.url);
    // Pretend three checks finished without their finish hook reaching Redis.
    await r.hset(`${PREFIX}:rl:conc:static:tenant-b:f`, '01900000-0000-7000-8000-000000000000', '3');
    await until(async () => (await r.get(`${PREFIX}:rl:conc:static:tenant-b:n`)) === '0', 30_000, 200);
    await r.set(`${PREFIX}:rl:conc:static:tenant-b:n`, '3');
    const ok = await request(api1.url)
      .post('/v1/checks')
      .set(auth(TENANT_B_KEY))
      .send({ kind: 'mx', domain: 'good.test' });
    expect(ok.status).toBe(202);
    expect(await r.hget(`${PREFIX}:rl:conc:static:tenant-b:f`, '01900000-0000-7000-8000-000000000000')).toBeNull();
    r.disconnect();
  });

  it('warns at start when Redis may evict keys or does not persist, and is quiet when it is set up', async () => {
    const lines: { level: number; msg: string }[] = [];
    const log = pino(
      { level: 'info' },
      { write: (l: string) => void lines.push(JSON.parse(l) as { level: number; msg: string }) },
    );
    const r = new Redis(redis.url);
    try {
      await r.config('SET', 'maxmemory-policy', 'allkeys-lru');
      await warnOnRedisSettings(r, log);
      expect(lines).toHaveLength(1);
      expect(lines[0]!.level).toBe(40);
      expect(lines[0]!.msg).toMatch(/maxmemory-policy is allkeys-lru, not noeviction.*persistence is off/);
      await r.config('SET', 'maxmemory-policy', 'noeviction');
      await r.config('SET', 'appendonly', 'yes');
      await warnOnRedisSettings(r, log);
      expect(lines).toHaveLength(1);
    } finally {
      await r.config('SET', 'appendonly', 'no');
      r.disconnect();
    }
  });

  it('Redis down: fails open (reads still served, without RateLimit headers), submits 503', async () => {
    const list = await request(api1.url).get('/v1/checks?limit=1').set(auth(TENANT_B_KEY));
    const id = list.body.items[0].id as string;
    await redis.stop();
    try {
      const read = await request(api1.url).get(`/v1/checks/${id}`).set(auth(TENANT_B_KEY));
      expect(read.status).toBe(200);
      expect(read.headers['ratelimit-limit']).toBeUndefined();
      const submit = await request(api1.url)
        .post('/v1/checks')
        .set(auth(TENANT_B_KEY))
        .send({ kind: 'mx', domain: 'good.test' });
      expectProblem(submit, 503, 'SERVICE_UNAVAILABLE');
      const metrics = await request(api1.url).get('/metrics');
      expect(metrics.text).toMatch(/smtp_doctor_rate_limit_store_errors_total [1-9]/);
    } finally {
      await redis.start();
    }
    await until(async () => (await request(api1.url).get('/readyz')).status === 200, 20_000);
    const back = await request(api1.url).get(`/v1/checks/${id}`).set(auth(TENANT_B_KEY));
    expect(back.headers['ratelimit-limit']).toBe('12');
  });
});
