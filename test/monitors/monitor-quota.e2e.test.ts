import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitorsRepository } from '../../src/infra/database/monitors.repository';
import type { EventTopic } from '../../src/infra/queue/event-topics';
import type { MonitorEventModel } from '../../src/monitors/monitor.model';
import { MONITOR_EVENT_TOPIC } from '../../src/monitors/monitors.resolver';
import { MonitorsService } from '../../src/monitors/monitors.service';
import { auth, startTestApp, TENANT_A_KEY, TENANT_B_KEY, until, type TestApp } from '../support/app';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';

const ZONE = `
$ORIGIN test.
$TTL 60
@            IN SOA ns1.test. hostmaster.test. 1 3600 600 86400 60
watched      IN MX 10 mx1.watched.test.
mx1.watched  IN A 127.0.0.1
`;

function expectProblem(res: request.Response, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status, code });
}

/**
 * Monitor runs against QUOTA_DAILY_CHECKS: they are checks the tenant asked for, so scheduled and
 * run-now checks count toward its day; a monitor whose schedule alone exceeds the quota is refused
 * at creation; over the quota a scheduler slot submits nothing (a `skipped` event) and run-now is
 * 429. With MONITOR_JITTER_PCT=0, BullMQ fires a new monitor's first slot at once: a real
 * scheduled run, observed here.
 */
describe('monitor runs and the daily quota', () => {
  let dns: FixtureDnsServer;
  let t: TestApp;
  const post = (body: object) => request(t.url).post('/v1/monitors').set(auth(TENANT_A_KEY)).send(body);
  const checksOf = async (id: string) =>
    (await request(t.url).get(`/v1/monitors/${id}/checks`).set(auth(TENANT_A_KEY))).body.items as {
      id: string;
    }[];
  const quotaUsed = async () =>
    Number(
      await t.platform.redis.producer.get(
        `${t.config.queuePrefix}:rl:quota:tenant-a:${new Date().toISOString().slice(0, 10)}`,
      ),
    );

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    t = await startTestApp({
      NODE_ENV: 'test',
      DNS_SERVERS: dns.address,
      MONITOR_MIN_INTERVAL_S: '60',
      MONITOR_JITTER_PCT: '0',
      QUOTA_DAILY_CHECKS: '3',
    });
  });
  afterAll(async () => {
    await t?.close();
    await dns?.stop();
  });

  it('refuses a monitor whose schedule alone exceeds the daily quota, naming the interval that fits', async () => {
    const tooOften = await post({ target: 'watched.test', kinds: ['mx'], intervalSeconds: 21_600 });
    expectProblem(tooOften, 400, 'VALIDATION_FAILED');
    const e = (tooOften.body.errors as { field: string; message: string }[]).find(
      (x) => x.field === 'intervalSeconds',
    )!;
    expect(e.message).toContain('4 checks a day');
    expect(e.message).toContain('QUOTA_DAILY_CHECKS');
    expect(e.message).toContain('at least 28800 s');
    const twoKinds = await post({ target: 'watched.test', kinds: ['mx', 'dns'], intervalSeconds: 28_800 });
    expectProblem(twoKinds, 400, 'VALIDATION_FAILED');
    expect(JSON.stringify(twoKinds.body.errors)).toContain('6 checks a day');
    // Nothing was created, nothing was counted.
    expect((await request(t.url).get('/v1/monitors').set(auth(TENANT_A_KEY))).body.items).toEqual([]);
    expect(await quotaUsed()).toBe(0);
  });

  it('scheduled and run-now checks count; over the quota a slot submits nothing and run-now is 429', async () => {
    const created = await post({ target: 'watched.test', kinds: ['mx'], intervalSeconds: 28_800, name: 'first' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    // An update that would exceed the quota is refused too.
    const faster = await request(t.url)
      .patch(`/v1/monitors/${id}`)
      .set(auth(TENANT_A_KEY))
      .send({ intervalSeconds: 3600 });
    expectProblem(faster, 400, 'VALIDATION_FAILED');

    // The first slot, fired by BullMQ's scheduler: one check, one unit of the quota.
    await until(async () => (await checksOf(id)).length === 1, 60_000);
    expect(await quotaUsed()).toBe(1);
    expect((await request(t.url).post(`/v1/monitors/${id}/run`).set(auth(TENANT_A_KEY))).status).toBe(202);
    expect(await quotaUsed()).toBe(2);
    const check = await request(t.url)
      .post('/v1/checks')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'mx', domain: 'watched.test' });
    expect(check.status).toBe(202);
    expect(await quotaUsed()).toBe(3);

    // The day is used up. The next slot of this monitor (the processor's handler, as BullMQ calls it).
    const events: MonitorEventModel[] = [];
    const off = await t.platform.get<EventTopic<MonitorEventModel>>(MONITOR_EVENT_TOPIC).on(id, (e) => {
      events.push(e);
    });
    const monitors = t.platform.get<MonitorsService>(MonitorsService);
    const slot = Date.now();
    expect(
      await monitors.runScheduled({ id: `repeat:${id}:${slot}`, data: { monitorId: id }, opts: { prevMillis: slot } }),
    ).toBe('quota');
    await until(async () => events.some((e) => e.type === 'skipped'), 10_000);
    off();
    const skipped = events.find((e) => e.type === 'skipped')!;
    expect(skipped.reason).toMatch(/daily quota of 3 checks is used/);
    expect(events.some((e) => e.type === 'run')).toBe(false);
    expect(await checksOf(id)).toHaveLength(2);

    // A monitor created now fits the quota on its own (3 a day), but its first slot finds the day used.
    const second = await post({ target: 'watched.test', kinds: ['mx'], intervalSeconds: 28_800, name: 'second' });
    expect(second.status).toBe(201);
    const repo = t.platform.get<MonitorsRepository>(MonitorsRepository);
    await until(async () => (await repo.findById(second.body.id as string))?.last_slot != null, 60_000);
    expect(await checksOf(second.body.id as string)).toEqual([]);

    // Run-now and API submissions are refused with the quota's problem; nothing more was counted.
    const over = await request(t.url).post(`/v1/monitors/${id}/run`).set(auth(TENANT_A_KEY));
    expectProblem(over, 429, 'QUOTA_EXCEEDED');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expectProblem(
      await request(t.url).post('/v1/checks').set(auth(TENANT_A_KEY)).send({ kind: 'mx', domain: 'watched.test' }),
      429,
      'QUOTA_EXCEEDED',
    );
    expect(await quotaUsed()).toBe(3);
    expect(await checksOf(id)).toHaveLength(2);
    expect(await checksOf(second.body.id as string)).toEqual([]);
    // The quota is per tenant: tenant b still submits.
    expect(
      (await request(t.url).post('/v1/checks').set(auth(TENANT_B_KEY)).send({ kind: 'mx', domain: 'watched.test' }))
        .status,
    ).toBe(202);
  });
});
