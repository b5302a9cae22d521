import request from 'supertest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { auth, startTestApp, TENANT_A_KEY, TENANT_B_KEY, until, type TestApp } from '../support/app';

const ZONE = readFileSync(join(__dirname, '../fixtures/mx/mx.zone'), 'utf8');

describe('GraphQL: the same operations as REST', () => {
  let dns: FixtureDnsServer;
  let t: TestApp;
  const clients: Client[] = [];

  const gql = (key: string | undefined, query: string, variables: object = {}) => {
    const r = request(t.url).post('/graphql').send({ query, variables });
    return key ? r.set(auth(key)) : r;
  };
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
  const subscribe = (c: Client, id: string) =>
    new Promise<{ events: { status: string; verdict?: string }[]; error?: unknown }>((resolve) => {
      const events: { status: string; verdict?: string }[] = [];
      c.subscribe<{ checkUpdated: { status: string; verdict?: string } }>(
        {
          query: 'subscription ($id: ID!) { checkUpdated(id: $id) { id status verdict progress findings { code } } }',
          variables: { id },
        },
        {
          next: (m) => (m.data ? events.push(m.data.checkUpdated) : resolve({ events, error: m.errors })),
          error: (error) => resolve({ events, error }),
          complete: () => resolve({ events }),
        },
      );
    });

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    t = await startTestApp({ DNS_SERVERS: dns.address });
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await t?.close();
    await dns?.stop();
  });

  it('submitCheck, then check(id) returns the stored result', async () => {
    const sub = await gql(
      TENANT_A_KEY,
      'mutation ($i: SubmitCheckInput!) { submitCheck(input: $i) { id kind status createdAt } }',
      { i: { kind: 'mx', mx: { domain: 'good.test' } } },
    );
    expect(sub.body.errors).toBeUndefined();
    const id = sub.body.data.submitCheck.id;
    expect(sub.body.data.submitCheck.status).toBe('queued');
    const done = await until(async () => {
      const r = await gql(
        TENANT_A_KEY,
        'query ($id: ID!) { check(id: $id) { id status verdict score findings { code severity title remediation } result input } }',
        { id },
      );
      return r.body.data?.check?.status === 'completed' ? r.body.data.check : undefined;
    });
    expect(done.verdict).toBe('pass');
    expect(done.result.hosts).toHaveLength(2);
    expect(done.input).toEqual({ domain: 'good.test' });
  });

  it('checks(...) lists and findingCatalog lists codes', async () => {
    const r = await gql(
      TENANT_A_KEY,
      '{ checks(kind: "mx", limit: 5) { items { id kind } nextCursor } findingCatalog { code severity module } }',
    );
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.checks.items.length).toBeGreaterThan(0);
    expect(r.body.data.findingCatalog.map((f: { code: string }) => f.code)).toContain('MX_NULL');
  });

  it('coded errors: bad input, unknown kind, no key, wrong tenant', async () => {
    const bad = await gql(TENANT_A_KEY, 'mutation ($i: SubmitCheckInput!) { submitCheck(input: $i) { id } }', {
      i: { kind: 'mx', mx: { domain: 'no spaces allowed' } },
    });
    expect(bad.status).toBe(200);
    expect(bad.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
    expect(bad.body.errors[0].extensions.errors[0].field).toBe('domain');
    const unknown = await gql(TENANT_A_KEY, 'mutation ($i: SubmitCheckInput!) { submitCheck(input: $i) { id } }', {
      i: { kind: 'nope' },
    });
    expect(unknown.body.errors[0].extensions.code).toBe('UNKNOWN_KIND');
    const mismatch = await gql(TENANT_A_KEY, 'mutation ($i: SubmitCheckInput!) { submitCheck(input: $i) { id } }', {
      i: { kind: 'nope', mx: { domain: 'good.test' } },
    });
    expect(mismatch.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
    const noKey = await gql(undefined, '{ checks { items { id } } }');
    expect(noKey.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const mine = await gql(TENANT_A_KEY, 'mutation ($i: SubmitCheckInput!) { submitCheck(input: $i) { id } }', {
      i: { kind: 'mx', mx: { domain: 'good.test' } },
    });
    const theirs = await gql(TENANT_B_KEY, 'query ($id: ID!) { check(id: $id) { id } }', {
      id: mine.body.data.submitCheck.id,
    });
    expect(theirs.body.errors[0].extensions.code).toBe('NOT_FOUND');
    const syntax = await gql(TENANT_A_KEY, '{ checks { ');
    expect(syntax.body.errors[0].extensions.code).toBeDefined();
    expect(syntax.status).toBeLessThan(500);
  });

  it('checkUpdated streams the check to completion for its tenant', async () => {
    const sub = await gql(TENANT_A_KEY, 'mutation ($i: SubmitCheckInput!) { submitCheck(input: $i) { id } }', {
      i: { kind: 'mx', mx: { domain: 'aliased.test' } },
    });
    const { events, error } = await subscribe(ws(TENANT_A_KEY), sub.body.data.submitCheck.id);
    expect(error).toBeUndefined();
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events[events.length - 1]!.status).toBe('completed');
    expect(events[events.length - 1]!.verdict).toBe('warn');
  });

  it("checkUpdated for another tenant's check fails like an unknown id", async () => {
    const sub = await gql(TENANT_A_KEY, 'mutation ($i: SubmitCheckInput!) { submitCheck(input: $i) { id } }', {
      i: { kind: 'mx', mx: { domain: 'good.test' } },
    });
    const theirs = await subscribe(ws(TENANT_B_KEY), sub.body.data.submitCheck.id);
    const unknown = await subscribe(ws(TENANT_B_KEY), '01890000-0000-7000-8000-000000000000');
    expect(theirs.events).toEqual([]);
    const code = (e: unknown) => (e as { extensions?: { code?: string } }[])[0]?.extensions?.code;
    expect(code(theirs.error)).toBe('NOT_FOUND');
    expect(code(unknown.error)).toBe('NOT_FOUND');
  });

  it('submitBatch and batch(id)', async () => {
    const r = await gql(TENANT_A_KEY, 'mutation ($i: SubmitBatchInput!) { submitBatch(input: $i) { id total } }', {
      i: {
        checks: [
          { kind: 'mx', mx: { domain: 'good.test' } },
          { kind: 'mx', mx: { domain: 'nullmx.test' } },
        ],
      },
    });
    expect(r.body.errors).toBeUndefined();
    const id = r.body.data.submitBatch.id;
    const b = await until(async () => {
      const x = await gql(TENANT_A_KEY, 'query ($id: ID!) { batch(id: $id) { id status total completed failed } }', {
        id,
      });
      return x.body.data.batch.status === 'completed' ? x.body.data.batch : undefined;
    });
    expect(b).toMatchObject({ total: 2, completed: 2, failed: 0 });
    const theirs = await gql(TENANT_B_KEY, 'query ($id: ID!) { batch(id: $id) { id } }', { id });
    expect(theirs.body.errors[0].extensions.code).toBe('NOT_FOUND');
  });
});
