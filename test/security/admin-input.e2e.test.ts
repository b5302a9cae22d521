import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, auth, startTestApp, type TestApp } from '../support/app';

/**
 * `allowedKinds` is checked by one rule wherever a tenant's kinds are set: creating the tenant
 * (POST /v1/admin/tenants) used to store kinds that PUT .../browser-access refused.
 */
describe('allowedKinds: the same validation on every admin input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ROLE: 'api' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const createTenant = (body: object) => request(t.url).post('/v1/admin/tenants').set(auth(ADMIN_TOKEN)).send(body);
  const putAccess = (id: string, body: object) =>
    request(t.url).put(`/v1/admin/tenants/${id}/browser-access`).set(auth(ADMIN_TOKEN)).send(body);

  function expectUnknownKinds(res: request.Response, ...names: string[]) {
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const errs = (res.body.errors as { field: string; message: string }[]).filter((e) => e.field === 'allowedKinds');
    expect(errs).toHaveLength(1);
    for (const n of names) expect(errs[0]!.message).toContain(n);
    expect(errs[0]!.message).toContain(t.platform.kinds.names().join(', '));
    return errs[0]!.message;
  }

  it('POST /v1/admin/tenants refuses unknown kinds, naming them, and stores nothing', async () => {
    const res = await createTenant({ id: 'kinds-a', name: 'A', allowedKinds: ['mx', 'nope', 'smtp-relay'] });
    // Only the unknown ones are named as unknown.
    expect(expectUnknownKinds(res, 'nope', 'smtp-relay')).toMatch(/^unknown kind\(s\) nope, smtp-relay;/);
    // Nothing was created: the same id is still free.
    expect((await request(t.url).get('/v1/admin/tenants/kinds-a/keys').set(auth(ADMIN_TOKEN))).status).toBe(404);
  });

  it('PUT .../browser-access answers the same message for the same kinds', async () => {
    expect((await createTenant({ id: 'kinds-b', name: 'B', allowedKinds: ['mx', 'dns'] })).status).toBe(201);
    const viaCreate = expectUnknownKinds(await createTenant({ name: 'C', allowedKinds: ['nope'] }), 'nope');
    const viaPut = expectUnknownKinds(await putAccess('kinds-b', { allowedKinds: ['nope'] }), 'nope');
    expect(viaPut).toBe(viaCreate);
    // The stored kinds are unchanged by the refused update.
    expect(
      (await request(t.url).get('/v1/admin/tenants/kinds-b/browser-access').set(auth(ADMIN_TOKEN))).body.allowedKinds,
    ).toEqual(['mx', 'dns']);
  });

  it('non-string entries are refused as well, never a 500', async () => {
    const res = await createTenant({ name: 'D', allowedKinds: ['mx', 42, null] });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('allowedKinds');
  });

  it('every registered kind is accepted by both endpoints; null still means all kinds', async () => {
    const all = t.platform.kinds.names();
    const created = await createTenant({ id: 'kinds-e', name: 'E', allowedKinds: all });
    expect(created.status).toBe(201);
    expect(created.body.allowedKinds).toEqual(all);
    expect((await putAccess('kinds-e', { allowedKinds: ['health'] })).body.allowedKinds).toEqual(['health']);
    expect((await putAccess('kinds-e', { allowedKinds: null })).body.allowedKinds).toBeNull();
  });
});
