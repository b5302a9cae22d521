import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBED_WS_ON_CONNECT, type WsOnConnect } from '../../src/embed/embed.module';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { ADMIN_TOKEN, auth, startTestApp, TENANT_A_KEY, until, type TestApp } from '../support/app';
import { corsHeadersOf, tenantWithKeys } from './helpers';

const ZONE = readFileSync(join(__dirname, '../fixtures/mx/mx.zone'), 'utf8');
const SHOP = 'https://shop.example';
const OTHER = 'https://other.example';
const GLOBAL = 'https://global.example';

describe('browser access: CORS, publishable keys, secret keys from pages', () => {
  let dns: FixtureDnsServer;
  let t: TestApp;
  let shop: { pks: string[]; sk?: string };
  let other: { pks: string[] };
  let narrow: { pks: string[] };

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    t = await startTestApp({
      DNS_SERVERS: dns.address,
      CORS_ORIGINS: `${GLOBAL},https://*.partner.example`,
      PUBLISHABLE_KEY_RPM: '0',
      PUBLISHABLE_IP_RPM: '0',
    });
    shop = await tenantWithKeys(t, 'shop', { corsOrigins: [SHOP], allowedKinds: ['mx'], publishable: 2, secret: true });
    other = await tenantWithKeys(t, 'other', { corsOrigins: [OTHER] });
    narrow = await tenantWithKeys(t, 'narrow', { corsOrigins: [SHOP], allowedKinds: ['dns'] });
  });
  afterAll(async () => {
    await t?.close();
    await dns?.stop();
  });

  const submit = (key: string, origin?: string, domain = 'good.test') => {
    const r = request(t.url).post('/v1/checks').set(auth(key)).send({ kind: 'mx', domain });
    return origin ? r.set('Origin', origin) : r;
  };

  it('answers a preflight from an allowed origin, without credentials', async () => {
    const r = await request(t.url)
      .options('/graphql')
      .set('Origin', SHOP)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type');
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe(SHOP);
    expect(r.headers['access-control-allow-methods']).toBe('GET, POST');
    expect(r.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(r.headers['access-control-max-age']).toBe('600');
    expect(r.headers['access-control-allow-credentials']).toBeUndefined();
    expect(r.headers.vary).toMatch(/Origin/);
    const wild = await request(t.url)
      .options('/v1/checks')
      .set('Origin', 'https://app.partner.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(wild.headers['access-control-allow-origin']).toBe('https://app.partner.example');
  });

  it('refuses other preflights with no CORS headers at all', async () => {
    const cases = [
      { origin: 'https://evil.example', method: 'POST', headers: 'authorization' },
      { origin: 'https://partner.example', method: 'POST', headers: '' }, // the pattern needs a subdomain
      { origin: SHOP, method: 'DELETE', headers: '' },
      { origin: SHOP, method: 'POST', headers: 'x-custom' },
      { origin: 'null', method: 'POST', headers: '' },
    ];
    for (const c of cases) {
      const r = await request(t.url)
        .options('/v1/checks')
        .set('Origin', c.origin)
        .set('Access-Control-Request-Method', c.method)
        .set('Access-Control-Request-Headers', c.headers);
      expect(r.status, JSON.stringify(c)).toBe(403);
      expect(corsHeadersOf(r.headers), JSON.stringify(c)).toEqual([]);
    }
    const admin = await request(t.url)
      .options('/v1/admin/tenants')
      .set('Origin', SHOP)
      .set('Access-Control-Request-Method', 'POST');
    expect(admin.status).toBe(403);
    expect(corsHeadersOf(admin.headers)).toEqual([]);
  });

  it("lets a publishable key submit from its tenant's origins and the global ones, and reads its own check", async () => {
    const r = await submit(shop.pks[0]!, SHOP);
    expect(r.status).toBe(202);
    expect(r.headers['access-control-allow-origin']).toBe(SHOP);
    expect(r.headers['access-control-expose-headers']).toMatch(/Location/);
    expect(r.headers['access-control-allow-credentials']).toBeUndefined();
    const viaGlobal = await submit(shop.pks[0]!, GLOBAL);
    expect(viaGlobal.status).toBe(202);
    const done = await until(async () => {
      const g = await request(t.url).get(`/v1/checks/${r.body.id}`).set(auth(shop.pks[0]!)).set('Origin', SHOP);
      return g.body.status === 'completed' ? g : undefined;
    });
    expect(done.body.verdict).toBe('pass');
    expect(done.headers['access-control-allow-origin']).toBe(SHOP);
  });

  it("refuses a publishable key from another tenant's origin, with no CORS headers", async () => {
    const r = await submit(shop.pks[0]!, OTHER);
    expect(r.status).toBe(403);
    expect(r.body.detail).toMatch(/Origin https:\/\/other\.example is not allowed/);
    expect(corsHeadersOf(r.headers)).toEqual([]);
    const unknown = await submit(other.pks[0]!, 'https://evil.example');
    expect(unknown.status).toBe(403);
    expect(corsHeadersOf(unknown.headers)).toEqual([]);
  });

  it('refuses secret keys sent from a browser origin with a clear 403', async () => {
    for (const key of [shop.sk!, TENANT_A_KEY]) {
      const r = await submit(key, SHOP);
      expect(r.status).toBe(403);
      expect(r.type).toBe('application/problem+json');
      expect(r.body.detail).toMatch(/secret API key was sent from a web page/);
      expect(r.body.detail).toMatch(/publishable key/);
    }
    // With an origin allowed for the key's tenant the page may read why (CORS headers present).
    const readable = await submit(shop.sk!, SHOP);
    expect(readable.headers['access-control-allow-origin']).toBe(SHOP);
    // The same secret key without Origin (a server) and from the service's own pages still works.
    expect((await submit(shop.sk!)).status).toBe(202);
    expect((await submit(TENANT_A_KEY, t.url)).status).toBe(202);
    // Behind a proxy that rewrites Host, the browser's Fetch Metadata still says "same-origin".
    expect((await submit(TENANT_A_KEY, 'https://doctor.example').set('Sec-Fetch-Site', 'same-origin')).status).toBe(
      202,
    );
    expect((await submit(TENANT_A_KEY, 'https://doctor.example').set('Sec-Fetch-Site', 'cross-site')).status).toBe(403);
  });

  it("limits publishable keys to the tenant's allowed kinds", async () => {
    const r = await submit(narrow.pks[0]!, SHOP);
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatchObject({ field: 'kind' });
    expect(r.body.errors[0].message).toMatch(/not allowed for this key/);
    expect(r.headers['access-control-allow-origin']).toBe(SHOP);
  });

  it("publishable keys never list, never see others' checks, never reach admin", async () => {
    const [pk1, pk2] = shop.pks as [string, string];
    expect((await request(t.url).get('/v1/checks').set(auth(pk1))).status).toBe(403);
    const mine = (await submit(pk1)).body.id as string;
    const bySecret = (await submit(shop.sk!)).body.id as string;
    const byOtherPk = (await submit(pk2)).body.id as string;
    expect((await request(t.url).get(`/v1/checks/${mine}`).set(auth(pk1))).status).toBe(200);
    for (const id of [bySecret, byOtherPk]) {
      const r = await request(t.url).get(`/v1/checks/${id}`).set(auth(pk1)).set('Origin', SHOP);
      expect(r.status).toBe(404);
      const g = await request(t.url)
        .post('/graphql')
        .set(auth(pk1))
        .send({ query: 'query ($id: ID!) { check(id: $id) { id } }', variables: { id } });
      expect(g.body.errors[0].extensions.code).toBe('NOT_FOUND');
    }
    // The secret key of the same tenant does see the publishable key's check.
    expect((await request(t.url).get(`/v1/checks/${mine}`).set(auth(shop.sk!))).status).toBe(200);
    // Subscriptions follow the same rule.
    const client = createClient({
      url: `${t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${pk1}` },
      retryAttempts: 0,
    });
    const err = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: 'subscription ($id: ID!) { checkUpdated(id: $id) { id } }', variables: { id: byOtherPk } },
        { next: (m) => resolve(m.errors), error: resolve, complete: () => resolve('complete') },
      );
    });
    await client.dispose();
    expect(JSON.stringify(err)).toMatch(/NOT_FOUND/);
    // Admin takes ADMIN_TOKEN only, and never from another origin.
    expect((await request(t.url).post('/v1/admin/tenants').set(auth(pk1)).send({ name: 'x' })).status).toBe(401);
    const fromPage = await request(t.url).get('/v1/admin/tenants/shop/keys').set(auth(ADMIN_TOKEN)).set('Origin', SHOP);
    expect(fromPage.status).toBe(403);
    expect(corsHeadersOf(fromPage.headers)).toEqual([]);
  });

  it('an unknown key from an allowed origin gets a readable 401', async () => {
    const r = await submit('pk_unknown0000000000000000', SHOP);
    expect(r.status).toBe(401);
    expect(r.headers['access-control-allow-origin']).toBe(SHOP);
  });

  it("admin can change a tenant's origins and kinds; the change applies at once", async () => {
    const NEW = 'https://new-shop.example';
    expect((await submit(shop.pks[0]!, NEW)).status).toBe(403);
    const put = await request(t.url)
      .put('/v1/admin/tenants/shop/browser-access')
      .set(auth(ADMIN_TOKEN))
      .send({ corsOrigins: [SHOP, 'https://NEW-shop.example:443'] });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ tenantId: 'shop', corsOrigins: [SHOP, NEW], allowedKinds: ['mx'] });
    expect((await submit(shop.pks[0]!, NEW)).status).toBe(202);
    const bad = await request(t.url)
      .put('/v1/admin/tenants/shop/browser-access')
      .set(auth(ADMIN_TOKEN))
      .send({ corsOrigins: ['javascript:alert(1)'], allowedKinds: ['nope'] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('corsOrigins');
    expect(
      (
        await request(t.url)
          .put('/v1/admin/tenants/missing/browser-access')
          .set(auth(ADMIN_TOKEN))
          .send({ corsOrigins: [] })
      ).status,
    ).toBe(404);
    expect(
      (await request(t.url).put('/v1/admin/tenants/shop/browser-access').set(auth(shop.sk!)).send({ corsOrigins: [] }))
        .status,
    ).toBe(401);
  });

  it('gates the graphql-ws upgrade by Origin', async () => {
    const open = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers });
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => resolve(-1));
      });
    expect(await open({ Origin: 'https://evil.example' })).toBe(403);
    expect(await open({ Origin: SHOP })).toBe(101);
    expect(await open({ Origin: GLOBAL })).toBe(101);
    expect(await open({})).toBe(101);
    expect(await open({ Origin: t.url })).toBe(101);
  });

  it('per-key WebSocket rules (graphql-ws onConnect): secret keys and foreign origins refused', async () => {
    const gate = t.platform.get<WsOnConnect>(EMBED_WS_ON_CONNECT);
    const ctx = (origin: string | undefined, key: string) => ({
      connectionParams: { authorization: `Bearer ${key}` },
      extra: { request: { headers: { ...(origin ? { origin } : {}), host: 'doctor.example' } } as never },
    });
    expect(await gate(ctx(SHOP, shop.pks[0]!))).toBe(true);
    expect(await gate(ctx(GLOBAL, shop.pks[0]!))).toBe(true);
    expect(await gate(ctx(OTHER, shop.pks[0]!))).toBe(false);
    expect(await gate(ctx(SHOP, shop.sk!))).toBe(false);
    expect(await gate(ctx(undefined, shop.sk!))).toBe(true);
    expect(await gate(ctx('https://doctor.example', TENANT_A_KEY))).toBe(true);
  });

  it('serves the widget to any page and the console to the operator, with no API CORS on them', async () => {
    const w = await request(t.url).get('/widget.js').set('Origin', 'https://evil.example');
    expect(w.status).toBe(200);
    expect(w.headers['content-type']).toMatch(/text\/javascript/);
    expect(w.headers['access-control-allow-origin']).toBe('*');
    expect(w.text).toContain("customElements.define('smtp-doctor-check'");
    const c = await request(t.url).get('/').set('Origin', 'https://evil.example');
    expect(c.status).toBe(200);
    expect(c.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(corsHeadersOf(c.headers)).toEqual([]);
    const again = await request(t.url).get('/widget.js').set('If-None-Match', w.headers.etag!);
    expect(again.status).toBe(304);
    const docs = await request(t.url).get('/healthz').set('Origin', SHOP);
    expect(corsHeadersOf(docs.headers)).toEqual([]);
  });
});
