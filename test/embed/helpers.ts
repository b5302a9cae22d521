import request from 'supertest';
import { ADMIN_TOKEN, auth, type TestApp } from '../support/app';

/** Create a tenant (with browser origins and allowed kinds) and keys through the admin API. */
export async function tenantWithKeys(
  t: TestApp,
  id: string,
  opts: { corsOrigins?: string[]; allowedKinds?: string[]; publishable?: number; secret?: boolean },
) {
  const created = await request(t.url)
    .post('/v1/admin/tenants')
    .set(auth(ADMIN_TOKEN))
    .send({
      id,
      name: id,
      ...(opts.corsOrigins ? { corsOrigins: opts.corsOrigins } : {}),
      ...(opts.allowedKinds ? { allowedKinds: opts.allowedKinds } : {}),
    });
  if (created.status !== 201) throw new Error(`createTenant ${id}: ${created.status} ${JSON.stringify(created.body)}`);
  const pks: string[] = [];
  for (let i = 0; i < (opts.publishable ?? 1); i++) {
    const k = await request(t.url)
      .post(`/v1/admin/tenants/${id}/keys`)
      .set(auth(ADMIN_TOKEN))
      .send({ type: 'publishable', label: `widget ${i}` });
    pks.push(k.body.key as string);
  }
  const sk = opts.secret
    ? ((await request(t.url).post(`/v1/admin/tenants/${id}/keys`).set(auth(ADMIN_TOKEN)).send({ type: 'secret' })).body
        .key as string)
    : undefined;
  return { pks, sk };
}

export const CORS_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-max-age',
  'access-control-allow-credentials',
  'access-control-expose-headers',
];
export function corsHeadersOf(headers: Record<string, unknown>): string[] {
  return CORS_HEADERS.filter((h) => headers[h] !== undefined);
}
