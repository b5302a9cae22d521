import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryProbeLimiter } from '../../src/infra/net/probe-politeness.memory';
import { RedisProbeCache, RedisProbeLimiter } from '../../src/infra/net/probe-politeness.redis';
import type { ProbeLimiter } from '../../src/probe/politeness.port';
import { dialogue, startScripted, type Running } from '../support/smtp-servers';
import { probe, startProbeDns, type Dns } from './harness';

/**
 * Politeness against the real Redis on 127.0.0.1:6379 (fresh key prefix per test). Two limiter
 * instances on two connections stand for two workers.
 */
let dns: Dns;
let a: Redis;
let b: Redis;
const prefixes: string[] = [];
beforeAll(async () => {
  dns = await startProbeDns();
  a = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1 });
  b = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  for (const p of prefixes) {
    const keys = await a.keys(`${p}:*`);
    if (keys.length) await a.del(...keys);
  }
  a.disconnect();
  b.disconnect();
  await dns.stop();
});
const fresh = () => {
  const p = `test:probe:${randomUUID()}`;
  prefixes.push(p);
  return p;
};
const opts = { maxConcurrent: 1, minIntervalMs: 0, waitMs: 0, leaseMs: 60_000 };

describe.each([
  [
    'redis (two workers)',
    () => {
      const p = fresh();
      return [new RedisProbeLimiter(a, p), new RedisProbeLimiter(b, p)] as [ProbeLimiter, ProbeLimiter];
    },
  ],
  [
    'memory (one process)',
    () => {
      const m = new MemoryProbeLimiter();
      return [m, m] as [ProbeLimiter, ProbeLimiter];
    },
  ],
])('limiter: %s', (_name, make) => {
  it('caps concurrent connections per IP, and a release frees the slot', async () => {
    const [w1, w2] = make();
    const r1 = await w1.acquire('192.0.2.1', opts);
    expect(r1).not.toBeNull();
    expect(await w2.acquire('192.0.2.1', opts)).toBeNull();
    const other = await w2.acquire('192.0.2.2', opts);
    expect(other).not.toBeNull();
    await r1!();
    const r2 = await w2.acquire('192.0.2.1', opts);
    expect(r2).not.toBeNull();
    await r2!();
    await other!();
  });

  it('a waiting worker gets the slot once it is released', async () => {
    const [w1, w2] = make();
    const r1 = await w1.acquire('192.0.2.3', opts);
    const waiting = w2.acquire('192.0.2.3', { ...opts, waitMs: 30_000 });
    setTimeout(() => void r1!(), 50);
    const r2 = await waiting;
    expect(r2).not.toBeNull();
    await r2!();
  });

  it('keeps a minimum interval between connection starts to one IP', async () => {
    const [w1, w2] = make();
    const spaced = { ...opts, maxConcurrent: 10, minIntervalMs: 60_000 };
    const r1 = await w1.acquire('192.0.2.4', spaced);
    await r1!();
    // Released, but the interval has not passed: no slot without waiting.
    expect(await w2.acquire('192.0.2.4', spaced)).toBeNull();
    const short = { ...spaced, minIntervalMs: 100, waitMs: 30_000 };
    const r3 = await w2.acquire('192.0.2.5', short);
    await r3!();
    const r4 = await w1.acquire('192.0.2.5', short);
    expect(r4).not.toBeNull();
    await r4!();
  });
});

describe('redis limiter and cache', () => {
  it('a lease abandoned by a crashed worker expires', async () => {
    const p = fresh();
    const w1 = new RedisProbeLimiter(a, p);
    const w2 = new RedisProbeLimiter(b, p);
    expect(await w1.acquire('192.0.2.6', { ...opts, leaseMs: 100 })).not.toBeNull(); // never released
    const r = await w2.acquire('192.0.2.6', { ...opts, waitMs: 30_000 });
    expect(r).not.toBeNull();
    await r!();
  });

  it('the result cache keeps values for their TTL only', async () => {
    const c = new RedisProbeCache(a, fresh());
    await c.set('mx|1.2.3.4|25|x', '{"v":1}', 60_000);
    expect(await c.get('mx|1.2.3.4|25|x')).toBe('{"v":1}');
    await c.set('short', 'x', 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(await c.get('short')).toBeUndefined();
  });
});

describe('the engine is polite', () => {
  let server: Running;
  let active = 0;
  let peak = 0;
  let total = 0;
  beforeAll(async () => {
    server = await startScripted(async (io) => {
      total++;
      peak = Math.max(peak, ++active);
      io.socket.on('close', () => active--);
      await io.sleep(100);
      await dialogue(io);
    });
  });
  afterAll(() => server.close());

  it('never holds more than PROBE_MAX_PER_IP connections to one IP across concurrent checks', async () => {
    const limiter = new RedisProbeLimiter(a, fresh());
    peak = 0;
    const runs = await Promise.all(
      [0, 1, 2, 3].map(() =>
        probe(
          { host: 'mx.test', ports: [server.port] },
          { dns, ports: [server.port], limiter, env: { PROBE_MAX_PER_IP: '1' } },
        ),
      ),
    );
    expect(runs.every((r) => r.result.probes[0]!.reached === 'complete')).toBe(true);
    expect(peak).toBe(1);
  });

  it('serves a recent result for the same host/port from the cache', async () => {
    const cache = new RedisProbeCache(a, fresh());
    const before = total;
    const env = { PROBE_CACHE_TTL_MS: '60000' };
    const first = await probe(
      { host: 'mx.test', ports: [server.port], recipient: 'u@mx.test' },
      { dns, ports: [server.port], cache, env },
    );
    const second = await probe(
      { host: 'mx.test', ports: [server.port], recipient: 'u@mx.test' },
      { dns, ports: [server.port], cache, env },
    );
    const otherRcpt = await probe(
      { host: 'mx.test', ports: [server.port], recipient: 'v@mx.test' },
      { dns, ports: [server.port], cache, env },
    );
    expect(total - before).toBe(2);
    expect(first.result.probes[0]!.cached).toBeUndefined();
    expect(second.result.probes[0]!.cached).toBe(true);
    expect(second.codes).toEqual(first.codes);
    expect(second.findings.every((f) => f.detail.includes(' (cached): '))).toBe(true);
    expect(otherRcpt.result.probes[0]!.cached).toBeUndefined();
  });
});
