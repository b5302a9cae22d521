import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { auth, startTestApp, TENANT_A_KEY, TENANT_B_KEY, until, type TestApp } from '../support/app';
import { verifySignature } from '../../src/reports/webhooks/webhook.signer';
import { startReceiver } from './helpers';

const ZONE = readFileSync(join(__dirname, '../fixtures/mx/mx.zone'), 'utf8');
const SECRET_A = 'whsec_tenant_a_0123456789abcdef';
const SECRET_B = 'whsec_tenant_b_0123456789abcdef';

const gql = (t: TestApp, key: string, query: string, variables: Record<string, unknown> = {}) =>
  request(t.url).post('/graphql').set(auth(key)).send({ query, variables });

describe('webhooks: signed, retried, recorded, disabled, tenant-scoped', () => {
  let dns: FixtureDnsServer;
  let t: TestApp;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    t = await startTestApp({
      DNS_SERVERS: dns.address,
      SECRET_KEY: '11'.repeat(32),
      WEBHOOK_BACKOFF_MS: '50',
      WEBHOOK_MAX_ATTEMPTS: '3',
      WEBHOOK_DISABLE_AFTER: '4',
      WEBHOOK_TIMEOUT_MS: '3000',
    });
  });
  afterEach(async () => {
    // Each test starts with no webhooks, so one test's receivers never see another's events.
    for (const key of [TENANT_A_KEY, TENANT_B_KEY]) {
      const list = await request(t.url).get('/v1/webhooks').set(auth(key));
      for (const w of list.body.items as { id: string }[])
        await request(t.url).delete(`/v1/webhooks/${w.id}`).set(auth(key));
    }
    for (const c of closers.splice(0)) await c();
  });
  afterAll(async () => {
    await t?.close();
    await dns?.stop();
  });

  async function receiver(respond?: (n: number) => number) {
    const r = await startReceiver(respond);
    closers.push(() => r.close());
    return r;
  }
  async function register(key: string, url: string, events: string[], secret: string) {
    const res = await request(t.url).post('/v1/webhooks').set(auth(key)).send({ url, events, secret });
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string; status: string };
  }
  const submitMx = async (key: string, domain = 'good.test') =>
    (await request(t.url).post('/v1/checks').set(auth(key)).send({ kind: 'mx', domain })).body.id as string;

  it("registers, lists, gets and deletes; another tenant's webhook id is 404 everywhere", async () => {
    const r = await receiver();
    const created = await register(TENANT_A_KEY, r.url, ['check.completed', 'health.changed'], SECRET_A);
    expect(created).toMatchObject({
      url: r.url,
      events: ['check.completed', 'health.changed'],
      status: 'active',
      secret: SECRET_A,
      consecutiveFailures: 0,
    });
    expect(created).not.toHaveProperty('warning');
    const list = await request(t.url).get('/v1/webhooks').set(auth(TENANT_A_KEY));
    expect(list.body.items.map((w: { id: string }) => w.id)).toEqual([created.id]);
    expect(list.body.items[0]).not.toHaveProperty('secret');
    expect((await request(t.url).get(`/v1/webhooks/${created.id}`).set(auth(TENANT_A_KEY))).status).toBe(200);

    expect((await request(t.url).get('/v1/webhooks').set(auth(TENANT_B_KEY))).body.items).toEqual([]);
    for (const [method, path] of [
      ['get', ''],
      ['get', '/deliveries'],
      ['delete', ''],
    ] as const) {
      const res = await request(t.url)[method](`/v1/webhooks/${created.id}${path}`).set(auth(TENANT_B_KEY));
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await request(t.url).get(`/v1/webhooks/${created.id}`).set(auth(TENANT_A_KEY))).status).toBe(200);
    expect((await request(t.url).delete(`/v1/webhooks/${created.id}`).set(auth(TENANT_A_KEY))).status).toBe(204);
    expect((await request(t.url).get(`/v1/webhooks/${created.id}`).set(auth(TENANT_A_KEY))).status).toBe(404);
    expect((await request(t.url).get('/v1/webhooks')).status).toBe(401);
  });

  it('validates URL, events and secret; refuses addresses outside the SSRF policy', async () => {
    const bad = async (body: object, field: string, status = 400) => {
      const res = await request(t.url).post('/v1/webhooks').set(auth(TENANT_A_KEY)).send(body);
      expect(res.status).toBe(status);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      return res;
    };
    await bad({ url: 'ftp://example.com/x', events: ['check.completed'] }, 'url');
    await bad({ url: 'https://user:pw@example.com/x', events: ['check.completed'] }, 'url');
    await bad({ url: 'https://example.com/x', events: ['check.finished'] }, 'events');
    await bad({ url: 'https://example.com/x', events: [] }, 'events');
    await bad({ url: 'https://example.com/x', events: ['check.completed'], secret: 'short' }, 'secret');
    const privateIp = await bad({ url: 'http://10.1.2.3/hook', events: ['check.completed'] }, 'url');
    expect(privateIp.body.code ?? privateIp.body.type).toMatch(/TARGET_NOT_ALLOWED|target-not-allowed/i);
    await bad({ url: 'http://169.254.169.254/latest/meta-data', events: ['check.completed'] }, 'url');
    // Without a secret one is generated and shown once.
    const gen = await request(t.url)
      .post('/v1/webhooks')
      .set(auth(TENANT_A_KEY))
      .send({ url: 'https://example.com/x', events: ['check.completed'] });
    expect(gen.status).toBe(201);
    expect(gen.body.secret).toMatch(/^whsec_/);
  });

  it("check.completed: signed over t.body, recorded, and only the owning tenant's receiver gets it", async () => {
    const ra = await receiver();
    const rb = await receiver();
    const wa = await register(TENANT_A_KEY, ra.url, ['check.completed'], SECRET_A);
    await register(TENANT_B_KEY, rb.url, ['check.completed'], SECRET_B);
    const checkId = await submitMx(TENANT_A_KEY);
    await until(async () => ra.received.length >= 1);
    const got = ra.received[0]!;
    const sig = String(got.headers['smtp-doctor-signature']);
    expect(sig).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(SECRET_A, sig, got.body)).toBe(true);
    expect(verifySignature(SECRET_B, sig, got.body)).toBe(false);
    expect(verifySignature(SECRET_A, sig, `${got.body} `)).toBe(false);
    expect(got.headers['smtp-doctor-event']).toBe('check.completed');
    const payload = JSON.parse(got.body);
    expect(payload).toMatchObject({
      type: 'check.completed',
      data: { id: checkId, kind: 'mx', target: 'good.test', status: 'completed', verdict: 'pass' },
    });

    const deliveries = await until(async () => {
      const d = await request(t.url).get(`/v1/webhooks/${wa.id}/deliveries`).set(auth(TENANT_A_KEY));
      return d.body.items[0]?.status === 'succeeded' ? d.body : undefined;
    });
    expect(deliveries.items[0]).toMatchObject({
      event: 'check.completed',
      attempts: 1,
      responseStatus: 200,
      eventId: payload.id,
    });
    expect(got.headers['smtp-doctor-delivery']).toBe(deliveries.items[0].id);

    // B's own check reaches B's receiver; A's never did.
    const checkB = await submitMx(TENANT_B_KEY, 'nullmx.test');
    await until(async () => rb.received.length >= 1);
    expect(rb.received.map((x) => JSON.parse(x.body).data.id)).toEqual([checkB]);
    expect(
      verifySignature(SECRET_B, String(rb.received[0]!.headers['smtp-doctor-signature']), rb.received[0]!.body),
    ).toBe(true);
    expect(ra.received.map((x) => JSON.parse(x.body).data.id)).not.toContain(checkB);
  });

  it('batch.completed fires once per finished batch', async () => {
    const r = await receiver();
    await register(TENANT_A_KEY, r.url, ['batch.completed'], SECRET_A);
    const b = await request(t.url)
      .post('/v1/batches')
      .set(auth(TENANT_A_KEY))
      .send({
        checks: [
          { kind: 'mx', domain: 'good.test' },
          { kind: 'mx', domain: 'nomail.test' },
        ],
      });
    expect(b.status).toBe(202);
    await until(async () => r.received.length >= 1);
    const payload = JSON.parse(r.received[0]!.body);
    expect(payload).toMatchObject({
      type: 'batch.completed',
      data: { id: b.body.id, total: 2, completed: 2, failed: 0 },
    });
    expect(
      verifySignature(SECRET_A, String(r.received[0]!.headers['smtp-doctor-signature']), r.received[0]!.body),
    ).toBe(true);
    // Subscribed to batches only: the two checks themselves sent nothing.
    expect(r.received.every((x) => JSON.parse(x.body).type === 'batch.completed')).toBe(true);
  });

  it('retries after a 500 with backoff and records both attempts', async () => {
    const r = await receiver((n) => (n === 1 ? 500 : 200));
    const w = await register(TENANT_A_KEY, r.url, ['check.completed'], SECRET_A);
    await submitMx(TENANT_A_KEY);
    const d = await until(async () => {
      const res = await request(t.url).get(`/v1/webhooks/${w.id}/deliveries`).set(auth(TENANT_A_KEY));
      return res.body.items[0]?.status === 'succeeded' ? res.body.items[0] : undefined;
    });
    expect(d.attempts).toBe(2);
    expect(r.received.map((x) => x.status)).toEqual([500, 200]);
    expect(r.received[0]!.headers['smtp-doctor-delivery']).toBe(r.received[1]!.headers['smtp-doctor-delivery']);
    for (const x of r.received)
      expect(verifySignature(SECRET_A, String(x.headers['smtp-doctor-signature']), x.body)).toBe(true);
    const hook = await request(t.url).get(`/v1/webhooks/${w.id}`).set(auth(TENANT_A_KEY));
    expect(hook.body).toMatchObject({ status: 'active', consecutiveFailures: 0 });
  });

  it('is disabled after WEBHOOK_DISABLE_AFTER consecutive failed attempts, then receives nothing', async () => {
    const r = await receiver(() => 500);
    const w = await register(TENANT_A_KEY, r.url, ['check.completed'], SECRET_A);
    await submitMx(TENANT_A_KEY);
    await submitMx(TENANT_A_KEY, 'nullmx.test');
    const hook = await until(async () => {
      const res = await request(t.url).get(`/v1/webhooks/${w.id}`).set(auth(TENANT_A_KEY));
      return res.body.status === 'disabled' ? res.body : undefined;
    });
    expect(hook.consecutiveFailures).toBeGreaterThanOrEqual(4);
    expect(hook.disabledReason).toMatch(/consecutive failed/);
    const settled = await until(async () => {
      const res = await request(t.url).get(`/v1/webhooks/${w.id}/deliveries`).set(auth(TENANT_A_KEY));
      return res.body.items.length === 2 && res.body.items.every((x: { status: string }) => x.status === 'failed')
        ? res.body.items
        : undefined;
    });
    expect(
      settled.every(
        (x: { responseStatus?: number; error?: string }) => x.responseStatus === 500 || /disabled/.test(x.error ?? ''),
      ),
    ).toBe(true);
    const before = r.received.length;
    // Four failures disable it; an attempt already in flight at that moment may still land.
    expect(before).toBeGreaterThanOrEqual(4);
    expect(before).toBeLessThanOrEqual(5);
    // A disabled webhook gets no new deliveries.
    const id = await submitMx(TENANT_A_KEY);
    await until(
      async () => (await request(t.url).get(`/v1/checks/${id}`).set(auth(TENANT_A_KEY))).body.status === 'completed',
    );
    const after = await request(t.url).get(`/v1/webhooks/${w.id}/deliveries`).set(auth(TENANT_A_KEY));
    expect(after.body.items).toHaveLength(2);
    expect(r.received.length).toBe(before);
  });

  it('resolves webhook hosts once at delivery, refuses private answers and connects to the vetted IP', async () => {
    dns.load('$ORIGIN test.\nhooks.loop IN A 127.0.0.1\nhooks.private IN A 10.9.8.7\n');
    const r = await receiver();
    const port = new URL(r.url).port;
    const good = await register(TENANT_A_KEY, `http://hooks.loop.test:${port}/hook`, ['check.completed'], SECRET_A);
    const bad = await register(TENANT_A_KEY, `http://hooks.private.test:${port}/hook`, ['check.completed'], SECRET_A);
    await submitMx(TENANT_A_KEY);
    await until(async () => r.received.length >= 1);
    // The name resolved to an allowed address (127.0.0.0/8 is allowed in tests); Host names it.
    expect(r.received[0]!.headers.host).toBe(`hooks.loop.test:${port}`);
    const refused = await until(async () => {
      const d = await request(t.url).get(`/v1/webhooks/${bad.id}/deliveries`).set(auth(TENANT_A_KEY));
      return d.body.items[0]?.status === 'failed' ? d.body.items[0] : undefined;
    });
    expect(refused.error).toMatch(/address policy.*10\.9\.8\.7/);
    expect(refused.responseStatus).toBeUndefined();
    expect(r.received).toHaveLength(1);
    expect(
      (await request(t.url).get(`/v1/webhooks/${good.id}/deliveries`).set(auth(TENANT_A_KEY))).body.items[0].status,
    ).toBe('succeeded');
  });

  it('GraphQL: createWebhook, webhooks, webhook, webhookDeliveries, deleteWebhook; tenant-scoped', async () => {
    const r = await receiver();
    const c = await gql(
      t,
      TENANT_A_KEY,
      'mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { id url events status secret } }',
      { i: { url: r.url, events: ['check.completed'], secret: SECRET_A } },
    );
    expect(c.body.errors).toBeUndefined();
    const id = c.body.data.createWebhook.id as string;
    expect(c.body.data.createWebhook).toMatchObject({ url: r.url, status: 'active', secret: SECRET_A });
    const bad = await gql(t, TENANT_A_KEY, 'mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { id } }', {
      i: { url: 'gopher://x', events: ['check.completed'] },
    });
    expect(bad.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');

    await submitMx(TENANT_A_KEY);
    await until(async () => r.received.length >= 1);
    const d = await until(async () => {
      const res = await gql(
        t,
        TENANT_A_KEY,
        'query($id: ID!) { webhookDeliveries(id: $id) { items { id event status attempts responseStatus payload } } }',
        { id },
      );
      return res.body.data?.webhookDeliveries.items[0]?.status === 'succeeded'
        ? res.body.data.webhookDeliveries.items[0]
        : undefined;
    });
    expect(d).toMatchObject({ event: 'check.completed', attempts: 1, responseStatus: 200 });
    expect(d.payload.type).toBe('check.completed');

    const list = await gql(t, TENANT_A_KEY, '{ webhooks { id } }');
    expect(list.body.data.webhooks.map((w: { id: string }) => w.id)).toEqual([id]);
    const otherList = await gql(t, TENANT_B_KEY, '{ webhooks { id } }');
    expect(otherList.body.data.webhooks).toEqual([]);
    for (const q of [
      'query($id: ID!) { webhook(id: $id) { id } }',
      'query($id: ID!) { webhookDeliveries(id: $id) { items { id } } }',
      'mutation($id: ID!) { deleteWebhook(id: $id) }',
    ]) {
      const res = await gql(t, TENANT_B_KEY, q, { id });
      expect(res.body.errors[0].extensions.code).toBe('NOT_FOUND');
    }
    const del = await gql(t, TENANT_A_KEY, 'mutation($id: ID!) { deleteWebhook(id: $id) }', { id });
    expect(del.body.data.deleteWebhook).toBe(true);
    expect(
      (await gql(t, TENANT_A_KEY, 'query($id: ID!) { webhook(id: $id) { id } }', { id })).body.errors[0].extensions
        .code,
    ).toBe('NOT_FOUND');
  });
});
