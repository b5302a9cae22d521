import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { auth, startTestApp, TENANT_A_KEY, TENANT_B_KEY, until, type TestApp } from '../support/app';
import { verifySignature } from '../../src/reports/webhooks/webhook.signer';
import { getKind } from '../support/kinds';
import { HistoryRepository } from '../../src/infra/database/history.repository';
import { startSmtp } from '../support/smtp-servers';
import { startReceiver } from './helpers';

/**
 * Kind health end to end with the kinds registered today (mx at least; dns and smtp when the
 * registry has them): flow children -> parent report -> latest report, history, exports, webhooks.
 */
const ZONE = `
$ORIGIN test.
$TTL 60
@            IN SOA ns1.test. hostmaster.test. 1 3600 600 86400 60
single       IN MX 10 mx1.single.test.
mx1.single   IN A 127.0.0.1
legacy       IN MX 10 mx1.single.test.
`;

const gql = (t: TestApp, key: string, query: string, variables: Record<string, unknown> = {}) =>
  request(t.url).post('/graphql').set(auth(key)).send({ query, variables });

async function runHealth(t: TestApp, domain: string, key = TENANT_A_KEY) {
  const res = await request(t.url).post('/v1/checks?wait=30').set(auth(key)).send({ kind: 'health', domain });
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('completed');
  return res.body;
}

