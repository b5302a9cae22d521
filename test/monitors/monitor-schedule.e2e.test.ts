import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueues } from '../../src/infra/queue/queue.module';
import type { JobQueue } from '../../src/infra/queue/job-queue';
import { auth, startTestApp, TENANT_A_KEY, until, type TestApp } from '../support/app';
import { freshDatabaseUrl } from '../support/database';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { freePort } from '../support/free-port';
import { spawnService, type ServiceProcess } from '../faults/worker-process';

const ZONE = `
$ORIGIN test.
$TTL 60
@            IN SOA ns1.test. hostmaster.test. 1 3600 600 86400 60
watched      IN MX 10 mx1.watched.test.
mx1.watched  IN A 127.0.0.1
`;
const SECRET_KEY = 'cd'.repeat(32);

/**
 * Monitor scheduling on BullMQ job schedulers, with real worker processes (`node dist/src/main.js`,
 * ROLE=worker, built by `npm test` before vitest) next to an in-process API, on the shared Redis
 * (a queue prefix of our own) and a database of each dialect. A 2-second interval is allowed by
 * the test-only minimum (MONITOR_MIN_INTERVAL_S=1 under NODE_ENV=test).
 */
describe.each(['sqlite', 'postgres'] as const)('monitor schedules across worker processes (%s)', (dialect) => {
  let dns: FixtureDnsServer;
  const db = freshDatabaseUrl(dialect);
  const prefix = `mon-${randomBytes(4).toString('hex')}`;
  let api: TestApp;
  let monitorsQueue: JobQueue<unknown>;
  const workers: ServiceProcess[] = [];

  const env = () => ({
    DATABASE_URL: db.url,
    QUEUE_PREFIX: prefix,
    DNS_SERVERS: dns.address,
    DNS_RETRIES: '0',
    DNS_CACHE_MAX_ENTRIES: '0',
    SECRET_KEY,
    API_KEYS: `tenant-a:${TENANT_A_KEY}`,
    MONITOR_MIN_INTERVAL_S: '1',
    NODE_ENV: 'test',
  });
  const startWorker = async () => {
    const w = spawnService({ ...env(), ROLE: 'worker', PORT: String(await freePort()), HOST: '127.0.0.1' });
    workers.push(w);
    await w.waitForLog(/worker started/, 120_000).catch((e: unknown) => {
      console.log(JSON.stringify(w.logs.slice(-8)));
      throw e;
    });
    return w;
  };
  const kill = async (w: ServiceProcess) => {
    if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await w.exited;
  };
  const runs = async (id: string) => {
    const r = await request(api.url).get(`/v1/monitors/${id}/checks?limit=500`).set(auth(TENANT_A_KEY));
    expect(r.status).toBe(200);
    return (r.body.items as { id: string; createdAt: string; monitorId: string; kind: string }[]).reverse();
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** No slot ran twice: consecutive runs of the 2 s schedule are never closer than one interval minus slack. */
  const expectOnePerSlot = (items: { createdAt: string }[]) => {
    const times = items.map((c) => Date.parse(c.createdAt));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(1200);
  };

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    api = await startTestApp({ ...env(), ROLE: 'api' });
    monitorsQueue = api.platform.get<JobQueues>(JobQueues).queue('monitors');
    await Promise.all([startWorker(), startWorker()]);
  });
  afterAll(async () => {
    for (const w of workers) await kill(w);
    await api?.close();
    await dns?.stop();
    await db.cleanup();
  });

  it('runs on schedule across two workers without double runs; pause, resume, restart, delete', async () => {
    const created = await request(api.url)
      .post('/v1/monitors')
      .set(auth(TENANT_A_KEY))
      .send({ target: 'watched.test', kinds: ['mx'], intervalSeconds: 2 });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const scheduler = await monitorsQueue.getScheduler(id);
    expect(scheduler?.everyMs).toBe(2000);
    // The jitter is a fixed offset inside 10 % of the interval.
    expect(scheduler?.offsetMs ?? 0).toBeLessThan(200);

    const start = Date.now();
    await until(async () => (await runs(id)).length >= 5, 30_000, 200).catch((e) => {
      for (const w of workers) console.log(JSON.stringify(w.logs.filter((l) => l.level >= 30).slice(-20)));
      throw e;
    });
    const elapsed = Date.now() - start;
    const first = await runs(id);
    // One run per 2 s slot, however many workers: never more than the slots that passed.
    expect(first.length).toBeLessThanOrEqual(Math.ceil(elapsed / 2000) + 1);
    expectOnePerSlot(first);
    for (const c of first) {
      expect(c.monitorId).toBe(id);
      expect(c.kind).toBe('mx');
    }
    // Each run is an ordinary stored check: readable and finished like any other.
    const one = await request(api.url).get(`/v1/checks/${first[0]!.id}`).set(auth(TENANT_A_KEY));
    expect(one.body).toMatchObject({ status: 'completed', monitorId: id, target: 'watched.test' });

    // Pause: the scheduler goes, and no run starts after a job already due has drained.
    const paused = await request(api.url).post(`/v1/monitors/${id}/pause`).set(auth(TENANT_A_KEY));
    expect(paused.body.status).toBe('paused');
    expect(await monitorsQueue.getScheduler(id)).toBeUndefined();
    await sleep(1000);
    const atPause = (await runs(id)).length;
    await sleep(5000);
    expect((await runs(id)).length).toBe(atPause);

    // Resume: runs come back.
    const resumed = await request(api.url).post(`/v1/monitors/${id}/resume`).set(auth(TENANT_A_KEY));
    expect(resumed.body.status).toBe('active');
    await until(async () => (await runs(id)).length >= atPause + 2, 30_000, 200);

    // Worker restart: kill both workers; a new worker process picks the schedule up from Redis.
    await Promise.all(workers.map(kill));
    const beforeRestart = (await runs(id)).length;
    await startWorker();
    const restarted = Date.now();
    await until(async () => (await runs(id)).length >= beforeRestart + 4, 30_000, 200);
    const afterRestart = (await runs(id)).slice(beforeRestart);
    // The slot that fell due while no worker ran is run late, once; then one run per slot again.
    expect(afterRestart.length).toBeLessThanOrEqual(Math.ceil((Date.now() - restarted) / 2000) + 2);
    expectOnePerSlot(afterRestart.slice(1));

    // Delete: the scheduler and its next delayed job are gone; no run after.
    expect((await request(api.url).delete(`/v1/monitors/${id}`).set(auth(TENANT_A_KEY))).status).toBe(204);
    expect(await monitorsQueue.getScheduler(id)).toBeUndefined();
    // No job of it is left once a job already taken when it was deleted has finished (it finds no
    // monitor, runs nothing and schedules nothing). The bound is a hang guard, like the others here:
    // 5 s was met alone but not once in CI, where a run taken just before the delete took longer.
    await until(async () => !(await monitorsQueue.pendingJobIds()).some((j) => j.includes(id)), 30_000, 200);
    expect((await request(api.url).get(`/v1/monitors/${id}`).set(auth(TENANT_A_KEY))).status).toBe(404);
    await sleep(1000);
    const countAtDelete = (await api.platform.checksRepo.list({ tenantId: 'tenant-a', monitorId: id, limit: 1000 }))
      .length;
    await sleep(5000);
    expect((await api.platform.checksRepo.list({ tenantId: 'tenant-a', monitorId: id, limit: 1000 })).length).toBe(
      countAtDelete,
    );
  }, 120_000);
});
