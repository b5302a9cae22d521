import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { ConfigError, loadConfig } from '../../src/config/config.schema';
import { RedisProbeLimiter } from '../../src/infra/net/probe-politeness.redis';
import { JobQueues } from '../../src/infra/queue/queue.module';
import { readRedisSettings } from '../../src/infra/queue/redis.settings';
import { auth, startTestApp, TENANT_A_KEY, until, type TestApp } from '../support/app';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import {
  haveTopologyBinaries,
  startCluster,
  startSentinel,
  type SentinelTopology,
  type Topology,
} from '../support/redis-topologies';

const ZONE = readFileSync(join(__dirname, '../fixtures/mx/mx.zone'), 'utf8');
const binaries = haveTopologyBinaries();
if (!binaries && process.env.CI === 'true')
  throw new Error(
    'redis-server, redis-cli and redis-sentinel are required under CI=true (apt-get install redis-sentinel)',
  );

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ DATABASE_URL: 'sqlite::memory:', ...env });
    return [];
  } catch (e) {
    return (e as ConfigError).problems;
  }
};

describe('REDIS_URL topologies: parsed at boot, bad values named', () => {
  it('reads standalone, Sentinel and Cluster forms', () => {
    expect(readRedisSettings({})).toMatchObject({ topology: 'standalone', url: 'redis://127.0.0.1:6379' });
    expect(readRedisSettings({ REDIS_URL: 'rediss://u:p%40ss@h:6380/2' })).toMatchObject({
      topology: 'standalone',
      tls: true,
      username: 'u',
      password: 'p@ss',
    });
    expect(readRedisSettings({ REDIS_URL: 'redis+sentinel://:pw@s1:26379,s2/mymaster/3' })).toEqual({
      topology: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      name: 'mymaster',
      db: 3,
      password: 'pw',
      username: undefined,
      sentinelPassword: undefined,
      tls: false,
    });
    expect(readRedisSettings({ REDIS_SENTINELS: '[::1]:5000,s2:5001', REDIS_SENTINEL_NAME: 'm' })).toMatchObject({
      topology: 'sentinel',
      sentinels: [
        { host: '::1', port: 5000 },
        { host: 's2', port: 5001 },
      ],
      name: 'm',
    });
    expect(readRedisSettings({ REDIS_URL: 'rediss+cluster://a:7000,b:7001' })).toMatchObject({
      topology: 'cluster',
      tls: true,
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
    });
    expect(readRedisSettings({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_PASSWORD: 'x' })).toMatchObject({
      topology: 'cluster',
      password: 'x',
    });
  });

  it('hash-tags the key prefix on a Cluster only (every key of ours on one slot)', () => {
    const base = { DATABASE_URL: 'sqlite::memory:', QUEUE_PREFIX: 'acme' };
    expect(loadConfig(base).queuePrefix).toBe('acme');
    expect(loadConfig({ ...base, REDIS_URL: 'redis+sentinel://s:26379/m' }).queuePrefix).toBe('acme');
    expect(loadConfig({ ...base, REDIS_URL: 'redis+cluster://a:7000' }).queuePrefix).toBe('{acme}');
    expect(loadConfig({ ...base, REDIS_CLUSTER_NODES: 'a:7000' }).queuePrefix).toBe('{acme}');
  });

  it.each([
    [{ REDIS_URL: 'http://h:6379' }, /^REDIS_URL: "http:\/\/h:6379" must start with redis:\/\//],
    [{ REDIS_URL: 'redis+sentinel://s:26379' }, /^REDIS_URL: .* must look like redis\+sentinel:/],
    [{ REDIS_URL: 'redis+sentinel://:secret@s:26379' }, /^REDIS_URL: "redis\+sentinel:\/\/\*\*\*@s:26379"/],
    [{ REDIS_URL: 'redis+cluster://a:7000/2' }, /^REDIS_URL: .* \(no database\)/],
    [{ REDIS_URL: 'redis+cluster://a:99999' }, /^REDIS_URL: "a:99999" is not host\[:port\]/],
    [{ REDIS_SENTINELS: 's:26379' }, /^REDIS_SENTINEL_NAME: "" must name the master/],
    [{ REDIS_SENTINEL_NAME: 'm' }, /^REDIS_SENTINEL_NAME: only used with REDIS_SENTINELS/],
    [{ REDIS_CLUSTER_NODES: 'a b' }, /^REDIS_CLUSTER_NODES: "a b" is not host\[:port\]/],
    [{ REDIS_URL: 'redis://h', REDIS_CLUSTER_NODES: 'a:1' }, /^REDIS_URL, REDIS_CLUSTER_NODES: set only one of them/],
    [{ REDIS_PASSWORD: 'x' }, /^REDIS_PASSWORD: only used with REDIS_SENTINELS or REDIS_CLUSTER_NODES/],
  ])('%j is refused with the variable named', (env, re) => {
    const problems = problemsOf(env);
    expect(problems.some((p) => re.test(p))).toBe(true);
    expect(problems.join('\n')).not.toContain('secret');
  });
});

/** Submit mx checks (one alone, one batch) and wait until all are stored as completed. */
async function runChecks(t: TestApp, n: number): Promise<string[]> {
  const one = await request(t.url).post('/v1/checks').set(auth(TENANT_A_KEY)).send({ kind: 'mx', domain: 'good.test' });
  expect(one.status).toBe(202);
  const batch = await request(t.url)
    .post('/v1/batches')
    .set(auth(TENANT_A_KEY))
    .send({
      checks: Array.from({ length: n }, (_, i) => ({ kind: 'mx', domain: i % 2 ? 'good.test' : 'nullmx.test' })),
    });
  expect(batch.status).toBe(202);
  await until(async () => {
    const r = await request(t.url).get(`/v1/batches/${batch.body.id}`).set(auth(TENANT_A_KEY));
    return r.body.status === 'completed' ? r.body : undefined;
  }, 60_000);
  const single = await until(async () => {
    const r = await request(t.url).get(`/v1/checks/${one.body.id}`).set(auth(TENANT_A_KEY));
    return r.body.status === 'completed' ? r.body : undefined;
  });
  expect(single.verdict).toBe('pass');
  return [one.body.id as string];
}

describe.skipIf(!binaries)('a real 3-master Redis Cluster', () => {
  let dns: FixtureDnsServer;
  let cluster: Topology;
  let t: TestApp;

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    cluster = await startCluster(3);
    t = await startTestApp({ DNS_SERVERS: dns.address, REDIS_URL: cluster.url, QUOTA_DAILY_CHECKS: '1000' });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await cluster?.destroy();
    await dns?.stop();
  });

  it('runs checks and batches end to end; every key of ours lands on one hash slot', async () => {
    expect(t.config.queuePrefix).toMatch(/^\{test-[0-9a-f]+\}$/);
    await runChecks(t, 20);
    // Rate-limit scripts ran (quota + concurrency keys); the auth throttle counts failures too.
    const bad = await request(t.url).get('/v1/checks').set(auth('wrong-key-0123456789'));
    expect(bad.status).toBe(401);
    // Probe politeness: a Lua script over two keys.
    const limiter = new RedisProbeLimiter(t.platform.redis.producer, `${t.config.queuePrefix}:probe`);
    const release = await limiter.acquire('192.0.2.1', {
      maxConcurrent: 1,
      minIntervalMs: 0,
      leaseMs: 5000,
      waitMs: 0,
    });
    expect(release).not.toBeNull();
    await release!();

    const c = t.platform.redis.producer as Cluster;
    expect(c).toBeInstanceOf(Cluster);
    const keys: string[] = [];
    for (const node of c.nodes('master')) keys.push(...(await node.keys(`${t.config.queuePrefix}*`)));
    expect(keys.some((k) => k.includes(':rl:quota:'))).toBe(true);
    expect(keys.some((k) => k.includes(':probe:'))).toBe(true);
    expect(keys.some((k) => k.includes(':auth'))).toBe(true);
    const slots = new Set(await Promise.all(keys.map((k) => c.cluster('KEYSLOT', k))));
    expect(slots.size).toBe(1);
  }, 90_000);

  it('/readyz answers, and /metrics counts every queue (checks, webhooks, health reports) through the Cluster', async () => {
    const ready = await request(t.url).get('/readyz');
    expect(ready.status).toBe(200);
    const m = await request(t.url).get('/metrics');
    for (const queue of ['dns', 'probe', 'content', 'reports', 'webhooks', 'health-report'])
      for (const state of ['waiting', 'active', 'delayed', 'failed'])
        expect(m.text).toMatch(new RegExp(`^smtp_doctor_queue_jobs\\{queue="${queue}",state="${state}"\\} \\d+$`, 'm'));
  });
});

