import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { freshDatabaseUrl } from '../support/database';
import { freePort, startPrivateRedis, type PrivateRedis } from '../support/redis-server';
import { auth, startTestApp, TENANT_A_KEY, until, type TestApp } from '../support/app';
import { spawnService, type ServiceProcess } from './worker-process';

const ZONE = readFileSync(join(__dirname, '../fixtures/mx/mx.zone'), 'utf8');
const PREFIX = 'faults-worker';
const SECRET_KEY = 'ab'.repeat(32);

/**
 * Real worker processes (`node dist/src/main.js`, ROLE=worker) next to an in-process API, on a
 * private Redis and a shared SQLite file. A check is kept running by a DNS name that never
 * answers (the fixture server's `timeout` fault), so the worker can be signalled mid-check.
 */
describe('worker processes: SIGKILL mid-check, graceful SIGTERM', () => {
  let dns: FixtureDnsServer;
  let redis: PrivateRedis;
  const db = freshDatabaseUrl('sqlite');
  let api: TestApp;
  let rescuer: TestApp | undefined;
  const children: ServiceProcess[] = [];

  const workerEnv = (extra: Record<string, string>) => ({
    ROLE: 'worker',
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: PREFIX,
    DNS_SERVERS: dns.address,
    DNS_RETRIES: '0',
    SECRET_KEY,
    API_KEYS: `tenant-a:${TENANT_A_KEY}`,
    SWEEP_INTERVAL_MS: '60000',
    ...extra,
  });
  const startWorker = async (extra: Record<string, string>) => {
    const w = spawnService({ ...workerEnv(extra), PORT: String(await freePort()), HOST: '127.0.0.1' });
    children.push(w);
    await w.waitForLog(/worker started/);
    return w;
  };
  const submit = async (domain: string) => {
    const r = await request(api.url).post('/v1/checks').set(auth(TENANT_A_KEY)).send({ kind: 'mx', domain });
    expect(r.status).toBe(202);
    return r.body.id as string;
  };
  const status = async (id: string) => (await request(api.url).get(`/v1/checks/${id}`).set(auth(TENANT_A_KEY))).body;
  const untilRunning = (id: string, name: string) =>
    until(async () => (await status(id)).status === 'running' && dns.log.some((q) => q.name === name), 60_000, 100);

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    for (const name of ['slow1', 'slow2', 'slow3']) {
      dns.load(`$ORIGIN test.\n${name} IN MX 10 mx1.good.test.\n`);
      dns.fault(`${name}.test`, 'timeout');
    }
    redis = await startPrivateRedis();
    api = await startTestApp({
      ROLE: 'api',
      JOB_ATTEMPTS: '1',
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: PREFIX,
      SECRET_KEY,
      DNS_SERVERS: dns.address,
    });
  });
  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await rescuer?.close();
    await api?.close();
    await redis?.destroy();
    await dns?.stop();
    await db.cleanup();
  });

  it('a worker killed with SIGKILL mid-check: a new worker completes the check, and its result is stored once', async () => {
    const doomed = await startWorker({ DNS_TIMEOUT_MS: '60000' });
    // The start-up check read the private Redis (no AOF, no RDB): one warn line says so.
    const warn = doomed.logs.find((l) => /Redis is not set up for production/.test(l.msg));
    expect(warn?.level).toBe(40);
    expect(warn?.msg).toMatch(/persistence is off/);

    const id = await submit('slow1.test');
    await untilRunning(id, 'slow1.test');
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect((await status(id)).status).toBe('running');

    dns.fault('slow1.test', null); // the next attempt gets answers
    // What 30-45 s of wall time would do: the dead worker's lock expires (lockDuration 30 s) and a
    // stalled-check pass (every 15 s) sees the job active without a lock. Done by hand to keep the
    // suite fast; the recovery itself (moving the job back to wait, running it again) is BullMQ's.
    const r = new Redis(redis.url);
    await r.del(`${PREFIX}:dns:${id}:lock`, `${PREFIX}:dns:stalled-check`);
    await r.sadd(`${PREFIX}:dns:stalled`, id);

    rescuer = await startTestApp({ ...workerEnv({ DNS_TIMEOUT_MS: '2000' }), LOG_LEVEL: 'silent' }, { http: false });
    const done = await until(
      async () => {
        const c = await status(id);
        return c.status === 'completed' ? c : undefined;
      },
      60_000,
      200,
    );
    expect(done.verdict).toBe('pass');
    expect(done.result.hosts.map((h: { exchange: string }) => h.exchange)).toEqual(['mx1.good.test']);

    // Exactly once: one row, two runs (killed + rescued), one stored outcome, one finish hook.
    const row = await rescuer.platform.checksRepo.findById(id);
    expect(row?.attempts).toBe(2);
    const list = await request(api.url).get('/v1/checks?target=slow1.test').set(auth(TENANT_A_KEY));
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    const metrics = await rescuer.platform.metrics.render();
    expect(metrics).toMatch(/smtp_doctor_checks_total\{kind="mx",outcome="pass"\} 1\n/);
    expect(await r.hget(`${PREFIX}:rl:conc:static:tenant-a:f`, id)).toBeNull(); // no -1 tombstone from a second finish
    expect(await r.get(`${PREFIX}:rl:conc:static:tenant-a:n`)).toBe('0');
    r.disconnect();
    await rescuer.close();
    rescuer = undefined;
  });

  it('SIGTERM lets the running check finish within SHUTDOWN_GRACE_MS, then exits 0', async () => {
    // The API enqueues with JOB_ATTEMPTS=1: the timed-out lookup (3 s) is stored as indeterminate, not retried.
    const w = await startWorker({ DNS_TIMEOUT_MS: '3000', SHUTDOWN_GRACE_MS: '30000' });
    const id = await submit('slow2.test');
    await untilRunning(id, 'slow2.test');
    w.child.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
    // No other worker runs: the outcome was stored by the process that got SIGTERM, before it exited.
    const c = await status(id);
    expect(c.status).toBe('completed');
    expect(c.verdict).toBe('indeterminate');
    expect(c.findings.map((f: { code: string }) => f.code)).toEqual(['MX_LOOKUP_FAILED']);
    expect(w.logs.some((l) => /shutting down/.test(l.msg))).toBe(true);
  });

  it('a second SIGTERM exits at once, without waiting for the running check', async () => {
    const w = await startWorker({ DNS_TIMEOUT_MS: '60000', SHUTDOWN_GRACE_MS: '60000' });
    const id = await submit('slow3.test');
    await untilRunning(id, 'slow3.test');
    w.child.kill('SIGTERM');
    await w.waitForLog(/shutting down/);
    w.child.kill('SIGTERM');
    expect((await w.exited).code).toBe(1);
    expect(w.logs.some((l) => /second signal: exiting now/.test(l.msg))).toBe(true);
    // The check's DNS lookup would take 60 s: it is still unfinished, left for stalled-job recovery.
    expect((await status(id)).status).toBe('running');
  });
});
