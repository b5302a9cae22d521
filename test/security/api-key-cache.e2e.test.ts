import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyCache } from '../../src/auth/key-cache';
import type { Principal } from '../../src/auth/principal';
import { KeyCacheChannel } from '../../src/infra/queue/key-cache-channel';
import { ADMIN_TOKEN, auth, freshDatabaseUrl, startTestApp, until, type TestApp } from '../support/app';

/**
 * Stored API keys are cached by each API process (src/auth/key-cache.ts), and a revocation made
 * through any process stops the key on every process at once (Redis pub/sub), not after the
 * cache's TTL: the TTL here is an hour, so only the invalidation message can explain a 401.
 * Two API replicas on one database and one Redis, as deployed. The same message clears the
 * browser-origin cache of every replica (src/embed/origin-policy.ts).
 */
describe('API-key cache across replicas', () => {
  let a: TestApp;
  let b: TestApp;
  const db = freshDatabaseUrl();
  const prefix = `test-${randomBytes(5).toString('hex')}`;

  beforeAll(async () => {
    const env = { ROLE: 'api', QUEUE_PREFIX: prefix, DATABASE_URL: db.url, API_KEY_CACHE_TTL_S: '3600' };
    a = await startTestApp(env);
    b = await startTestApp(env);
    const tenant = await request(a.url)
      .post('/v1/admin/tenants')
      .set(auth(ADMIN_TOKEN))
      .send({ id: 'acme', name: 'A' });
    expect(tenant.status).toBe(201);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await db.cleanup();
  });

  async function newKey(): Promise<{ id: string; key: string }> {
    const k = await request(a.url).post('/v1/admin/tenants/acme/keys').set(auth(ADMIN_TOKEN)).send({});
    expect(k.status).toBe(201);
    return k.body as { id: string; key: string };
  }

  /** Database reads of stored keys made by one replica from now on (its real repository, counted). */
  function countKeyReads(t: TestApp): () => number {
    const repo = t.platform.tenantsRepo;
    const original = repo.findKeyByHash.bind(repo);
    let n = 0;
    repo.findKeyByHash = (hash: string) => {
      n++;
      return original(hash);
    };
    return () => n;
  }

  it('serves a key it resolved from memory, and stops it as soon as another replica revokes it', async () => {
    const reads = countKeyReads(b);
    const k = await newKey();
    for (let i = 0; i < 3; i++) expect((await request(b.url).get('/v1/checks').set(auth(k.key))).status).toBe(200);
    expect(reads()).toBe(1); // resolved once, then from B's cache

    // Revoked through A: B had the key cached for an hour, and refuses it now.
    expect((await request(a.url).delete(`/v1/admin/tenants/acme/keys/${k.id}`).set(auth(ADMIN_TOKEN))).status).toBe(
      204,
    );
    await until(async () => (await request(b.url).get('/v1/checks').set(auth(k.key))).status === 401);
    expect((await request(a.url).get('/v1/checks').set(auth(k.key))).status).toBe(401);
    expect((await request(b.url).get('/v1/checks').set(auth(k.key))).status).toBe(401);
  });

  it('keeps serving other keys after a revocation, reading them again once', async () => {
    const reads = countKeyReads(b);
    const keep = await newKey();
    const drop = await newKey();
    expect((await request(b.url).get('/v1/checks').set(auth(keep.key))).status).toBe(200);
    expect((await request(b.url).get('/v1/checks').set(auth(drop.key))).status).toBe(200);
    expect(reads()).toBe(2);
    expect((await request(a.url).delete(`/v1/admin/tenants/acme/keys/${drop.id}`).set(auth(ADMIN_TOKEN))).status).toBe(
      204,
    );
    await until(async () => (await request(b.url).get('/v1/checks').set(auth(drop.key))).status === 401);
    expect((await request(b.url).get('/v1/checks').set(auth(keep.key))).status).toBe(200);
    expect((await request(b.url).get('/v1/checks').set(auth(keep.key))).status).toBe(200);
    // The invalidation dropped everything B cached: `keep` was read once more, then cached again.
    expect(reads()).toBe(2 + 1 /* drop, refused */ + 1 /* keep, again */);
  });

  it('never caches an unknown key: a key created on A works on B at once after B refused it', async () => {
    // B refuses a key that does not exist yet, then it is created (its hash stored) through A.
    const k = await newKey();
    const wrong = `${k.key}x`;
    expect((await request(b.url).get('/v1/checks').set(auth(wrong))).status).toBe(401);
    expect((await request(b.url).get('/v1/checks').set(auth(k.key))).status).toBe(200);
  });

  it("browser origins given through A count on B at once, though B cached the tenants' origins for an hour", async () => {
    // B's origin cache (src/embed/origin-policy.ts) lives an hour here, so only the access-changed
    // message can explain B allowing an origin it refused a moment before.
    b.config.embed.tenantCacheMs = 3_600_000;
    const preflight = (origin: string) =>
      request(b.url).options('/v1/checks').set('Origin', origin).set('Access-Control-Request-Method', 'POST');
    const SHOP = 'https://shop-replicas.example';
    const NEW = 'https://new-replicas.example';
    expect((await preflight(SHOP)).headers['access-control-allow-origin']).toBeUndefined(); // B caches the lists
    // A tenant created with origins, through A.
    expect(
      (
        await request(a.url)
          .post('/v1/admin/tenants')
          .set(auth(ADMIN_TOKEN))
          .send({ id: 'shop', name: 'Shop', corsOrigins: [SHOP] })
      ).status,
    ).toBe(201);
    await until(async () => (await preflight(SHOP)).headers['access-control-allow-origin'] === SHOP);
    expect((await preflight(NEW)).headers['access-control-allow-origin']).toBeUndefined();
    // Its origins changed through A: the new one counts on B, the dropped one no longer does.
    expect(
      (
        await request(a.url)
          .put('/v1/admin/tenants/shop/browser-access')
          .set(auth(ADMIN_TOKEN))
          .send({ corsOrigins: [NEW] })
      ).status,
    ).toBe(200);
    await until(async () => (await preflight(NEW)).headers['access-control-allow-origin'] === NEW);
    expect((await preflight(SHOP)).headers['access-control-allow-origin']).toBeUndefined();
  });
});

