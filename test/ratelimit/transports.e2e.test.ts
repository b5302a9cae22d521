import request from 'supertest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, auth, startTestApp, TENANT_A_KEY, TENANT_B_KEY, type TestApp } from '../support/app';
import { tenantWithKeys } from '../embed/helpers';

/** One result of a GraphQL operation over graphql-ws: `next` payload, or the errors of an `error` message. */
interface WsResult {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const UNKNOWN_ID = '00000000-0000-7000-8000-000000000000';
const SUBMIT = 'mutation { submitCheck(input: { kind: "mx", mx: { domain: "good.test" } }) { id } }';
const READ = `{ check(id: "${UNKNOWN_ID}") { id } }`;
const aliased = (n: number) =>
  `mutation { ${Array.from({ length: n }, (_, i) => `c${i}: submitCheck(input: { kind: "mx", mx: { domain: "good.test" } }) { id }`).join(' ')} }`;

/**
 * One rate limit for every transport: REST, GraphQL over HTTP and each operation over graphql-ws
 * spend the same per-key budget, and each check created counts (aliases included). No worker runs,
 * so checks stay queued; the unfinished-check limit is high so only the per-minute budget matters.
 */
describe('one per-key budget for REST, GraphQL over HTTP and graphql-ws', () => {
  let t: TestApp;
  const clients: Client[] = [];
  const RPM = 10;

  const ws = (key: string) => {
    const c = createClient({
      url: `${t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${key}` },
      retryAttempts: 0,
    });
    clients.push(c);
    return c;
  };
  const op = (c: Client, query: string) =>
    new Promise<WsResult>((resolve) => {
      let got: WsResult | undefined;
      c.subscribe(
        { query },
        {
          next: (m) => (got = m as WsResult),
          error: (e) =>
            resolve(
              Array.isArray(e)
                ? { errors: e as WsResult['errors'] }
                : { errors: [{ message: String((e as Error).message ?? e) }] },
            ),
          complete: () => resolve(got ?? {}),
        },
      );
    });
  const codeOf = (r: WsResult) => r.errors?.[0]?.extensions?.code as string | undefined;

  beforeAll(async () => {
    t = await startTestApp({ ROLE: 'api', RATE_LIMIT_RPM: String(RPM), RATE_LIMIT_CONCURRENT_CHECKS: '1000' });
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await t?.close();
  });

  it('check() reads over one socket are counted per operation and refused with the coded error', async () => {
    const c = ws(TENANT_A_KEY);
    const codes: (string | undefined)[] = [];
    let limited: WsResult | undefined;
    for (let i = 0; i < RPM + 3; i++) {
      const r = await op(c, READ);
      codes.push(codeOf(r));
      if (codeOf(r) === 'RATE_LIMITED') limited ??= r;
    }
    expect(codes.slice(0, RPM)).toEqual(Array<string>(RPM).fill('NOT_FOUND'));
    expect(codes.slice(RPM)).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    const ext = limited!.errors![0]!.extensions!;
    expect(ext.status).toBe(429);
    expect(ext.retryAfter).toBeGreaterThan(0);
    expect(ext.retryAfter).toBeLessThanOrEqual(60);
    // REST shares the budget the socket spent.
    const rest = await request(t.url).get('/v1/checks?limit=1').set(auth(TENANT_A_KEY));
    expect(rest.status).toBe(429);
    expect(rest.body.code).toBe('RATE_LIMITED');
    expect(rest.headers['ratelimit-remaining']).toBe('0');
    expect(Number(rest.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('and the other way round: budget spent over REST and GraphQL HTTP refuses the socket', async () => {
    for (let i = 0; i < RPM - 1; i++)
      expect((await request(t.url).get('/v1/checks?limit=1').set(auth(TENANT_B_KEY))).status).toBe(200);
    const g = await request(t.url).post('/graphql').set(auth(TENANT_B_KEY)).send({ query: READ });
    expect(g.body.errors[0].extensions.code).toBe('NOT_FOUND');
    expect(g.headers['ratelimit-remaining']).toBe('0');
    const r = await op(ws(TENANT_B_KEY), READ);
    expect(codeOf(r)).toBe('RATE_LIMITED');
    expect(r.errors![0]!.extensions!.retryAfter).toBeGreaterThan(0);
  });

  it('submitCheck mutations over the socket beyond the per-key limit are refused and create nothing', async () => {
    const { sk } = await tenantWithKeys(t, 'ws-submit', { secret: true, publishable: 0 });
    const c = ws(sk!);
    const results = [];
    for (let i = 0; i < RPM + 5; i++) results.push(await op(c, SUBMIT));
    const created = results.filter((r) => (r.data as { submitCheck?: { id: string } } | null)?.submitCheck?.id);
    expect(created).toHaveLength(RPM);
    expect(results.slice(RPM).map(codeOf)).toEqual(Array<string>(5).fill('RATE_LIMITED'));
  });

  it('aliased submitCheck mutations count one per check, over HTTP and over the socket', async () => {
    const { sk } = await tenantWithKeys(t, 'aliases', { secret: true, publishable: 0 });
    const four = await request(t.url)
      .post('/graphql')
      .set(auth(sk!))
      .send({ query: aliased(4) });
    expect(four.body.errors).toBeUndefined();
    expect(Object.keys(four.body.data)).toHaveLength(4);
    expect(four.headers['ratelimit-remaining']).toBe(String(RPM - 4));
    // Five more in one operation over the socket: 9 of 10 spent; two more in one request are over.
    const five = await op(ws(sk!), aliased(5));
    expect(five.errors).toBeUndefined();
    expect(Object.keys(five.data ?? {})).toHaveLength(5);
    const two = await request(t.url)
      .post('/graphql')
      .set(auth(sk!))
      .send({ query: aliased(2) });
    expect(two.status).toBe(429);
    expect(two.body.code).toBe('RATE_LIMITED');
  });

  it('an operation with more submitCheck fields than the cap is refused whole, with a coded error', async () => {
    const { sk } = await tenantWithKeys(t, 'too-many', { secret: true, publishable: 0 });
    const r = await request(t.url)
      .post('/graphql')
      .set(auth(sk!))
      .send({ query: aliased(500) });
    expect(r.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
    expect(r.body.errors[0].message).toMatch(/mutation fields/);
    const w = await op(ws(sk!), aliased(500));
    expect(codeOf(w)).toBe('VALIDATION_FAILED');
    // Nothing was created, and the refused operations cost one request each.
    const list = await request(t.url).get('/v1/checks?limit=10').set(auth(sk!));
    expect(list.body.items).toEqual([]);
    expect(list.headers['ratelimit-remaining']).toBe(String(RPM - 3));
  });

  it('1,000 aliased submitCheck mutations are never accepted whole; a handful still works', async () => {
    const { sk } = await tenantWithKeys(t, 'thousand', { secret: true, publishable: 0 });
    const big = await request(t.url)
      .post('/graphql')
      .set(auth(sk!))
      .send({ query: aliased(1000) });
    expect(big.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
    expect(big.body.data ?? null).toBeNull();
    const three = await request(t.url)
      .post('/graphql')
      .set(auth(sk!))
      .send({ query: aliased(3) });
    expect(three.body.errors).toBeUndefined();
    expect(Object.keys(three.body.data)).toHaveLength(3);
    // Only the handful exists.
    const list = await request(t.url).get('/v1/checks?limit=100').set(auth(sk!));
    expect(list.body.items).toHaveLength(3);
  });
});

/**
 * With the mutation-field cap turned off (GRAPHQL_MAX_MUTATION_FIELDS=0), the per-key budget still
 * stops a 1,000-alias operation whole: it costs 1,000 requests before anything runs.
 */
describe('aliased submitCheck mutations without the field cap', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      ROLE: 'api',
      RATE_LIMIT_RPM: '50',
      RATE_LIMIT_CONCURRENT_CHECKS: '1000',
      GRAPHQL_MAX_MUTATION_FIELDS: '0',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('1,000 aliases are refused by their cost (429, nothing created); a handful still works', async () => {
    const { sk } = await tenantWithKeys(t, 'uncapped', { secret: true, publishable: 0 });
    const big = await request(t.url)
      .post('/graphql')
      .set(auth(sk!))
      .send({ query: aliased(1000) });
    expect(big.status).toBe(429);
    expect(big.headers['content-type']).toContain('application/problem+json');
    expect(big.body.code).toBe('RATE_LIMITED');
    expect(Number(big.headers['retry-after'])).toBeGreaterThan(0);
    // A second key of the same tenant (its own budget) sees that nothing was created, and that a handful works.
    const other = (
      await request(t.url).post('/v1/admin/tenants/uncapped/keys').set(auth(ADMIN_TOKEN)).send({ type: 'secret' })
    ).body.key as string;
    const list = await request(t.url).get('/v1/checks?limit=100').set(auth(other));
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
    const few = await request(t.url)
      .post('/graphql')
      .set(auth(other))
      .send({ query: aliased(3) });
    expect(few.body.errors).toBeUndefined();
    expect(Object.keys(few.body.data)).toHaveLength(3);
    expect((await request(t.url).get('/v1/checks?limit=100').set(auth(other))).body.items).toHaveLength(3);
  });
});