describe.skipIf(!binaries)('a Redis with Sentinel: the master fails over while checks run', () => {
  let dns: FixtureDnsServer;
  let sentinel: SentinelTopology;
  let t: TestApp;

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    sentinel = await startSentinel();
    t = await startTestApp({ DNS_SERVERS: dns.address, REDIS_URL: sentinel.url });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await sentinel?.destroy();
    await dns?.stop();
  });

  it('follows the promoted replica: checks before and after the failover all complete', async () => {
    await runChecks(t, 10);
    const { from, to } = await sentinel.failover();
    expect(to).not.toBe(from);
    // Submits may be refused (503) for the moment the client reconnects; then they succeed again.
    await until(async () => {
      const r = await request(t.url)
        .post('/v1/checks')
        .set(auth(TENANT_A_KEY))
        .send({ kind: 'mx', domain: 'good.test' });
      return r.status === 202 ? r.body : undefined;
    }, 30_000);
    await runChecks(t, 10);
  }, 120_000);
});

describe('/metrics on the default standalone Redis', () => {
  let t: TestApp;
  beforeAll(async () => {
    // API only: no worker takes the job this test adds.
    t = await startTestApp({ ROLE: 'api' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('counts the webhooks and health-report queues too, with a job waiting where there is one', async () => {
    await t.platform
      .get<JobQueues>(JobQueues)
      .queue('webhooks')
      .addBulk([
        {
          name: 'probe-metrics',
          data: {},
          opts: {
            jobId: 'metrics-1',
            attempts: 1,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: true,
            removeOnFail: { count: 1 },
          },
        },
      ]);
    const m = await request(t.url).get('/metrics');
    expect(m.text).toMatch(/^smtp_doctor_queue_jobs\{queue="health-report",state="waiting"\} 0$/m);
    expect(m.text).toMatch(/^smtp_doctor_queue_jobs\{queue="webhooks",state="waiting"\} 1$/m);
    expect(m.text).toMatch(/^smtp_doctor_queue_jobs\{queue="webhooks",state="active"\} 0$/m);
  });
});