/** The cache on its real Redis channel: nothing is served while the subscription is not live. */
describe('KeyCache on Redis pub/sub', () => {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `test-${randomBytes(5).toString('hex')}`;
  const clients: Redis[] = [];
  const principal: Principal = { tenantId: 't', keyId: 'k', type: 'secret', allowedKinds: null };
  const cacheOn = () => {
    const pub = new Redis(url);
    const sub = new Redis(url);
    clients.push(pub, sub);
    return { cache: new KeyCache(3_600_000, new KeyCacheChannel(pub, sub, prefix)), sub };
  };
  afterAll(() => clients.forEach((c) => c.disconnect()));

  it('goes live once subscribed, forgets on a message from another process, and on a disconnection', async () => {
    const one = cacheOn();
    const two = cacheOn();
    await until(async () => one.cache.enabled && two.cache.enabled);
    one.cache.set('h', principal, one.cache.begin());
    expect(one.cache.get('h')).toBe(principal);

    await two.cache.invalidate();
    await until(async () => one.cache.get('h') === undefined);

    one.cache.set('h', principal, one.cache.begin());
    expect(one.cache.get('h')).toBe(principal);
    // Reconnects at once: it may have missed messages meanwhile. The cache's own 'close' listener
    // runs before this one (registered first), so this sees the state it left; polling could miss
    // a window of a few milliseconds, and did once.
    const onClose = new Promise<boolean>((resolve) =>
      one.sub.once('close', () => resolve(!one.cache.enabled && one.cache.get('h') === undefined)),
    );
    one.sub.disconnect(true);
    expect(await onClose).toBe(true);
    await until(async () => one.cache.enabled);
    expect(one.cache.get('h')).toBeUndefined(); // dropped, not served again after the reconnection
  });

  it('does not store what a read begun before an invalidation found', async () => {
    const { cache } = cacheOn();
    await until(async () => cache.enabled);
    const token = cache.begin(); // a database read starts...
    await cache.invalidate(); // ...the key is revoked meanwhile...
    cache.set('h', principal, token); // ...and the read's answer comes back
    expect(cache.get('h')).toBeUndefined();
  });
});
