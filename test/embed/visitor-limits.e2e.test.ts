import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { auth, freshDatabaseUrl, startTestApp, until, type TestApp } from '../support/app';
import { tenantWithKeys } from './helpers';

const SHOP = 'https://shop.example';
const ZONE = readFileSync(join(__dirname, '../fixtures/mx/mx.zone'), 'utf8');
const SUBMIT = 'mutation { submitCheck(input: { kind: "mx", mx: { domain: "good.test" } }) { id } }';
const READ = '{ check(id: "00000000-0000-7000-8000-000000000000") { id } }';

interface WsResult {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** A graphql-ws client whose upgrade request comes "from" `ip` (X-Forwarded-For, TRUST_PROXY=true). */
function wsFrom(url: string, key: string, ip: string, clients: Client[]): Client {
  class FromIp extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: { 'X-Forwarded-For': ip } });
    }
  }
  const c = createClient({
    url: `${url.replace('http', 'ws')}/graphql`,
    webSocketImpl: FromIp,
    connectionParams: { authorization: `Bearer ${key}` },
    retryAttempts: 0,
  });
  clients.push(c);
  return c;
}
function op(c: Client, query: string): Promise<WsResult> {
  return new Promise<WsResult>((resolve) => {
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
}
const codeOf = (r: WsResult) => r.errors?.[0]?.extensions?.code as string | undefined;

describe("publishable keys: no batches, and one visitor cannot use up the tenant's unfinished checks", () => {
  let dns: FixtureDnsServer;
  const db = freshDatabaseUrl('sqlite');
  const prefix = `visitor-${process.pid}-${Date.now()}`;
  let api: TestApp;
  let worker: TestApp | undefined;
  let pk: string;
  let sk: string;
  const clients: Client[] = [];
  const env = () => ({
    DNS_SERVERS: dns.address,
    DATABASE_URL: db.url,
    QUEUE_PREFIX: prefix,
    TRUST_PROXY: 'true',
    ROLE: 'api',
    // The key may have 6 unfinished checks; one visitor at most 3 of them.
    RATE_LIMIT_CONCURRENT_CHECKS: '6',
    PUBLISHABLE_VISITOR_CONCURRENT_CHECKS: '3',
    PUBLISHABLE_KEY_RPM: '1000',
    PUBLISHABLE_IP_RPM: '1000',
  });
  const widgetSubmit = (ip: string) =>
    request(api.url)
      .post('/v1/checks')
      .set(auth(pk))
      .set('Origin', SHOP)
      .set('X-Forwarded-For', ip)
      .send({ kind: 'mx', domain: 'good.test' });

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    // No worker yet: submitted checks stay unfinished.
    api = await startTestApp(env());
    const keys = await tenantWithKeys(api, 'shop', { corsOrigins: [SHOP], allowedKinds: ['mx'], secret: true });
    pk = keys.pks[0]!;
    sk = keys.sk!;
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await worker?.close();
    await api?.close();
    await dns?.stop();
    await db.cleanup();
  });

  it('a publishable key cannot submit a batch, over REST or GraphQL; nothing is stored', async () => {
    const body = { checks: Array.from({ length: 1000 }, () => ({ kind: 'mx', domain: 'good.test' })) };
    const rest = await request(api.url)
      .post('/v1/batches')
      .set(auth(pk))
      .set('Origin', SHOP)
      .set('X-Forwarded-For', '10.7.0.9')
      .send(body);
    expect(rest.status).toBe(403);
    expect(rest.headers['content-type']).toContain('application/problem+json');
    expect(rest.body.code).toBe('FORBIDDEN');
    expect(rest.body.detail).toMatch(/[Pp]ublishable keys cannot submit batches/);
    expect(rest.headers['access-control-allow-origin']).toBe(SHOP);
    const small = await request(api.url)
      .post('/v1/batches')
      .set(auth(pk))
      .send({ checks: [{ kind: 'mx', domain: 'good.test' }] });
    expect(small.status).toBe(403);
    const gql = await request(api.url).post('/graphql').set(auth(pk)).send({
      query: 'mutation { submitBatch(input: { checks: [{ kind: "mx", mx: { domain: "good.test" } }] }) { id total } }',
    });
    expect(gql.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    const ws = await op(
      wsFrom(api.url, pk, '10.7.0.9', clients),
      'mutation { submitBatch(input: { checks: [{ kind: "mx", mx: { domain: "good.test" } }] }) { id } }',
    );
    expect(codeOf(ws)).toBe('FORBIDDEN');
    const list = await request(api.url).get('/v1/checks').set(auth(sk));
    expect(list.body.items).toEqual([]);
    // A secret key of the same tenant still submits batches.
    const server = await request(api.url)
      .post('/v1/batches')
      .set(auth(sk))
      .send({
        checks: [
          { kind: 'mx', domain: 'good.test' },
          { kind: 'mx', domain: 'good.test' },
        ],
      });
    expect(server.status).toBe(202);
  });

  it("after one visitor reaches their own cap, another visitor's widget submit still succeeds", async () => {
    const statuses: number[] = [];
    let refused: request.Response | undefined;
    for (let i = 0; i < 6; i++) {
      const r = await widgetSubmit('10.7.0.1');
      statuses.push(r.status);
      if (r.status === 429) refused ??= r;
    }
    expect(statuses).toEqual([202, 202, 202, 429, 429, 429]);
    expect(refused!.body).toMatchObject({ code: 'RATE_LIMITED', status: 429, scope: 'visitor' });
    expect(refused!.body.detail).toMatch(/3 unfinished checks/);
    expect(Number(refused!.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused!.headers['access-control-allow-origin']).toBe(SHOP);
    // The same visitor over the subscription socket is the same visitor.
    const ws = await op(wsFrom(api.url, pk, '10.7.0.1', clients), SUBMIT);
    expect(codeOf(ws)).toBe('RATE_LIMITED');
    expect(ws.errors![0]!.extensions!.retryAfter).toBeGreaterThan(0);
    // Someone else on the tenant's site is not affected.
    expect((await widgetSubmit('10.7.0.2')).status).toBe(202);
    expect(codeOf(await op(wsFrom(api.url, pk, '10.7.0.3', clients), SUBMIT))).toBeUndefined();
    // The tenant's server-side secret key has its own allowance too.
    expect(
      (await request(api.url).post('/v1/checks').set(auth(sk)).send({ kind: 'mx', domain: 'good.test' })).status,
    ).toBe(202);
  });

  it("when the visitor's checks finish, the visitor may submit again", async () => {
    worker = await startTestApp({ ...env(), ROLE: 'worker', SWEEP_INTERVAL_MS: '500' });
    const unfinished = async () => {
      const r = await request(api.url).get('/v1/checks?limit=50').set(auth(sk));
      return (
        (r.body.items as { status: string }[]).filter((c) => c.status === 'queued' || c.status === 'running').length ===
        0
      );
    };
    await until(unfinished, 30_000, 200);
    expect((await widgetSubmit('10.7.0.1')).status).toBe(202);
  });
});

describe('publishable keys over graphql-ws: the same per-key and per-address budgets as HTTP', () => {
  let t: TestApp;
  let pks: string[];
  const clients: Client[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      ROLE: 'api',
      TRUST_PROXY: 'true',
      PUBLISHABLE_KEY_RPM: '4',
      PUBLISHABLE_IP_RPM: '6',
      PUBLISHABLE_VISITOR_CONCURRENT_CHECKS: '100',
    });
    ({ pks } = await tenantWithKeys(t, 'shop', { corsOrigins: [SHOP], allowedKinds: ['mx'], publishable: 6 }));
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await t?.close();
  });

  // Windows are fixed minutes: a burst may straddle one boundary, so 2*limit+1 operations always
  // exceed the limit in one of the (at most two) windows.
  it("per key: submitCheck mutations over one socket run out of the key's budget", async () => {
    const c = wsFrom(t.url, pks[0]!, '10.8.0.1', clients);
    const results: WsResult[] = [];
    for (let i = 0; i < 9; i++) results.push(await op(c, SUBMIT));
    const limited = results.filter((r) => codeOf(r) === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThanOrEqual(1);
    // The key's budget (4) is smaller than the address's (6): the key ran out.
    for (const r of limited) expect(r.errors![0]!.message).toMatch(/for this publishable key/);
    expect(limited[0]!.errors![0]!.extensions!.retryAfter).toBeGreaterThan(0);
    expect(results.filter((r) => (r.data as { submitCheck?: unknown } | null)?.submitCheck).length).toBe(
      9 - limited.length,
    );
  });

  it('per address: fresh keys from one address run out, whether the operations come over REST or the socket', async () => {
    const codes: (string | undefined)[] = [];
    const messages: string[] = [];
    // 13 operations from one address, spread over four keys (at most 4 each: no key runs out):
    // two reads over HTTP, then submitCheck mutations, each on a socket of its own.
    for (let i = 0; i < 13; i++) {
      const key = pks[1 + (i % 4)]!;
      if (i < 2) {
        const r = await request(t.url)
          .post('/graphql')
          .set(auth(key))
          .set('X-Forwarded-For', '10.8.0.2')
          .send({ query: READ });
        codes.push(r.status === 429 ? r.body.code : r.body.errors?.[0]?.extensions?.code);
        if (r.status === 429) messages.push(r.body.detail);
      } else {
        const r = await op(wsFrom(t.url, key, '10.8.0.2', clients), SUBMIT);
        codes.push(codeOf(r) ?? 'created');
        if (codeOf(r) === 'RATE_LIMITED') messages.push(r.errors![0]!.message);
      }
    }
    expect(codes).toContain('RATE_LIMITED');
    for (const m of messages) expect(m).toMatch(/from your network address/);
    // Another address is not affected.
    expect(codeOf(await op(wsFrom(t.url, pks[5]!, '10.8.0.3', clients), READ))).toBe('NOT_FOUND');
  });
});
