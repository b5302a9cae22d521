import { randomBytes } from 'node:crypto';
import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import request from 'supertest';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AuthThrottle } from '../../src/auth/auth-throttle';
import { addressBucket as throttleBucket } from '../../src/common/address-bucket';
import { AuthFailureStore } from '../../src/infra/limits/auth-failure.store';
import { freePort } from '../support/free-port';
import { ADMIN_TOKEN, auth, startTestApp, TENANT_A_KEY, type TestApp } from '../support/app';

/**
 * Failed authentication is throttled per client address, across replicas: after AUTH_FAIL_LIMIT
 * wrong keys or admin tokens, every attempt from that address (a correct key included) is
 * answered 429 with Retry-After until the window ends, on REST, GraphQL over HTTP and graphql-ws.
 * Clients are told apart by X-Forwarded-For (TRUST_PROXY), and once by the real socket address.
 */
const LIMIT = 5;
const WINDOW_S = 120;
const BAD = `Bearer sk_wrong_${'x'.repeat(20)}`;

describe('failed-authentication throttle', () => {
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;
  const prefix = `test-${randomBytes(5).toString('hex')}`;
  let n = 0;
  /** A fresh client address per test, so each starts with no failures. */
  const nextIp = () => `198.51.100.${++n}`;

  beforeAll(async () => {
    const env = {
      ROLE: 'api',
      TRUST_PROXY: 'true',
      QUEUE_PREFIX: prefix,
      AUTH_FAIL_LIMIT: String(LIMIT),
      AUTH_FAIL_WINDOW_S: String(WINDOW_S),
      RATE_LIMIT_RPM: '0',
    };
    // Two API replicas on one Redis.
    [a, b] = await Promise.all([startTestApp(env), startTestApp(env)]);
    redis = new Redis(a.config.redisUrl);
  });
  afterAll(async () => {
    redis?.disconnect();
    await Promise.all([a?.close(), b?.close()]);
  });

  const get = (t: TestApp, ip: string, authorization?: string, path = '/v1/checks') => {
    const r = request(t.url).get(path).set('X-Forwarded-For', ip);
    return authorization ? r.set('Authorization', authorization) : r;
  };

  function expectBlocked(res: request.Response) {
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'RATE_LIMITED', status: 429, scope: 'auth' });
    const retry = Number(res.headers['retry-after']);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(WINDOW_S);
    expect(res.body.retryAfter).toBe(retry);
  }

  it('REST: LIMIT wrong keys answer 401, then every attempt is 429, the correct key included, on every replica', async () => {
    const ip = nextIp();
    for (let i = 0; i < LIMIT; i++) expect((await get(a, ip, BAD)).status).toBe(401);
    expectBlocked(await get(a, ip, BAD));
    expectBlocked(await get(a, ip, `Bearer ${TENANT_A_KEY}`));
    // The other replica shares the counter (Redis).
    expectBlocked(await get(b, ip, `Bearer ${TENANT_A_KEY}`));
    // Another address is not affected.
    expect((await get(b, nextIp(), `Bearer ${TENANT_A_KEY}`)).status).toBe(200);
    // The counter is one key with the window as its lifetime.
    const ttl = await redis.pttl(`${prefix}:auth:fail:${ip}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WINDOW_S * 1000);
  });

  it('the block ends with the window', async () => {
    const ip = nextIp();
    for (let i = 0; i < LIMIT; i++) await get(a, ip, BAD);
    expectBlocked(await get(a, ip, `Bearer ${TENANT_A_KEY}`));
    // Let the window run out (its key expires) instead of waiting WINDOW_S.
    await redis.pexpire(`${prefix}:auth:fail:${ip}`, 1);
    await new Promise((r) => setTimeout(r, 20));
    expect((await get(a, ip, `Bearer ${TENANT_A_KEY}`)).status).toBe(200);
    expect((await get(a, ip, BAD)).status).toBe(401);
  });

  it('requests without credentials are neither counted nor blocked', async () => {
    const ip = nextIp();
    for (let i = 0; i < LIMIT * 2; i++) expect((await get(a, ip)).status).toBe(401);
    expect((await get(a, ip, `Bearer ${TENANT_A_KEY}`)).status).toBe(200);
    for (let i = 0; i < LIMIT; i++) await get(a, ip, BAD);
    expect((await get(a, ip)).status).toBe(401);
  });

  it('wrong admin tokens count the same and block the admin API', async () => {
    const ip = nextIp();
    const path = '/v1/admin/tenants/tenant-a/keys';
    expect((await get(a, ip, `Bearer ${ADMIN_TOKEN}`, path)).status).toBe(200);
    for (let i = 0; i < LIMIT; i++) expect((await get(a, ip, `Bearer ${ADMIN_TOKEN}-wrong`, path)).status).toBe(401);
    expectBlocked(await get(a, ip, `Bearer ${ADMIN_TOKEN}`, path));
    // One counter per address: the API keys are blocked too.
    expectBlocked(await get(b, ip, `Bearer ${TENANT_A_KEY}`));
  });

  it('one request counts once (CORS and rate-limit middleware that peek at the key do not count)', async () => {
    const ip = nextIp();
    for (let i = 0; i < LIMIT; i++)
      expect((await get(a, ip, BAD).set('Origin', 'https://elsewhere.example')).status).toBe(401);
    expectBlocked(await get(a, ip, BAD));
  });

  it('GraphQL over HTTP: UNAUTHENTICATED, then RATE_LIMITED with retryAfter, for any key', async () => {
    const ip = nextIp();
    const gql = (key: string) =>
      request(a.url)
        .post('/graphql')
        .set('X-Forwarded-For', ip)
        .set('Authorization', key)
        .send({ query: '{ checks { items { id } } }' });
    for (let i = 0; i < LIMIT; i++) expect((await gql(BAD)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    for (const key of [BAD, `Bearer ${TENANT_A_KEY}`]) {
      const e = (await gql(key)).body.errors[0].extensions;
      expect(e).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
      expect(e.retryAfter).toBeGreaterThan(0);
    }
  });

  it('graphql-ws: operations with a wrong key are counted; a blocked address cannot open a socket', async () => {
    const ip = nextIp();
    const url = `${a.url.replace('http', 'ws')}/graphql`;
    class ForwardedWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers: { 'X-Forwarded-For': ip } });
      }
    }
    const client = createClient({
      url,
      webSocketImpl: ForwardedWebSocket,
      connectionParams: { authorization: BAD },
      retryAttempts: 0,
      lazy: true,
    });
    const codes: string[] = [];
    const retryAfter: number[] = [];
    try {
      for (let i = 0; i <= LIMIT; i++) {
        const errs = await new Promise<{ extensions?: { code?: string; retryAfter?: number } }[]>((resolve) => {
          client.subscribe(
            { query: '{ checks { items { id } } }' },
            {
              next: (r) => resolve((r.errors ?? []) as never),
              error: (e) => resolve(Array.isArray(e) ? e : [{ extensions: { code: String(e) } }]),
              complete: () => undefined,
            },
          );
        });
        codes.push(errs[0]?.extensions?.code ?? 'none');
        if (errs[0]?.extensions?.retryAfter) retryAfter.push(errs[0].extensions.retryAfter);
      }
    } finally {
      await client.dispose();
    }
    expect(codes).toEqual([...Array(LIMIT).fill('UNAUTHENTICATED'), 'RATE_LIMITED']);
    expect(retryAfter[0]).toBeGreaterThan(0);
    // Now the handshake itself is refused.
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new ForwardedWebSocket(url, 'graphql-transport-ws');
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('error', (e) => (e.message.includes('Unexpected server response') ? undefined : reject(e)));
    });
    expect(status).toBe(429);
    // Another address still connects.
    const other = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url, 'graphql-transport-ws', { headers: { 'X-Forwarded-For': nextIp() } });
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    });
    expect(other).toBe(101);
  });

  it('without a trusted proxy header, the socket address is what counts', async () => {
    // 127.0.0.2 is another loopback source address: only it gets blocked.
    const from2 = new Agent({ localAddress: '127.0.0.2' });
    try {
      const send = (key: string) => fetch(`${a.url}/v1/checks`, { headers: { authorization: key }, dispatcher: from2 });
      for (let i = 0; i < LIMIT; i++) expect((await send(BAD)).status).toBe(401);
      const blocked = await send(`Bearer ${TENANT_A_KEY}`);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await request(a.url).get('/v1/checks').set(auth(TENANT_A_KEY))).status).toBe(200); // from 127.0.0.1
    } finally {
      await from2.close();
    }
  });
});

describe('AuthThrottle details', () => {
  it('counts IPv6 clients per /64 and IPv4-mapped clients as IPv4', () => {
    expect(throttleBucket('2001:db8:1:2:aaaa::1')).toBe(throttleBucket('2001:db8:1:2:bbbb::2'));
    expect(throttleBucket('2001:db8:1:2::1')).not.toBe(throttleBucket('2001:db8:1:3::1'));
    expect(throttleBucket('::ffff:192.0.2.7')).toBe('192.0.2.7');
  });

  it('fails open when Redis is unreachable (a real refused connection)', async () => {
    const port = await freePort();
    const dead = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const errors: unknown[] = [];
    const throttle = new AuthThrottle({
      store: new AuthFailureStore(dead, 'dead'),
      limit: 1,
      windowS: 60,
      onRedisError: (e) => errors.push(e),
    });
    try {
      await expect(throttle.failed('192.0.2.1')).resolves.toBeUndefined();
      await expect(throttle.failed('192.0.2.1')).resolves.toBeUndefined();
      await expect(throttle.passed('192.0.2.1')).resolves.toBeUndefined();
      expect(errors.length).toBe(3);
    } finally {
      dead.disconnect();
    }
  });
});
