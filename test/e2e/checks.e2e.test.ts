import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FINDING_CATALOG } from '../../src/findings/catalog';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { auth, startTestApp, TENANT_A_KEY, TENANT_B_KEY, until, type TestApp } from '../support/app';

const ZONE = readFileSync(join(__dirname, '../fixtures/mx/mx.zone'), 'utf8');

describe('checks over REST: submit -> worker -> stored -> fetched', () => {
  let dns: FixtureDnsServer;
  let t: TestApp;

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    dns.fault('broken.test', 'servfail');
    t = await startTestApp({ DNS_SERVERS: dns.address });
  });
  afterAll(async () => {
    await t?.close();
    await dns?.stop();
  });

  it("accepts a check with 202 and Location, then stores the worker's result", async () => {
    const res = await request(t.url)
      .post('/v1/checks')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'mx', domain: 'good.test' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'mx', status: 'queued' });
    expect(res.headers.location).toBe(`/v1/checks/${res.body.id}`);
    const done = await until(async () => {
      const r = await request(t.url).get(`/v1/checks/${res.body.id}`).set(auth(TENANT_A_KEY));
      return r.body.status === 'completed' ? r.body : undefined;
    });
    expect(done.verdict).toBe('pass');
    expect(done.result.hosts.map((h: { exchange: string }) => h.exchange)).toEqual(['mx1.good.test', 'mx2.good.test']);
    expect(done.input).toEqual({ domain: 'good.test' });
    expect(typeof done.durationMs).toBe('number');
    expect(done.startedAt <= done.completedAt).toBe(true);
  });

  it('?wait returns 200 with the finished check', async () => {
    const res = await request(t.url)
      .post('/v1/checks?wait=20')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'mx', domain: 'nullmx.test' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('completed');
    expect(res.body.findings.map((f: { code: string }) => f.code)).toEqual(['MX_NULL']);
  });

  it.each([
    ['implicit.test', ['MX_IMPLICIT'], 'warn', undefined],
    ['nomail.test', ['MX_MISSING'], 'fail', 'MX_MISSING'],
    // Its only MX has no address: mail cannot be delivered, the cause folds the rest (issue 13).
    ['dangling.test', ['MX_ALL_UNREACHABLE'], 'fail', 'MX_ALL_UNREACHABLE'],
    ['aliased.test', ['MX_TARGET_CNAME', 'MX_SINGLE_HOST'], 'warn', undefined],
    ['literal.test', ['MX_TARGET_IP_LITERAL', 'MX_SINGLE_HOST'], 'fail', undefined],
    ['absent.test', ['DOMAIN_NOT_FOUND'], 'fail', 'DOMAIN_NOT_FOUND'],
  ])('%s gives %j', async (domain, codes, verdict, rootCause) => {
    const res = await request(t.url).post('/v1/checks?wait=20').set(auth(TENANT_A_KEY)).send({ kind: 'mx', domain });
    expect(res.status).toBe(200);
    expect(res.body.findings.map((f: { code: string }) => f.code).sort()).toEqual([...codes].sort());
    expect(res.body.verdict).toBe(verdict);
    // The check names its root cause (the finding listed first) when one decided the verdict.
    expect(res.body.rootCause).toBe(rootCause);
    if (rootCause) expect(res.body.findings[0].code).toBe(rootCause);
    const gql = await request(t.url)
      .post('/graphql')
      .set(auth(TENANT_A_KEY))
      .send({
        query: 'query($id: ID!) { check(id: $id) { rootCause findings { code } } }',
        variables: { id: res.body.id },
      });
    expect(gql.body.errors).toBeUndefined();
    expect(gql.body.data.check.rootCause).toBe(rootCause ?? null);
  });

  it('SERVFAIL for the MX, SOA and NS is every name server failing: F after retries, never "missing"', async () => {
    const res = await request(t.url)
      .post('/v1/checks?wait=30')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'mx', domain: 'broken.test' });
    expect(res.status).toBe(200);
    expect(res.body.verdict).toBe('fail');
    expect(res.body.score).toBeLessThanOrEqual(59);
    expect(res.body.findings.map((f: { code: string }) => f.code)).toEqual(['DOMAIN_DNS_FAILING']);
    expect(res.body.rootCause).toBe('DOMAIN_DNS_FAILING');
    expect(res.body.findings[0].area).toBe('mail_routing');
  });

  it('a SERVFAIL for the MX alone is indeterminate, never "missing"', async () => {
    dns.fault('servfail-mx.test', 'servfail', 'MX');
    const res = await request(t.url)
      .post('/v1/checks?wait=30')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'mx', domain: 'servfail-mx.test' });
    expect(res.status).toBe(200);
    expect(res.body.verdict).toBe('indeterminate');
    expect(res.body.findings.map((f: { code: string }) => f.code)).toEqual(['MX_LOOKUP_FAILED']);
    expect(res.body.rootCause).toBeUndefined();
  });

  it('normalises IDN domains to punycode', async () => {
    const res = await request(t.url)
      .post('/v1/checks')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'mx', domain: 'Bücher.TEST.' });
    expect(res.status).toBe(202);
    const c = await request(t.url).get(`/v1/checks/${res.body.id}`).set(auth(TENANT_A_KEY));
    expect(c.body.input.domain).toBe('xn--bcher-kva.test');
    expect(c.body.target).toBe('xn--bcher-kva.test');
  });

  it('lists newest first with a cursor, filtered by kind and target', async () => {
    const ids: string[] = [];
    for (const d of ['a1.test', 'a2.test', 'a3.test']) {
      ids.push(
        (await request(t.url).post('/v1/checks').set(auth(TENANT_A_KEY)).send({ kind: 'mx', domain: d })).body.id,
      );
    }
    const p1 = await request(t.url).get('/v1/checks?limit=2&kind=mx').set(auth(TENANT_A_KEY));
    expect(p1.status).toBe(200);
    expect(p1.body.items.map((c: { id: string }) => c.id)).toEqual([ids[2], ids[1]]);
    expect(p1.body.nextCursor).toBe(ids[1]);
    const p2 = await request(t.url)
      .get(`/v1/checks?limit=2&kind=mx&cursor=${p1.body.nextCursor}`)
      .set(auth(TENANT_A_KEY));
    expect(p2.body.items[0].id).toBe(ids[0]);
    const byTarget = await request(t.url).get('/v1/checks?target=a2.test').set(auth(TENANT_A_KEY));
    expect(byTarget.body.items.map((c: { id: string }) => c.id)).toEqual([ids[1]]);
  });

  it("tenant isolation: another tenant's check is 404 exactly like a missing one, and never listed", async () => {
    const mine = await request(t.url)
      .post('/v1/checks')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'mx', domain: 'secret-of-a.test' });
    const other = await request(t.url).get(`/v1/checks/${mine.body.id}`).set(auth(TENANT_B_KEY));
    const missing = await request(t.url).get('/v1/checks/01890000-0000-7000-8000-000000000000').set(auth(TENANT_B_KEY));
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(other.headers['content-type']).toContain('application/problem+json');
    expect({ ...other.body, detail: '', instance: '' }).toEqual({ ...missing.body, detail: '', instance: '' });
    const list = await request(t.url).get('/v1/checks?limit=500').set(auth(TENANT_B_KEY));
    expect(list.body.items.find((c: { id: string }) => c.id === mine.body.id)).toBeUndefined();
    const byTarget = await request(t.url).get('/v1/checks?target=secret-of-a.test').set(auth(TENANT_B_KEY));
    expect(byTarget.body.items).toEqual([]);
  });

  it('auth failures are 401 problem+json', async () => {
    const none = await request(t.url).get('/v1/checks');
    const wrong = await request(t.url).get('/v1/checks').set(auth('not-a-key-at-all'));
    const malformed = await request(t.url).get('/v1/checks').set('Authorization', 'Basic Zm9vOmJhcg==');
    for (const r of [none, wrong, malformed]) {
      expect(r.status).toBe(401);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      expect(typeof r.body.type).toBe('string');
      expect(typeof r.body.title).toBe('string');
      expect(typeof r.body.detail).toBe('string');
    }
  });

  it('bad input is 400 with the field named, never 500', async () => {
    const cases: [unknown, string, string][] = [
      [{ kind: 'mx', domain: 'not a domain' }, 'domain', 'VALIDATION_FAILED'],
      [{ kind: 'mx', domain: '1.2.3.4' }, 'domain', 'VALIDATION_FAILED'],
      [{ kind: 'mx', domain: 'a'.repeat(64) + '.test' }, 'domain', 'VALIDATION_FAILED'],
      [{ kind: 'mx', domain: 42 }, 'domain', 'VALIDATION_FAILED'],
      [{ kind: 'mx' }, 'domain', 'VALIDATION_FAILED'],
      [{ kind: 'mx', domain: 'good.test', extra: 1 }, 'extra', 'VALIDATION_FAILED'],
      [{ kind: 'teleport', domain: 'good.test' }, 'kind', 'UNKNOWN_KIND'],
      [{ domain: 'good.test' }, 'kind', 'VALIDATION_FAILED'],
      [[1, 2, 3], '(body)', 'VALIDATION_FAILED'],
    ];
    for (const [body, field, code] of cases) {
      const r = await request(t.url)
        .post('/v1/checks')
        .set(auth(TENANT_A_KEY))
        .send(body as object);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.code).toBe(code);
      expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('malformed JSON is 400 and an oversized body 413, both problem+json', async () => {
    const bad = await request(t.url)
      .post('/v1/checks')
      .set(auth(TENANT_A_KEY))
      .set('Content-Type', 'application/json')
      .send('{"kind": "mx", domain');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('MALFORMED_JSON');
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const big = await request(t.url)
      .post('/v1/checks')
      .set(auth(TENANT_A_KEY))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ kind: 'mx', domain: 'x'.repeat(11 * 1024 * 1024) }));
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('unknown ids and routes are 404 problem+json', async () => {
    const r1 = await request(t.url).get('/v1/checks/../../etc/passwd').set(auth(TENANT_A_KEY));
    const r2 = await request(t.url).get('/v1/checks/not-a-uuid').set(auth(TENANT_A_KEY));
    const r3 = await request(t.url).get('/v1/nope').set(auth(TENANT_A_KEY));
    for (const r of [r1, r2, r3]) {
      expect(r.status).toBe(404);
      expect(r.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('serves the finding catalog, health, readiness, metrics and docs', async () => {
    const cat = await request(t.url).get('/v1/findings');
    expect(cat.status).toBe(200);
    expect(cat.body.map((f: { code: string }) => f.code)).toEqual(
      expect.arrayContaining(['MX_MISSING', 'MX_NULL', 'MX_TARGET_UNRESOLVABLE']),
    );
    for (const f of cat.body) expect(f.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
    // Issue 13: each code once, served as its one catalog definition (the probe's, the reports'
    // and the DNS kinds' codes used to be listed with whichever text was met first).
    const codes: string[] = cat.body.map((f: { code: string }) => f.code);
    expect(codes.length).toBeGreaterThan(50);
    expect(new Set(codes).size).toBe(codes.length);
    for (const f of cat.body as { code: string; title: string; severity: string; area: string | null }[]) {
      const def = FINDING_CATALOG.get(f.code);
      expect(def, f.code).toBeDefined();
      expect({ title: f.title, severity: f.severity, area: f.area }, f.code).toEqual({
        title: def!.title,
        severity: def!.severity,
        area: def!.area,
      });
    }
    expect(cat.body.find((f: { code: string }) => f.code === 'SPF_MISSING').area).toBe('sender_authentication');
    expect((await request(t.url).get('/healthz')).status).toBe(200);
    const ready = await request(t.url).get('/readyz');
    expect(ready.body).toEqual({ status: 'ok', redis: 'ok', database: 'ok' });
    const metrics = await request(t.url).get('/metrics');
    expect(metrics.text).toContain('smtp_doctor_http_requests_total');
    expect(metrics.text).toMatch(/smtp_doctor_checks_total\{kind="mx",outcome="pass"\} \d+/);
    expect(metrics.text).toContain('smtp_doctor_queue_jobs');
    expect((await request(t.url).get('/openapi.json')).body.paths['/v1/checks']).toBeDefined();
    expect((await request(t.url).get('/docs/')).status).toBe(200);
  });
});
