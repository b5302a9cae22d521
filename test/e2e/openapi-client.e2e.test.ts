import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import createClient from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { components, paths } from '../../openapi/openapi';
import { ADMIN_TOKEN, startTestApp, TENANT_A_KEY, type TestApp } from '../support/app';

/**
 * A client generated from the committed openapi/openapi.json (types: openapi/openapi.d.ts, made by
 * openapi-typescript; calls: openapi-fetch) against the running service on real Redis and SQLite.
 * Type-checking this file (`npm run typecheck`) proves the paths, bodies and the typed error body
 * exist in the document; at run time every answer is checked against the document: its status is
 * one the operation lists, and its body validates against the listed schema (Ajv). So neither the
 * code nor the document can drift without this failing.
 */
type Problem = components['schemas']['Problem'];
type Method = 'get' | 'post' | 'put' | 'delete';

const DOC = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
};
// strict off: the document carries OpenAPI keywords (example, nullable is Ajv's own); formats are not checked.
const ajv = new Ajv({ strict: false, allErrors: true, formats: { uri: true, uuid: true, 'date-time': true } });
ajv.addSchema(DOC, 'doc');
const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** The answer's status is documented for the operation and its body matches the documented schema. */
async function conforms(path: string, method: Method, res: Response, body: unknown): Promise<void> {
  const responses = DOC.paths[path]?.[method]?.responses;
  expect(responses, `${method} ${path} is not in openapi.json`).toBeDefined();
  const status = String(res.status);
  expect(Object.keys(responses!), `${method.toUpperCase()} ${path} answered ${status}, not documented`).toContain(
    status,
  );
  const media = (res.headers.get('content-type') ?? '').split(';')[0];
  const content = responses![status].content;
  if (!content) return;
  expect(Object.keys(content), `${method} ${path} ${status} answered ${media}`).toContain(media);
  const validate: ValidateFunction | undefined = ajv.getSchema(
    `doc#/${pointer('paths', path, method, 'responses', status, 'content', media, 'schema')}`,
  );
  expect(validate, 'schema compiles').toBeDefined();
  const ok = validate!(body);
  expect(ok, `${method} ${path} ${status}: ${ajv.errorsText(validate!.errors)}`).toBe(true);
  await Promise.resolve();
}

