import request from 'supertest';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { freshDatabaseUrl } from '../support/database';
import { auth, startTestApp, TENANT_A_KEY, until, type TestApp } from '../support/app';

const ZONE = readFileSync(join(__dirname, '../fixtures/mx/mx.zone'), 'utf8');

describe('sweeper: a check whose job failed without storing an outcome is run again', () => {
  let dns: FixtureDnsServer;
  const db = freshDatabaseUrl('sqlite');
  const prefix = `sweep-${Date.now()}`;
  let api: TestApp;
  let worker: TestApp | undefined;

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    api = await startTestApp({
      DNS_SERVERS: dns.address,
      DATABASE_URL: db.url,
      ROLE: 'api',
      QUEUE_PREFIX: prefix,
      JOB_ATTEMPTS: '1',
    });
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await dns?.stop();
    await db.cleanup();
  });

  it('re-runs the failed job and stores exactly one result', async () => {
    const sub = await request(api.url)
      .post('/v1/checks')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'mx', domain: 'good.test' });
    expect(sub.status).toBe(202);
    // A worker whose every attempt dies before storing anything (as when the database is down
    // for longer than the job's attempts last): the job ends "failed", the check stays queued.
    const conn = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    const failing = new Worker(
      'dns',
      async () => {
        throw new Error('database unreachable');
      },
      { connection: conn, prefix },
    );
    const dnsQueue = api.platform.queues.queues.get('dns')!;
    // Read the job again once it is failed: a copy read just before it failed has no failedReason.
    const job = await until(async () => {
      const j = await dnsQueue.getJob(sub.body.id);
      return j && (await j.getState()) === 'failed' ? await dnsQueue.getJob(sub.body.id) : undefined;
    });
    expect(job.failedReason).toBe('database unreachable');
    await failing.close();
    conn.disconnect();
    expect((await request(api.url).get(`/v1/checks/${sub.body.id}`).set(auth(TENANT_A_KEY))).body.status).toBe(
      'queued',
    );

    worker = await startTestApp({
      DNS_SERVERS: dns.address,
      DATABASE_URL: db.url,
      ROLE: 'worker',
      QUEUE_PREFIX: prefix,
      SWEEP_INTERVAL_MS: '300',
    });
    const done = await until(async () => {
      const r = await request(api.url).get(`/v1/checks/${sub.body.id}`).set(auth(TENANT_A_KEY));
      return r.body.status === 'completed' ? r.body : undefined;
    }, 30_000);
    expect(done.verdict).toBe('pass');
    const rows = await api.platform.database.db
      .selectFrom('checks')
      .selectAll()
      .where('id', '=', sub.body.id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.attempts).toBe(1);
  });
});
