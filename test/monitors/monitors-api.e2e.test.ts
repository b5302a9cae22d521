import { createClient, type Client } from 'graphql-ws';
import request from 'supertest';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueues } from '../../src/infra/queue/queue.module';
import { auth, startTestApp, TENANT_A_KEY, TENANT_B_KEY, until, type TestApp } from '../support/app';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';

const ZONE = `
$ORIGIN test.
$TTL 60
@            IN SOA ns1.test. hostmaster.test. 1 3600 600 86400 60
watched      IN MX 10 mx1.watched.test.
mx1.watched  IN A 127.0.0.1
`;

/** The monitors API: validation, limits, tenant scoping, update, and GraphQL with `monitorEvents`. */
describe('monitors API (REST and GraphQL)', () => {
  let dns: FixtureDnsServer;
  let t: TestApp;
  const clients: Client[] = [];
  const gql = (key: string, query: string, variables: object = {}) =>
    request(t.url).post('/graphql').set(auth(key)).send({ query, variables });
  const post = (key: string, body: unknown) =>
    request(t.url)
      .post('/v1/monitors')
      .set(auth(key))
      .send(body as object);

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    t = await startTestApp({
      NODE_ENV: 'test',
      DNS_SERVERS: dns.address,
      MONITOR_MIN_INTERVAL_S: '60',
      MONITOR_MAX_PER_TENANT: '3',
    });
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await t?.close();
    await dns?.stop();
  });

  it('refuses bad input with named fields, never a 500', async () => {
    const cases: [unknown, string][] = [
      [{ target: 'watched.test', kinds: ['mx'], intervalSeconds: 30 }, 'intervalSeconds'],
      [{ target: 'watched.test', kinds: ['bogus'], intervalSeconds: 300 }, 'kinds'],
      [{ target: 'watched.test', kinds: [], intervalSeconds: 300 }, 'kinds'],
      [{ target: 'not a host!', kinds: ['mx'], intervalSeconds: 300 }, 'target'],
      [{ target: '203.0.113.9', kinds: ['mx'], intervalSeconds: 300 }, 'kinds[mx].domain'],
      [{ target: 'watched.test', kinds: ['mx'], intervalSeconds: 300, extra: 1 }, 'extra'],
      [
        { target: 'watched.test', kinds: ['mx'], intervalSeconds: 300, channels: { emails: ['a@b.test'] } },
        'channels.emails',
      ],
      [
        { target: 'watched.test', kinds: ['mx'], intervalSeconds: 300, channels: { chat: ['ftp://x.test/'] } },
        'channels.chat[0]',
      ],
      [
        { target: 'watched.test', kinds: ['mx'], intervalSeconds: 300, channels: { chat: ['http://10.1.2.3/hook'] } },
        'channels.chat[0]',
      ],
      [{ target: 'watched.test', kinds: ['mx'], intervalSeconds: 300, confirmations: 0 }, 'confirmations'],
    ];
    for (const [body, field] of cases) {
      const r = await post(TENANT_A_KEY, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.headers['content-type']).toMatch(/problem\+json/);
      expect(
        r.body.errors.map((e: { field: string }) => e.field),
        JSON.stringify(r.body),
      ).toContain(field);
    }
    expect((await request(t.url).get('/v1/monitors?cursor=nope').set(auth(TENANT_A_KEY))).status).toBe(400);
    expect((await request(t.url).get('/v1/monitors/not-an-id').set(auth(TENANT_A_KEY))).status).toBe(404);
    expect((await request(t.url).get('/v1/monitors')).status).toBe(401);
  });

  it("tenants never see each other's monitors; update, pause and resume drive the scheduler; per-tenant limit", async () => {
    const queue = t.platform.get<JobQueues>(JobQueues).queue('monitors');
    const r = await post(TENANT_A_KEY, {
      target: 'watched.test',
      kinds: ['mx', 'dns'],
      intervalSeconds: 600,
      name: 'a',
    });
    expect(r.status).toBe(201);
    expect(r.headers.location).toBe(`/v1/monitors/${r.body.id}`);
    expect(r.body).toMatchObject({ status: 'active', intervalSeconds: 600, confirmations: 2, kinds: ['mx', 'dns'] });
    const id = r.body.id as string;
    expect((await queue.getScheduler(id))?.everyMs).toBe(600_000);

    for (const [method, path] of [
      ['get', `/v1/monitors/${id}`],
      ['patch', `/v1/monitors/${id}`],
      ['delete', `/v1/monitors/${id}`],
      ['post', `/v1/monitors/${id}/pause`],
      ['post', `/v1/monitors/${id}/resume`],
      ['post', `/v1/monitors/${id}/run`],
      ['get', `/v1/monitors/${id}/checks`],
      ['get', `/v1/monitors/${id}/alerts`],
    ] as const) {
      const res = await request(t.url)[method](path).set(auth(TENANT_B_KEY)).send({});
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await request(t.url).get('/v1/monitors').set(auth(TENANT_B_KEY))).body.items).toEqual([]);
    expect(
      (await request(t.url).get('/v1/monitors').set(auth(TENANT_A_KEY))).body.items.map((m: { id: string }) => m.id),
    ).toContain(id);

    const patched = await request(t.url)
      .patch(`/v1/monitors/${id}`)
      .set(auth(TENANT_A_KEY))
      .send({ intervalSeconds: 900, confirmations: 3 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ intervalSeconds: 900, confirmations: 3 });
    expect((await queue.getScheduler(id))?.everyMs).toBe(900_000);
    expect(patched.body.nextRunAt).toBeDefined();
    const bad = await request(t.url).patch(`/v1/monitors/${id}`).set(auth(TENANT_A_KEY)).send({ intervalSeconds: 5 });
    expect(bad.status).toBe(400);
    expect((await queue.getScheduler(id))?.everyMs).toBe(900_000);

    await request(t.url).post(`/v1/monitors/${id}/pause`).set(auth(TENANT_A_KEY)).expect(200);
    expect(await queue.getScheduler(id)).toBeUndefined();
    await request(t.url).post(`/v1/monitors/${id}/resume`).set(auth(TENANT_A_KEY)).expect(200);
    expect((await queue.getScheduler(id))?.everyMs).toBe(900_000);

    // Run now: one ordinary check per kind, carrying the monitor id.
    const run = await request(t.url).post(`/v1/monitors/${id}/run`).set(auth(TENANT_A_KEY));
    expect(run.status).toBe(202);
    expect(run.body.checks.map((c: { kind: string }) => c.kind)).toEqual(['mx', 'dns']);
    const check = await request(t.url).get(`/v1/checks/${run.body.checks[0].id}`).set(auth(TENANT_A_KEY));
    expect(check.body.monitorId).toBe(id);

    await post(TENANT_A_KEY, { target: 'watched.test', kinds: ['mx'], intervalSeconds: 600 }).expect(201);
    await post(TENANT_A_KEY, { target: 'watched.test', kinds: ['mx'], intervalSeconds: 600 }).expect(201);
    const over = await post(TENANT_A_KEY, { target: 'watched.test', kinds: ['mx'], intervalSeconds: 600 });
    expect(over.status).toBe(429);
    expect(over.body.code).toBe('QUOTA_EXCEEDED');
    // The limit is per tenant.
    await post(TENANT_B_KEY, { target: 'watched.test', kinds: ['mx'], intervalSeconds: 600 }).expect(201);
  });

  it('GraphQL: the same operations, and monitorEvents streams runs and results', async () => {
    const created = await gql(
      TENANT_B_KEY,
      'mutation ($i: CreateMonitorInput!) { createMonitor(input: $i) { id status kinds channels { webhooks emails chat } } }',
      { i: { target: 'watched.test', kinds: ['mx'], intervalSeconds: 3600 } },
    );
    expect(created.body.errors).toBeUndefined();
    const id = created.body.data.createMonitor.id as string;
    expect(created.body.data.createMonitor.channels).toEqual({ webhooks: false, emails: [], chat: [] });
    const list = await gql(TENANT_B_KEY, '{ monitors { items { id } } }');
    expect(list.body.data.monitors.items.map((m: { id: string }) => m.id)).toContain(id);
    const theirs = await gql(TENANT_A_KEY, 'query ($id: ID!) { monitor(id: $id) { id } }', { id });
    expect(theirs.body.errors[0].extensions.code).toBe('NOT_FOUND');

    const ws = (key: string) => {
      const c = createClient({
        url: t.url.replace('http', 'ws') + '/graphql',
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${key}` },
        retryAttempts: 0,
      });
      clients.push(c);
      return c;
    };
    const events: { type: string; checkId?: string; checks?: { id: string }[] }[] = [];
    let error: unknown;
    const dispose = ws(TENANT_B_KEY).subscribe<{ monitorEvents: (typeof events)[number] }>(
      {
        query:
          'subscription ($id: ID!) { monitorEvents(id: $id) { monitorId type checkId kind verdict checks { id kind } } }',
        variables: { id },
      },
      {
        next: (m) => (m.data ? events.push(m.data.monitorEvents) : (error = m.errors)),
        error: (e) => (error = e),
        complete: () => undefined,
      },
    );
    // Subscribed once the other tenant's attempt below has been answered too.
    let otherError: unknown;
    ws(TENANT_A_KEY).subscribe(
      { query: 'subscription ($id: ID!) { monitorEvents(id: $id) { type } }', variables: { id } },
      { next: (m) => (otherError = m.errors), error: (e) => (otherError = e), complete: () => undefined },
    );
    await until(async () => otherError !== undefined);
    expect((otherError as { extensions?: { code?: string } }[])[0]?.extensions?.code).toBe('NOT_FOUND');
    await new Promise((r) => setTimeout(r, 300));

    const run = await gql(TENANT_B_KEY, 'mutation ($id: ID!) { runMonitor(id: $id) { checks { id kind } } }', {
      id,
    });
    const checkId = run.body.data.runMonitor.checks[0].id as string;
    await until(async () => events.some((e) => e.type === 'result' && e.checkId === checkId), 30_000);
    dispose();
    expect(error).toBeUndefined();
    expect(events.find((e) => e.type === 'run')?.checks?.[0]?.id).toBe(checkId);

    const paused = await gql(TENANT_B_KEY, 'mutation ($id: ID!) { pauseMonitor(id: $id) { status } }', { id });
    expect(paused.body.data.pauseMonitor.status).toBe('paused');
    const del = await gql(TENANT_B_KEY, 'mutation ($id: ID!) { deleteMonitor(id: $id) }', { id });
    expect(del.body.data.deleteMonitor).toBe(true);
  });
});
