import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressBucket as clientBucket } from '../../src/common/address-bucket';
import { BrowserLimiter } from '../../src/embed/browser-limiter';
import { BrowserBudgetStore } from '../../src/infra/limits/browser-budget.store';
import { redisConnection, waitForRedis } from '../../src/infra/queue/redis.factory';
import { auth, startTestApp, type TestApp } from '../support/app';
import { tenantWithKeys } from './helpers';

const SHOP = 'https://shop.example';

describe('publishable keys are rate-limited per key and per client address', () => {
  let t: TestApp;
  let pks: string[];

  beforeAll(async () => {
    // TRUST_PROXY lets each test act as its own client address through X-Forwarded-For.
    t = await startTestApp({ TRUST_PROXY: 'true', PUBLISHABLE_KEY_RPM: '2', PUBLISHABLE_IP_RPM: '3' });
    ({ pks } = await tenantWithKeys(t, 'shop', { corsOrigins: [SHOP], publishable: 9 }));
  });
  afterAll(async () => {
    await t?.close();
  });

  const read = (key: string, ip: string) =>
    request(t.url)
      .get('/v1/checks/00000000-0000-7000-8000-000000000000')
      .set(auth(key))
      .set('Origin', SHOP)
      .set('X-Forwarded-For', ip);

  // Windows are fixed minutes: a burst may straddle one boundary, so 2*limit+1 requests always
  // exceed the limit in one of the (at most two) windows.
  it('per key: the page can read the 429, its Retry-After and why', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const r = await read(pks[0]!, `10.1.0.${i}`);
      statuses.push(r.status);
      if (r.status === 429) {
        expect(r.body.code).toBe('RATE_LIMITED');
        expect(r.body.scope).toBe('key');
        expect(r.body.detail).toMatch(/for this publishable key/);
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
        expect(r.headers['access-control-allow-origin']).toBe(SHOP);
        expect(r.headers['access-control-expose-headers']).toMatch(/Retry-After/);
      }
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 404).length).toBeGreaterThanOrEqual(2);
  });

  it('per address: fresh keys from one address run out; another address does not', async () => {
    const statuses = [];
    for (let i = 1; i <= 7; i++) {
      const r = await read(pks[i]!, '10.2.0.1');
      statuses.push(r.status === 429 ? r.body.scope : r.status);
    }
    expect(statuses).toContain('ip');
    expect((await read(pks[8]!, '10.2.0.2')).status).toBe(404);
  });

  it('secret keys are not counted by this limiter', async () => {
    const { sk } = await tenantWithKeys(t, 'backend', { secret: true, publishable: 0 });
    for (let i = 0; i < 7; i++)
      expect((await request(t.url).get('/v1/checks').set(auth(sk!)).set('X-Forwarded-For', '10.3.0.1')).status).toBe(
        200,
      );
    // With TRUST_PROXY, the console behind a Host-rewriting proxy is recognised by X-Forwarded-Host.
    const viaProxy = await request(t.url)
      .get('/v1/checks')
      .set(auth(sk!))
      .set('Origin', 'https://doctor.example')
      .set('X-Forwarded-Host', 'doctor.example');
    expect(viaProxy.status).toBe(200);
    expect((await request(t.url).get('/v1/checks').set(auth(sk!)).set('Origin', 'https://doctor.example')).status).toBe(
      403,
    );
  });
});

describe('BrowserLimiter (real Redis, injected clock)', () => {
  it('counts fixed one-minute windows per key and per address, and says which ran out', async () => {
    const redis = redisConnection('redis://127.0.0.1:6379', 'producer', 'embed-test');
    await waitForRedis(redis, { failFastMs: 3000, timeoutMs: 30_000 });
    let now = 1_700_000_000_000 - (1_700_000_000_000 % 60_000) + 10_000;
    const l = new BrowserLimiter(
      new BrowserBudgetStore(redis, `embed-test-${randomBytes(4).toString('hex')}`),
      2,
      3,
      () => now,
    );
    try {
      expect((await l.hit('k1', '192.0.2.1')).allowed).toBe(true);
      expect((await l.hit('k1', '192.0.2.1')).allowed).toBe(true);
      expect(await l.hit('k1', '192.0.2.1')).toMatchObject({ allowed: false, scope: 'key', limit: 2, retryAfterS: 50 });
      // The address budget counted all three; a new key from it is refused by address.
      expect(await l.hit('k2', '192.0.2.1')).toMatchObject({ allowed: false, scope: 'ip' });
      expect((await l.hit('k2', '192.0.2.2')).allowed).toBe(true);
      now += 60_000;
      expect((await l.hit('k1', '192.0.2.1')).allowed).toBe(true);
    } finally {
      redis.disconnect();
    }
  });

  it('fails open when Redis is unreachable', async () => {
    const dead = redisConnection('redis://127.0.0.1:1', 'producer', 'embed-dead');
    const errors: unknown[] = [];
    const l = new BrowserLimiter(new BrowserBudgetStore(dead, 'x'), 1, 1, Date.now, (e) => errors.push(e));
    try {
      expect((await l.hit('k', '192.0.2.1')).allowed).toBe(true);
      expect(errors.length).toBe(1);
    } finally {
      dead.disconnect();
    }
  });

  it('buckets IPv6 clients by /64 and unwraps IPv4-mapped addresses', () => {
    expect(clientBucket('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientBucket('2001:db8:1:2:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(clientBucket('::1')).toBe('0:0:0:0::/64');
    expect(clientBucket('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(clientBucket('192.0.2.7')).toBe('192.0.2.7');
    // The spelling is part of stored key names: no `::` compression inside the /64.
    expect(clientBucket('2001:DB8::1')).toBe('2001:db8:0:0::/64');
    expect(clientBucket('::ffff:c000:207')).toBe('192.0.2.7');
  });
});
