import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { startPrivatePostgres, type PrivatePostgres } from '../support/postgres-server';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server';
import { auth, startTestApp, TENANT_A_KEY, until, type TestApp } from '../support/app';

const ZONE = readFileSync(join(__dirname, '../fixtures/mx/mx.zone'), 'utf8');

/**
 * Checks are held "running" by DNS names that do not answer (fixture `timeout` fault) while the
 * resolver keeps retrying (DNS_TIMEOUT_MS x DNS_RETRIES, about 12 s); clearing the fault releases
 * them, so the outage happens while they run, whatever the machine's speed.
 */
const HOLD = { DNS_TIMEOUT_MS: '2000', DNS_RETRIES: '5' };

function expectUnavailable(res: request.Response) {
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
}

describe('dependency outages while checks are queued and running', () => {
  let dns: FixtureDnsServer;

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    for (const name of ['hold1', 'hold2', 'hold3']) dns.load(`$ORIGIN test.\n${name} IN MX 10 mx1.good.test.\n`);
  });
  afterAll(async () => {
    await dns?.stop();
  });

  const submit = async (t: TestApp, domain: string) => {
    const r = await request(t.url).post('/v1/checks').set(auth(TENANT_A_KEY)).send({ kind: 'mx', domain });
    expect(r.status).toBe(202);
    return r.body.id as string;
  };
  const get = (t: TestApp, id: string) => request(t.url).get(`/v1/checks/${id}`).set(auth(TENANT_A_KEY));
  const allCompleted = (t: TestApp, ids: string[]) =>
    until(
      async () => {
        const rows = await Promise.all(ids.map(async (id) => (await get(t, id)).body));
        return rows.every((c) => c.status === 'completed') ? rows : undefined;
      },
      60_000,
      250,
    );

  describe('Redis restarted (losing every job)', () => {
    let redis: PrivateRedis;
    let t: TestApp;
    beforeAll(async () => {
      redis = await startPrivateRedis();
      t = await startTestApp({
        REDIS_URL: redis.url,
        DNS_SERVERS: dns.address,
        WORKER_CONCURRENCY: '2',
        SWEEP_INTERVAL_MS: '500',
        RATE_LIMIT_RPM: '0',
        ...HOLD,
      });
    });
    afterAll(async () => {
      await t?.close();
      await redis?.destroy();
    });

    it('none is lost, the API answers 503 during the outage and recovers without a restart', async () => {
      dns.fault('hold1.test', 'timeout');
      dns.fault('hold2.test', 'timeout');
      const running = [await submit(t, 'hold1.test'), await submit(t, 'hold2.test')];
      await until(
        async () =>
          (await Promise.all(running.map(async (id) => (await get(t, id)).body.status))).every((s) => s === 'running'),
        30_000,
        100,
      );
      // Both worker slots are held: these wait in the queue.
      const queued = [];
      for (const d of ['good.test', 'nullmx.test', 'implicit.test', 'aliased.test']) queued.push(await submit(t, d));
      expect((await get(t, queued[0]!)).body.status).toBe('queued');

      await redis.stop();
      expectUnavailable(
        await request(t.url).post('/v1/checks').set(auth(TENANT_A_KEY)).send({ kind: 'mx', domain: 'good.test' }),
      );
      const ready = await request(t.url).get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.redis).toMatch(/^down/);
      expect(ready.body.database).toBe('ok');
      // Reads come from the database and still work.
      expect((await get(t, queued[1]!)).body.status).toBe('queued');

      await redis.start(); // empty: no persistence
      dns.fault('hold1.test', null);
      dns.fault('hold2.test', null);
      await until(async () => (await request(t.url).get('/readyz')).status === 200, 30_000, 200);
      const after = await submit(t, 'good.test');

      const ids = [...running, ...queued, after];
      const done = await allCompleted(t, ids);
      // nullmx.test: a null MX (RFC 7505) means mail cannot be delivered, a fail (issue 13).
      expect(done.map((c) => c.verdict)).toEqual(['pass', 'pass', 'pass', 'fail', 'warn', 'warn', 'pass']);
      // Each stored once: no duplicate rows, nothing else created.
      const list = await request(t.url).get('/v1/checks?limit=100').set(auth(TENANT_A_KEY));
      expect(list.body.items.map((c: { id: string }) => c.id).sort()).toEqual([...ids].sort());
    });
  });

  describe('PostgreSQL stopped and started (a private cluster)', () => {
    let pg: PrivatePostgres;
    let redis: PrivateRedis;
    let t: TestApp;
    beforeAll(async () => {
      [pg, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
      t = await startTestApp({
        DATABASE_URL: `${pg.url}?schema=faults`,
        REDIS_URL: redis.url,
        DNS_SERVERS: dns.address,
        WORKER_CONCURRENCY: '1',
        SWEEP_INTERVAL_MS: '500',
        RATE_LIMIT_RPM: '0',
        ...HOLD,
      });
    });
    afterAll(async () => {
      await t?.close();
      await Promise.all([pg?.destroy(), redis?.destroy()]);
    });

    it('503 problem+json and readyz 503 during the outage; afterwards running and queued checks complete', async () => {
      const first = await request(t.url)
        .post('/v1/checks?wait=20')
        .set(auth(TENANT_A_KEY))
        .send({ kind: 'mx', domain: 'good.test' });
      expect(first.status).toBe(200);
      dns.fault('hold3.test', 'timeout');
      const running = await submit(t, 'hold3.test');
      await until(async () => (await get(t, running)).body.status === 'running', 30_000, 100);
      const queued = await submit(t, 'nullmx.test'); // waits behind the single worker slot

      await pg.stop('fast');
      expectUnavailable(
        await request(t.url).post('/v1/checks').set(auth(TENANT_A_KEY)).send({ kind: 'mx', domain: 'good.test' }),
      );
      expectUnavailable(await get(t, first.body.id));
      expectUnavailable(await request(t.url).get('/v1/checks').set(auth(TENANT_A_KEY)));
      const ready = await request(t.url).get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.database).toMatch(/^down/);
      expect(ready.body.redis).toBe('ok');

      await pg.start();
      dns.fault('hold3.test', null);
      await until(async () => (await request(t.url).get('/readyz')).status === 200, 30_000, 200);
      expect((await get(t, first.body.id)).body.verdict).toBe('pass');
      const done = await allCompleted(t, [running, queued]);
      expect(done.map((c) => c.verdict)).toEqual(['pass', 'fail']);
      const again = await request(t.url)
        .post('/v1/checks?wait=20')
        .set(auth(TENANT_A_KEY))
        .send({ kind: 'mx', domain: 'implicit.test' });
      expect(again.status).toBe(200);
      expect(again.body.verdict).toBe('warn');
    });
  });
});
