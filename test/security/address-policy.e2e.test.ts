import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { auth, startTestApp, TENANT_A_KEY, type TestApp } from '../support/app';

/**
 * IPv4-compatible IPv6 (`::127.0.0.1`, written `::7f00:1`) through the real service: the probe and
 * webhook registration refuse it with TARGET_NOT_ALLOWED even though the harness allows
 * 127.0.0.0/8 (PROBE_ALLOWED_CIDRS), since the deprecated form is never judged as its IPv4.
 */
describe('IPv4-compatible IPv6 targets are refused end to end', () => {
  let dns: FixtureDnsServer;
  let t: TestApp;

  beforeAll(async () => {
    dns = await startDnsServer({
      zoneText: `$ORIGIN test.
$TTL 60
@ IN SOA ns1.test. hostmaster.test. 1 3600 600 86400 60
compat IN AAAA ::7f00:1
`,
    });
    t = await startTestApp({ DNS_SERVERS: dns.address, PROBE_ALLOWED_PORTS: '25,2525', PROBE_MIN_INTERVAL_MS: '0' });
  });
  afterAll(async () => {
    await t?.close();
    await dns?.stop();
  });

  it.each([
    ['the literal [::127.0.0.1]', '[::127.0.0.1]'],
    ['the literal ::7f00:1', '::7f00:1'],
    ['a name whose AAAA is ::7f00:1', 'compat.test'],
  ])('smtp probe of %s: TARGET_NOT_ALLOWED', async (_what, host) => {
    const res = await request(t.url)
      .post('/v1/checks?wait=30')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'smtp', host, ports: [2525] });
    expect(res.status).toBe(200);
    const finding = (
      res.body.findings as { code: string; evidence?: { ip?: string; range?: string }; detail: string }[]
    ).find((f) => f.code === 'TARGET_NOT_ALLOWED');
    expect(finding, JSON.stringify(res.body.findings)).toBeDefined();
    expect(finding!.evidence).toMatchObject({ range: 'ipv4Compatible' });
    expect(finding!.detail).toMatch(/IPv4-compatible/);
    expect(res.body.result.probes).toEqual([]);
  });

  it('webhook URL http://[::127.0.0.1]/: 400 TARGET_NOT_ALLOWED naming the url field', async () => {
    const res = await request(t.url)
      .post('/v1/webhooks')
      .set(auth(TENANT_A_KEY))
      .send({ url: 'http://[::127.0.0.1]/', events: ['check.completed'] });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('TARGET_NOT_ALLOWED');
    expect(res.body.errors).toEqual([{ field: 'url', message: expect.stringMatching(/IPv4-compatible/) }]);
    // The same host in its IPv4-mapped form is loopback, which this harness allows: the policy
    // judges mapped addresses as their IPv4 and only the deprecated form outright.
    const mapped = await request(t.url)
      .post('/v1/webhooks')
      .set(auth(TENANT_A_KEY))
      .send({ url: 'http://[::ffff:127.0.0.1]/', events: ['check.completed'] });
    expect(mapped.status).toBe(201);
  });
});
