import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { ADMIN_TOKEN, auth, startTestApp, TENANT_A_KEY, TENANT_B_KEY, until, type TestApp } from '../support/app';

const ZONE = readFileSync(join(__dirname, '../fixtures/mx/mx.zone'), 'utf8');

describe('batches and admin', () => {
  let dns: FixtureDnsServer;
  let t: TestApp;

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    t = await startTestApp({ DNS_SERVERS: dns.address, WORKER_CONCURRENCY: '20' });
  });
  afterAll(async () => {
    await t?.close();
    await dns?.stop();
  });

  it('a batch of 500 runs to completion with visible progress, and pages its checks', async () => {
    const checks = Array.from({ length: 500 }, (_, i) => ({ kind: 'mx', domain: i % 2 ? 'good.test' : `d${i}.test` }));
    const res = await request(t.url).post('/v1/batches').set(auth(TENANT_A_KEY)).send({ checks });
    expect(res.status).toBe(202);
    expect(res.body.total).toBe(500);
    expect(res.headers.location).toBe(`/v1/batches/${res.body.id}`);
    const seen = new Set<number>();
    const final = await until(
      async () => {
        const b = await request(t.url).get(`/v1/batches/${res.body.id}`).set(auth(TENANT_A_KEY));
        seen.add(b.body.completed);
        return b.body.status === 'completed' ? b.body : undefined;
      },
      120_000,
      50,
    );
    expect(final).toMatchObject({ total: 500, completed: 500, failed: 0 });
    expect(final.completedAt).toBeTruthy();
    // Progress was observable between 0 and 500 (counts are computed from stored checks).
    expect(Math.max(...seen)).toBe(500);
    let cursor: string | undefined;
    const ids = new Set<string>();
    do {
      const page = await request(t.url)
        .get(`/v1/batches/${res.body.id}/checks?limit=200${cursor ? `&cursor=${cursor}` : ''}`)
        .set(auth(TENANT_A_KEY));
      expect(page.status).toBe(200);
      for (const c of page.body.items) ids.add(c.id);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(ids.size).toBe(500);
    expect((await request(t.url).get(`/v1/batches/${res.body.id}`).set(auth(TENANT_B_KEY))).status).toBe(404);
    expect((await request(t.url).get(`/v1/batches/${res.body.id}/checks`).set(auth(TENANT_B_KEY))).status).toBe(404);
  });

  it('rejects a batch with invalid items up front, naming their indexes, and stores nothing', async () => {
    const before = (
      await request(t.url).get('/v1/checks?limit=500&target=valid-in-bad-batch.test').set(auth(TENANT_A_KEY))
    ).body.items.length;
    const res = await request(t.url)
      .post('/v1/batches')
      .set(auth(TENANT_A_KEY))
      .send({
        checks: [
          { kind: 'mx', domain: 'valid-in-bad-batch.test' },
          { kind: 'mx', domain: 'bad domain' },
          { kind: 'x' },
          { kind: 'mx', domain: 'valid-in-bad-batch.test' },
        ],
      });
    expect(res.status).toBe(400);
    expect(res.body.invalidIndexes).toEqual([1, 2]);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['checks[1].domain', 'checks[2].kind']),
    );
    const after = (
      await request(t.url).get('/v1/checks?limit=500&target=valid-in-bad-batch.test').set(auth(TENANT_A_KEY))
    ).body.items.length;
    expect(after).toBe(before);
    expect((await request(t.url).post('/v1/batches').set(auth(TENANT_A_KEY)).send({ checks: [] })).status).toBe(400);
    expect(
      (
        await request(t.url)
          .post('/v1/batches')
          .set(auth(TENANT_A_KEY))
          .send({ checks: Array(10_001).fill({ kind: 'mx', domain: 'a.test' }) })
      ).status,
    ).toBe(400);
  });

  it('admin creates tenants and keys; a key is shown once, works, and stops working when revoked', async () => {
    expect((await request(t.url).post('/v1/admin/tenants').send({ name: 'x' })).status).toBe(401);
    expect((await request(t.url).post('/v1/admin/tenants').set(auth(TENANT_A_KEY)).send({ name: 'x' })).status).toBe(
      401,
    );
    const tenant = await request(t.url)
      .post('/v1/admin/tenants')
      .set(auth(ADMIN_TOKEN))
      .send({ id: 'acme', name: 'Acme' });
    expect(tenant.status).toBe(201);
    expect(
      (await request(t.url).post('/v1/admin/tenants').set(auth(ADMIN_TOKEN)).send({ id: 'acme', name: 'Acme' })).status,
    ).toBe(400);
    const key = await request(t.url)
      .post('/v1/admin/tenants/acme/keys')
      .set(auth(ADMIN_TOKEN))
      .send({ label: 'backend' });
    expect(key.status).toBe(201);
    expect(key.body.key).toMatch(/^sk_/);
    const listed = await request(t.url).get('/v1/admin/tenants/acme/keys').set(auth(ADMIN_TOKEN));
    expect(JSON.stringify(listed.body)).not.toContain(key.body.key);
    // Only the hash is stored.
    const stored = await t.platform.database.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', key.body.id)
      .executeTakeFirstOrThrow();
    expect(stored.hash).not.toContain(key.body.key);
    expect(stored.hash).toMatch(/^[0-9a-f]{64}$/);

    const sub = await request(t.url)
      .post('/v1/checks?wait=20')
      .set(auth(key.body.key))
      .send({ kind: 'mx', domain: 'good.test' });
    expect(sub.status).toBe(200);
    expect((await request(t.url).get(`/v1/checks/${sub.body.id}`).set(auth(TENANT_A_KEY))).status).toBe(404);
    expect(
      (await request(t.url).delete(`/v1/admin/tenants/acme/keys/${key.body.id}`).set(auth(ADMIN_TOKEN))).status,
    ).toBe(204);
    const revoked = await request(t.url).get(`/v1/checks/${sub.body.id}`).set(auth(key.body.key));
    expect(revoked.status).toBe(401);
    expect((await request(t.url).post('/v1/admin/tenants/nobody/keys').set(auth(ADMIN_TOKEN)).send({})).status).toBe(
      404,
    );
  });
});