export function describeHealth(dialect: 'sqlite' | 'postgres') {
  describe(`kind health, domain report and history (${dialect})`, () => {
    let dns: FixtureDnsServer;
    let t: TestApp;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    // The MX answer here when kind smtp is registered (HEALTH_SMTP_PORT instead of 25).
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    const SECRET = 'whsec_health_0123456789abcdef';

    beforeAll(async () => {
      dns = await startDnsServer({ zoneText: ZONE });
      receiver = await startReceiver();
      smtp = await startSmtp({ banner: 'mx1.single.test ESMTP' });
      t = await startTestApp(
        {
          DNS_SERVERS: dns.address,
          DNS_CACHE_MAX_ENTRIES: '0',
          DNSBL_ZONES: '',
          DNSBL_DOMAIN_ZONES: '',
          HEALTH_FINALIZE_GRACE_MS: '3000',
          HEALTH_SMTP_PORT: String(smtp.port),
          PROBE_ALLOWED_PORTS: `25,${smtp.port}`,
          PROBE_MIN_INTERVAL_MS: '0',
          PROBE_CACHE_TTL_MS: '0',
          PROBE_MAX_PER_IP: '4',
          WEBHOOK_BACKOFF_MS: '50',
        },
        { dialect },
      );
    });
    afterAll(async () => {
      await t?.close();
      await receiver?.close();
      await smtp?.close();
      await dns?.stop();
    });

    it('runs its children as ordinary checks of the tenant and grades the domain', async () => {
      await request(t.url)
        .post('/v1/webhooks')
        .set(auth(TENANT_A_KEY))
        .send({ url: receiver.url, events: ['health.changed'], secret: SECRET })
        .expect(201);
      const c = await runHealth(t, 'single.test');
      const r = c.result;
      expect(r.formula).toBe('health-v2');
      expect(r.domain).toBe('single.test');
      expect(r.checkId).toBe(c.id);
      expect(['A', 'B', 'C', 'D', 'F']).toContain(r.grade);
      expect(c.score).toBe(r.score);
      expect(r.areas.map((a: { area: string }) => a.area)).toEqual([
        'mail_routing',
        'sender_authentication',
        'transport_security',
        'reputation',
        'server_behaviour',
      ]);
      const routing = r.areas.find((a: { area: string }) => a.area === 'mail_routing');
      // MX_SINGLE_HOST is informational: it is listed but costs nothing.
      expect(routing).toMatchObject({ status: 'pass', score: 100 });
      expect(routing.findingCount).toBeGreaterThanOrEqual(1);
      expect(r.findings.map((f: { code: string }) => f.code)).toContain('MX_SINGLE_HOST');
      for (const f of r.findings) expect(typeof f.remediation).toBe('string');
      const impacts = r.findings.map((f: { impact: number }) => f.impact);
      expect(impacts).toEqual([...impacts].sort((a, b) => b - a));
      // The children: the DNS audit (dns, or mx when dns is not registered) plus smtp per MX when registered.
      const kinds = r.checks.map((x: { kind: string }) => x.kind);
      expect(kinds[0]).toBe(getKind('dns') ? 'dns' : 'mx');
      expect(kinds.filter((k: string) => k === 'smtp')).toHaveLength(getKind('smtp') ? 1 : 0);
      for (const child of r.checks) {
        const got = await request(t.url).get(`/v1/checks/${child.id}`).set(auth(TENANT_A_KEY));
        expect(got.body.status).toBe('completed');
        expect((await request(t.url).get(`/v1/checks/${child.id}`).set(auth(TENANT_B_KEY))).status).toBe(404);
      }
      if (!getKind('smtp'))
        expect(r.areas.find((a: { area: string }) => a.area === 'server_behaviour').status).toBe('unknown');
    });

    it('GET /v1/domains/:domain/report and /history show whether a fix worked', async () => {
      dns.load('$ORIGIN test.\nsingle IN MX 20 mx2.single.test.\nmx2.single IN A 127.0.0.1\n');
      const second = await runHealth(t, 'single.test');
      expect(second.result.findings.map((f: { code: string }) => f.code)).not.toContain('MX_SINGLE_HOST');

      const latest = await request(t.url).get('/v1/domains/SINGLE.test./report').set(auth(TENANT_A_KEY));
      expect(latest.status).toBe(200);
      expect(latest.body.checkId).toBe(second.id);
      expect(latest.body.grade).toBe(second.result.grade);

      const h = await request(t.url).get('/v1/domains/single.test/history').set(auth(TENANT_A_KEY));
      expect(h.status).toBe(200);
      expect(h.body.domain).toBe('single.test');
      expect(h.body.points).toHaveLength(2);
      const [p1, p2] = h.body.points;
      expect(p1.appeared).toContain('MX_SINGLE_HOST');
      expect(p2.checkId).toBe(second.id);
      expect(p2.disappeared).toContain('MX_SINGLE_HOST');
      expect([p1.formulaChanged, p2.formulaChanged]).toEqual([false, false]);
      expect(p2.score).toBeGreaterThanOrEqual(p1.score);
      const one = await request(t.url).get('/v1/domains/single.test/history?limit=1').set(auth(TENANT_A_KEY));
      expect(one.body.points).toHaveLength(1);
      expect(one.body.points[0].disappeared).toContain('MX_SINGLE_HOST');

      // Tenant-scoped: B has no report for the domain; bad domains are 400.
      expect((await request(t.url).get('/v1/domains/single.test/report').set(auth(TENANT_B_KEY))).status).toBe(404);
      expect((await request(t.url).get('/v1/domains/single.test/history').set(auth(TENANT_B_KEY))).body.points).toEqual(
        [],
      );
      expect((await request(t.url).get('/v1/domains/not_a..domain/report').set(auth(TENANT_A_KEY))).status).toBe(400);
      expect((await request(t.url).get('/v1/domains/single.test/report')).status).toBe(401);
    });

    it('fires health.changed on the first run and on a change, not on an unchanged rerun', async () => {
      const before = await until(async () => (receiver.received.length >= 2 ? receiver.received.slice() : undefined));
      const events = before.map((x) => JSON.parse(x.body));
      for (const x of before)
        expect(verifySignature(SECRET, String(x.headers['smtp-doctor-signature']), x.body)).toBe(true);
      expect(events.map((e) => e.type)).toEqual(['health.changed', 'health.changed']);
      expect(events[0].data.previous).toBeNull();
      expect(events[1].data.disappeared).toContain('MX_SINGLE_HOST');
      // Same formula both times: the change is the domain's.
      expect(events[1].data).toMatchObject({ formula: 'health-v2', formulaChanged: false });
      expect(events[1].data.previous.formula).toBe('health-v2');
      const third = await runHealth(t, 'single.test');
      // Wait until any webhook for the third run would have been recorded, then compare.
      const hooks = await request(t.url).get('/v1/webhooks').set(auth(TENANT_A_KEY));
      await until(async () => {
        const d = await request(t.url).get(`/v1/webhooks/${hooks.body.items[0].id}/deliveries`).set(auth(TENANT_A_KEY));
        return d.body.items.every((x: { status: string }) => x.status !== 'pending');
      });
      expect(third.result.grade).toBe(events[1].data.grade);
      expect(receiver.received.length).toBe(2);
      expect(receiver.received.map((x) => JSON.parse(x.body).data.checkId)).not.toContain(third.id);
    });

    it('GraphQL domainReport, domainHistory and submitCheck(health)', async () => {
      const r = await gql(
        t,
        TENANT_A_KEY,
        '{ domainReport(domain: "single.test") { formula grade score areas { area status score } findings { code area impact remediation } checks { kind status } } }',
      );
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.domainReport.formula).toBe('health-v2');
      expect(r.body.data.domainReport.areas).toHaveLength(5);
      const h = await gql(
        t,
        TENANT_A_KEY,
        '{ domainHistory(domain: "single.test", limit: 2) { domain points { checkId score grade appeared disappeared } } }',
      );
      expect(h.body.data.domainHistory.points).toHaveLength(2);
      const other = await gql(t, TENANT_B_KEY, '{ domainReport(domain: "single.test") { grade } }');
      expect(other.body.errors[0].extensions.code).toBe('NOT_FOUND');
      const s = await gql(
        t,
        TENANT_A_KEY,
        'mutation { submitCheck(input: { kind: "health", health: { domain: "single.test" } }) { id kind status } }',
      );
      expect(s.body.data.submitCheck).toMatchObject({ kind: 'health', status: 'queued' });
      await until(
        async () =>
          (await request(t.url).get(`/v1/checks/${s.body.data.submitCheck.id}`).set(auth(TENANT_A_KEY))).body.status ===
          'completed',
      );
    });

    it('history across formula versions: the first point of a new formula says so', async () => {
      // A report stored by health-v1 (before root causes), then a run scored by today's formula.
      const repo = t.platform.get<HistoryRepository>(HistoryRepository);
      const first = await runHealth(t, 'single.test');
      const tenant = (await repo.find(first.id))!.tenant_id;
      await repo.insertPending(
        {
          id: '00000000-0000-4000-8000-000000000001',
          tenant_id: tenant,
          domain: 'legacy.test',
          status: 'done',
          children: '[]',
          score: 76,
          grade: 'C',
          formula: 'health-v1',
          finding_codes: JSON.stringify(['MX_SINGLE_HOST']),
          report: null,
          created_at: '2026-01-01T00:00:00.000Z',
          completed_at: '2026-01-01T00:00:01.000Z',
        },
        [],
      );
      const now = await runHealth(t, 'legacy.test');
      expect(now.result.formula).toBe('health-v2');
      const h = await request(t.url).get('/v1/domains/legacy.test/history').set(auth(TENANT_A_KEY));
      expect(
        h.body.points.map((p: { formula: string; formulaChanged: boolean }) => [p.formula, p.formulaChanged]),
      ).toEqual([
        ['health-v1', false],
        ['health-v2', true],
      ]);
      // The codes are compared as before: the same single MX is not "fixed" by the new formula.
      expect(h.body.points[1].disappeared).not.toContain('MX_SINGLE_HOST');
      const g = await gql(
        t,
        TENANT_A_KEY,
        '{ domainHistory(domain: "legacy.test") { points { formula formulaChanged } } }',
      );
      expect(g.body.data.domainHistory.points.map((p: { formulaChanged: boolean }) => p.formulaChanged)).toEqual([
        false,
        true,
      ]);
    });
  });
}
