import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { auth, startTestApp, until, type TestApp } from '../support/app';

const ZONE = readFileSync(join(__dirname, '../fixtures/mx/mx.zone'), 'utf8');
const TENANTS = ['t1', 't2', 't3', 't4'].map((t) => ({ tenant: t, key: `key-${t}-0123456789abcdef` }));
const DOMAINS = ['good.test', 'nullmx.test', 'implicit.test', 'aliased.test'];
const RPM = 230; // each tenant sends 250: some are refused per minute...
const CONCURRENT = 200; // ...and some because the key has too many unfinished checks

describe('1,000 concurrent submits from four tenants', () => {
  let dns: FixtureDnsServer;
  let t: TestApp;
  const results: { tenant: string; status: number; id?: string; retryAfter?: string; type?: string; code?: string }[] =
    [];

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    t = await startTestApp({
      DNS_SERVERS: dns.address,
      API_KEYS: TENANTS.map((x) => `${x.tenant}:${x.key}`).join(','),
      WORKER_CONCURRENCY: '50',
      RATE_LIMIT_RPM: String(RPM),
      RATE_LIMIT_CONCURRENT_CHECKS: String(CONCURRENT),
    });
  });
  afterAll(async () => {
    await t?.close();
    await dns?.stop();
  });

  it('each is accepted (202) or cleanly refused (429 problem+json with Retry-After); none is lost or seen by another tenant', async () => {
    // All 1,000 issued at once, over 500 connections: below Node's listen backlog (511), beyond
    // which a kernel whose accept queue overflows while the event loop is busy may reset connections
    // before the server ever sees them (a load balancer's job in production, not the service's).
    const agent = new Agent({ connections: 500 });
    await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        const { tenant, key } = TENANTS[i % TENANTS.length]!;
        const res = await fetch(`${t.url}/v1/checks`, {
          method: 'POST',
          headers: { ...auth(key), 'content-type': 'application/json' },
          body: JSON.stringify({ kind: 'mx', domain: DOMAINS[i % DOMAINS.length] }),
          dispatcher: agent,
        });
        const body = (await res.json()) as { id?: string; code?: string };
        results.push({
          tenant,
          status: res.status,
          id: body.id,
          code: body.code,
          retryAfter: res.headers.get('retry-after') ?? undefined,
          type: res.headers.get('content-type') ?? undefined,
        });
      }),
    );
    await agent.close();

    expect(results).toHaveLength(1000);
    const statuses = new Set(results.map((r) => r.status));
    expect([...statuses].every((s) => s === 202 || s === 429)).toBe(true);
    const refused = results.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(4 * (250 - RPM));
    for (const r of refused) {
      expect(r.type).toContain('application/problem+json');
      expect(r.code).toBe('RATE_LIMITED');
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
    }

    // None lost: every accepted check is stored for its tenant and completes; nothing else exists.
    const accepted = results.filter((r) => r.status === 202);
    expect(accepted.length).toBeGreaterThan(0);
    const byTenant = new Map(
      TENANTS.map((x) => [x.tenant, accepted.filter((r) => r.tenant === x.tenant).map((r) => r.id!)]),
    );
    await until(
      async () => {
        const all = await Promise.all(
          TENANTS.map((x) => t.platform.checksRepo.list({ tenantId: x.tenant, status: 'completed', limit: 1000 })),
        );
        return all.every((rows, i) => rows.length === byTenant.get(TENANTS[i]!.tenant)!.length);
      },
      90_000,
      500,
    );
    // The keys spent their minute on the submits: start a fresh window for the reads below.
    const rpmKeys = await t.platform.redis.producer.keys(`${t.config.queuePrefix}:rl:rpm:*`);
    await t.platform.redis.producer.del(...rpmKeys);
    for (const { tenant, key } of TENANTS) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await request(t.url)
          .get(`/v1/checks?limit=500${cursor ? `&cursor=${cursor}` : ''}`)
          .set(auth(key));
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((c: { id: string }) => c.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen.sort()).toEqual([...byTenant.get(tenant)!].sort());
    }
    // Another tenant's id answers 404, exactly like an unknown id.
    for (let i = 0; i < TENANTS.length; i++) {
      const other = TENANTS[(i + 1) % TENANTS.length]!;
      const foreign = byTenant.get(other.tenant)![0]!;
      const res = await request(t.url).get(`/v1/checks/${foreign}`).set(auth(TENANTS[i]!.key));
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
  });

  it('/metrics has the families issue 7 lists, after that traffic', async () => {
    const text = (await request(t.url).get('/metrics')).text;
    const has = (re: RegExp) => expect(text).toMatch(re);
    // Requests and latency by route.
    has(/^smtp_doctor_http_requests_total\{method="POST",route="\/v1\/checks",status="202"\} \d+/m);
    has(/^smtp_doctor_http_requests_total\{method="POST",route="[^"]*",status="429"\} \d+/m);
    has(/^smtp_doctor_http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/v1\/checks"\} \d+/m);
    // Queue depth per queue and state.
    has(/^smtp_doctor_queue_jobs\{queue="dns",state="waiting"\} \d+/m);
    has(/^smtp_doctor_queue_jobs\{queue="probe",state="active"\} \d+/m);
    // Job durations and counts by kind and outcome.
    has(/^smtp_doctor_check_duration_seconds_count\{kind="mx",outcome="pass"\} [1-9]\d*/m);
    has(/^smtp_doctor_check_duration_seconds_count\{kind="mx",outcome="warn"\} [1-9]\d*/m);
    has(/^smtp_doctor_checks_total\{kind="mx",outcome="pass"\} [1-9]\d*/m);
    // Findings (probe outcomes) by code.
    has(/^smtp_doctor_findings_total\{kind="mx",code="MX_NULL"\} [1-9]\d*/m);
    has(/^smtp_doctor_findings_total\{kind="mx",code="MX_IMPLICIT"\} [1-9]\d*/m);
    // DNS queries sent upstream and cache hits.
    has(/^smtp_doctor_dns_total\{event="queries"\} [1-9]\d*/m);
    has(/^smtp_doctor_dns_total\{event="cacheHits"\} [1-9]\d*/m);
    // Rate limiting.
    has(/^smtp_doctor_rate_limited_total\{reason="rpm"\} [1-9]\d*/m);
  });
});