describe('typed client generated from openapi/openapi.json, against the running service', () => {
  let t: TestApp;
  let api: ReturnType<typeof createClient<paths>>;
  let admin: ReturnType<typeof createClient<paths>>;
  let anon: ReturnType<typeof createClient<paths>>;

  beforeAll(async () => {
    // ROLE=api: submitted checks stay queued, so nothing reaches the network.
    t = await startTestApp({ ROLE: 'api' });
    api = createClient<paths>({ baseUrl: t.url, headers: { Authorization: `Bearer ${TENANT_A_KEY}` } });
    admin = createClient<paths>({ baseUrl: t.url, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    anon = createClient<paths>({ baseUrl: t.url });
  });
  afterAll(async () => t?.close());

  it('success paths: submit and read a check, explain a reply, the public catalog and liveness', async () => {
    const submitted = await api.POST('/v1/checks', { body: { kind: 'mx', domain: 'client.test' } });
    expect(submitted.response.status).toBe(202);
    await conforms('/v1/checks', 'post', submitted.response, submitted.data);
    const id = (submitted.data as { id: string }).id;

    const got = await api.GET('/v1/checks/{id}', { params: { path: { id } } });
    await conforms('/v1/checks/{id}', 'get', got.response, got.data);
    expect(got.data?.kind).toBe('mx');
    expect(got.data?.status).toBe('queued');

    const page = await api.GET('/v1/checks', { params: { query: { kind: 'mx', limit: 10 } } });
    await conforms('/v1/checks', 'get', page.response, page.data);
    expect(page.data?.items.map((c) => c.id)).toContain(id);

    const explained = await api.POST('/v1/explain', { body: { reply: '550 5.1.1 <bob@example.org>: user unknown' } });
    await conforms('/v1/explain', 'post', explained.response, explained.data);
    expect(explained.data?.enhancedStatus).toBe('5.1.1');
    expect(explained.data?.code).toBe(550);

    const findings = await anon.GET('/v1/findings');
    await conforms('/v1/findings', 'get', findings.response, findings.data);
    expect(findings.data?.length).toBeGreaterThan(10);

    const live = await anon.GET('/healthz');
    await conforms('/healthz', 'get', live.response, live.data);
    expect(live.data?.status).toBe('ok');
  });

  it('admin with the ADMIN_TOKEN: a tenant, a key that works, the key listed by prefix', async () => {
    const tenant = await admin.POST('/v1/admin/tenants', { body: { name: 'Client Inc.' } });
    await conforms('/v1/admin/tenants', 'post', tenant.response, tenant.data);
    const tenantId = tenant.data!.id;
    const key = await admin.POST('/v1/admin/tenants/{id}/keys', {
      params: { path: { id: tenantId } },
      body: { label: 'ci' },
    });
    await conforms('/v1/admin/tenants/{id}/keys', 'post', key.response, key.data);
    const keys = await admin.GET('/v1/admin/tenants/{id}/keys', { params: { path: { id: tenantId } } });
    await conforms('/v1/admin/tenants/{id}/keys', 'get', keys.response, keys.data);
    expect(keys.data?.map((k) => k.prefix)).toEqual([key.data!.prefix]);
    const theirs = createClient<paths>({ baseUrl: t.url, headers: { Authorization: `Bearer ${key.data!.key}` } });
    const list = await theirs.GET('/v1/checks');
    expect(list.response.status).toBe(200);
    expect(list.data?.items).toEqual([]);
  });

  it('error paths answer the documented status with a typed Problem body', async () => {
    const cases: { path: string; method: Method; call: () => Promise<{ error?: unknown; response: Response }> }[] = [
      {
        path: '/v1/checks',
        method: 'post',
        call: () => api.POST('/v1/checks', { body: { kind: 'mx', domain: 'not a domain' } }),
      },
      { path: '/v1/checks', method: 'get', call: () => anon.GET('/v1/checks') },
      {
        path: '/v1/checks/{id}',
        method: 'get',
        call: () => api.GET('/v1/checks/{id}', { params: { path: { id: '00000000-0000-7000-8000-000000000000' } } }),
      },
      { path: '/v1/checks', method: 'get', call: () => api.GET('/v1/checks', { params: { query: { cursor: '!' } } }) },
      {
        path: '/v1/admin/tenants',
        method: 'post',
        call: () => api.POST('/v1/admin/tenants', { body: { name: 'x' } }),
      },
      {
        path: '/v1/admin/tenants/{id}/keys',
        method: 'get',
        call: () => admin.GET('/v1/admin/tenants/{id}/keys', { params: { path: { id: 'no-such-tenant' } } }),
      },
      {
        path: '/v1/batches',
        method: 'post',
        call: () => api.POST('/v1/batches', { body: { checks: [] } }),
      },
      {
        path: '/v1/webhooks/{id}',
        method: 'get',
        call: () => api.GET('/v1/webhooks/{id}', { params: { path: { id: 'nope' } } }),
      },
      {
        path: '/v1/checks/{id}/report',
        method: 'get',
        call: () =>
          api.GET('/v1/checks/{id}/report', {
            params: { path: { id: '00000000-0000-7000-8000-000000000000' }, query: { format: 'json' } },
          }),
      },
    ];
    const seen: Record<string, number> = {};
    for (const c of cases) {
      const { error, response } = await c.call();
      expect(response.status, `${c.method} ${c.path}`).toBeGreaterThanOrEqual(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      await conforms(c.path, c.method, response, error);
      const problem = error as Problem;
      expect(problem.status).toBe(response.status);
      seen[problem.code] = response.status;
    }
    expect(seen).toMatchObject({ VALIDATION_FAILED: 400, UNAUTHENTICATED: 401, NOT_FOUND: 404 });

    // The error body is typed: `errors[]` names the field without casts.
    const bad = await api.POST('/v1/checks', { body: { kind: 'mx', domain: 'not a domain' } });
    expect(bad.data).toBeUndefined();
    expect(bad.error?.code).toBe('VALIDATION_FAILED');
    expect(bad.error?.errors?.map((e) => e.field)).toContain('domain');
  });
});
