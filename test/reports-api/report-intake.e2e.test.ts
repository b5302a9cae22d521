/**
 * Report intake end to end on the real service (real Redis/BullMQ, SQLite, loopback DNS fixture):
 * uploads over REST (XML, gzip, a whole message; hostile ones refused with problem+json), reports
 * received by real SMTP (smtp-server, STARTTLS with a generated certificate, sent with nodemailer),
 * duplicates stored once, tenants isolated, and the join with the checks: an unlisted sending IP and
 * an unknown DKIM selector give both findings, and the next dns audit checks that selector.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import nodemailer from 'nodemailer';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestApp, TENANT_A_KEY, TENANT_B_KEY, type TestApp } from '../support/app';
import { createTestCa, type TestCa } from '../support/certs';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { freePort } from '../support/free-port';

const FIX = join(__dirname, '../fixtures/dmarc-reports');
const read = (p: string) => readFileSync(join(FIX, p));
const NICE = read('parsedmarc/extract_report/nice-input.xml');

/** An aggregate report for joined.test: 62 messages from the listed IP (s1), 38 from an unlisted one (mkt2026). */
function joinedReport(id: string): string {
  const row = (ip: string, n: number, spf: string, sel: string) =>
    `<record><row><source_ip>${ip}</source_ip><count>${n}</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>${spf}</spf></policy_evaluated></row><identifiers><header_from>joined.test</header_from><envelope_from>joined.test</envelope_from></identifiers><auth_results><dkim><domain>joined.test</domain><selector>${sel}</selector><result>pass</result></dkim><spf><domain>joined.test</domain><result>${spf}</result></spf></auth_results></record>`;
  return `<?xml version="1.0"?><feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0"><version>1.0</version><report_metadata><org_name>receiver.example</org_name><email>r@receiver.example</email><report_id>${id}</report_id><date_range><begin>${Math.floor(Date.now() / 1000) - 86400}</begin><end>${Math.floor(Date.now() / 1000)}</end></date_range></report_metadata><policy_published><domain>joined.test</domain><p>none</p><sp>none</sp><np>none</np><testing>n</testing><discovery_method>treewalk</discovery_method></policy_published>${row('192.0.2.10', 62, 'pass', 's1')}${row('203.0.113.5', 38, 'fail', 'mkt2026')}</feedback>`;
}

const TLS_REPORT = JSON.stringify({
  'organization-name': 'Receiver Inc.',
  'date-range': {
    'start-datetime': new Date(Date.now() - 86400_000).toISOString(),
    'end-datetime': new Date().toISOString(),
  },
  'contact-info': 'tls@receiver.example',
  'report-id': 'tls-joined-1',
  policies: [
    {
      policy: { 'policy-type': 'sts', 'policy-domain': 'joined.test', 'mx-host': ['mx2.joined.test'] },
      summary: { 'total-successful-session-count': 90, 'total-failure-session-count': 10 },
      'failure-details': [
        {
          'result-type': 'certificate-host-mismatch',
          'receiving-mx-hostname': 'mx2.joined.test',
          'failed-session-count': 10,
        },
      ],
    },
  ],
});

describe('report intake', () => {
  let t: TestApp;
  let dns: FixtureDnsServer;
  let ca: TestCa;
  let smtpPort: number;

  beforeAll(async () => {
    dns = await startDnsServer({
      zoneText: [
        '$ORIGIN test.',
        '@ IN SOA ns1.test. h.test. 1 3600 600 86400 60',
        'joined IN MX 10 mx1.joined.test.',
        'joined IN MX 20 mx2.joined.test.',
        'mx1.joined IN A 192.0.2.10',
        'mx2.joined IN A 192.0.2.11',
        'joined IN TXT "v=spf1 ip4:192.0.2.10 -all"',
        '_dmarc.joined IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@joined.test"',
        's1._domainkey.joined IN TXT "v=DKIM1; k=rsa; p=MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAJuVig2fqJeGQMHTAbIxReyj6ZXKxtIbjn10dOzvIYp8jpmaifpdALfBM5noaidCanwB/BC9AfALi3e9WYDlSicCAwEAAQ=="',
        '10.2.0.192.in-addr.arpa. IN PTR mx1.joined.test.',
      ].join('\n'),
    });
    ca = createTestCa();
    const leaf = ca.issue({ cn: 'reports.test', sans: ['DNS:reports.test', 'IP:127.0.0.1'] });
    smtpPort = await freePort();
    t = await startTestApp({
      DNS_SERVERS: dns.address,
      DNSBL_ZONES: '',
      DNSBL_DOMAIN_ZONES: '',
      REPORTS_SMTP_PORT: String(smtpPort),
      REPORTS_SMTP_HOST: '127.0.0.1',
      REPORTS_SMTP_DOMAIN: 'reports.test',
      REPORTS_SMTP_TLS_CERT_FILE: leaf.certPath,
      REPORTS_SMTP_TLS_KEY_FILE: leaf.keyPath,
      REPORTS_MAX_BYTES: String(2 * 1024 * 1024),
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await dns?.stop();
    ca?.cleanup();
  });

  const upload = (key: string, body: Buffer | string, type: string) =>
    request(t.url).post('/v1/reports?wait=20').set(auth(key)).set('content-type', type).send(body);

  it('stores an uploaded report once, whatever its wrapping, and only for its tenant', async () => {
    const first = await upload(TENANT_A_KEY, NICE, 'application/xml');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ status: 'stored', source: 'upload', code: null });
    const [reportId] = first.body.reportIds as string[];
    const again = await upload(TENANT_A_KEY, gzipSync(NICE), 'application/gzip');
    expect(again.body).toMatchObject({ status: 'stored', code: 'duplicate', reportIds: [reportId] });
    const list = await request(t.url).get('/v1/reports?domain=example.com').set(auth(TENANT_A_KEY));
    expect(list.body.map((r: { id: string }) => r.id)).toEqual([reportId]);
    const one = await request(t.url).get(`/v1/reports/${reportId}`).set(auth(TENANT_A_KEY));
    expect(one.body.report.rows).toHaveLength(20);

    // Tenant B: the same report is its own (stored again, for B), and A's id is not found.
    expect((await request(t.url).get(`/v1/reports/${reportId}`).set(auth(TENANT_B_KEY))).status).toBe(404);
    expect((await request(t.url).get('/v1/reports').set(auth(TENANT_B_KEY))).body).toEqual([]);
    const b = await upload(TENANT_B_KEY, NICE, 'application/xml');
    expect(b.body.code).toBeNull();
    expect(b.body.reportIds[0]).not.toBe(reportId);
    const gql = await request(t.url)
      .post('/graphql')
      .set(auth(TENANT_B_KEY))
      .send({ query: `{ receivedReports { id } a: receivedReport(id: "${reportId}") { id } }` });
    expect(gql.body.errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('refuses hostile uploads with problem+json and a reason', async () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><feedback>&b;</feedback>`;
    const r = await upload(TENANT_A_KEY, lol, 'application/xml');
    expect(r.status).toBe(422);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.body).toMatchObject({ code: 'REPORT_REJECTED', reason: 'xml_dtd_forbidden' });
    const bomb = await upload(TENANT_A_KEY, gzipSync(Buffer.alloc(64 * 1024 * 1024)), 'application/gzip');
    expect(bomb.status).toBe(422);
    expect(['decompressed_too_large', 'compression_ratio']).toContain(bomb.body.reason);
    const big = await upload(TENANT_A_KEY, Buffer.alloc(3 * 1024 * 1024, 'a'), 'application/octet-stream');
    expect(big.status).toBe(413);
    expect(big.headers['content-type']).toContain('application/problem+json');
    const badWait = await request(t.url).post('/v1/reports?wait=x').set(auth(TENANT_A_KEY)).send('x');
    expect(badWait.status).toBe(400);
  });

  it('receives reports by SMTP with STARTTLS at the tenant address, and refuses other recipients', async () => {
    const addr = (await request(t.url).get('/v1/reports/address').set(auth(TENANT_A_KEY))).body;
    expect(addr).toMatchObject({ smtpEnabled: true });
    expect(addr.address).toMatch(/^dmarc\+[0-9a-f]{20}@reports\.test$/);
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: smtpPort,
      secure: false,
      requireTLS: true,
      tls: { ca: ca.caPem, servername: 'reports.test' },
    });
    const raw = read('stalwart/tlsrpt/rpt01.eml');
    const sent = await transport.sendMail({ envelope: { from: 'tls@sender.example', to: [addr.address] }, raw });
    expect(sent.accepted).toEqual([addr.address]);
    const id = /Queued as (\S+)/.exec(sent.response)![1]!;
    const done = await request(t.url).get(`/v1/reports/submissions/${id}`).set(auth(TENANT_A_KEY));
    expect(done.body).toMatchObject({ source: 'smtp' });
    expect(['queued', 'stored']).toContain(done.body.status);
    await expect(
      transport.sendMail({ envelope: { from: 'x@sender.example', to: ['dmarc+0000000000@reports.test'] }, raw }),
    ).rejects.toMatchObject({ responseCode: 550 });
    await expect(
      transport.sendMail({
        envelope: { from: 'x@sender.example', to: [addr.address] },
        raw: Buffer.concat([raw, Buffer.alloc(3 * 1024 * 1024, 'a')]),
      }),
    ).rejects.toMatchObject({ responseCode: 552 });
    transport.close();
    // The TLS report, parsed by the worker, belongs to tenant A only.
    const got = await waitFor(async () => {
      const l = await request(t.url).get('/v1/reports?kind=tlsrpt').set(auth(TENANT_A_KEY));
      return l.body.length ? l.body : undefined;
    });
    expect(got[0]).toMatchObject({ kind: 'tlsrpt', domain: 'company-y.example', orgName: 'Company-X' });
    expect((await request(t.url).get('/v1/reports?kind=tlsrpt').set(auth(TENANT_B_KEY))).body).toEqual([]);
  });

  it('joins reports to the checks: unlisted source, unknown selector (then swept), TLS failures, next policy step', async () => {
    const audit1 = await request(t.url)
      .post('/v1/checks?wait=30')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'dns', domain: 'joined.test' });
    expect(audit1.status).toBe(200);
    const tried1 = audit1.body.result.sections.dkim.selectors.map((s: { selector: string }) => s.selector);
    expect(tried1).not.toContain('mkt2026');

    expect((await upload(TENANT_A_KEY, joinedReport('joined-1'), 'application/xml')).body.status).toBe('stored');
    expect((await upload(TENANT_A_KEY, TLS_REPORT, 'application/json')).body.status).toBe('stored');
    const s = await request(t.url).get('/v1/domains/joined.test/sources').set(auth(TENANT_A_KEY));
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ domain: 'joined.test', messages: 100, dmarcPassRate: 1, spfAlignedRate: 0.62 });
    expect(s.body.sources.map((x: { ip: string; share: number }) => [x.ip, x.share])).toEqual([
      ['192.0.2.10', 0.62],
      ['203.0.113.5', 0.38],
    ]);
    expect(s.body.sources[0].ptr).toBe('mx1.joined.test');
    const codes = s.body.findings.map((f: { code: string }) => f.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'DMARC_REPORT_SOURCE_NOT_IN_SPF',
        'DMARC_REPORT_SELECTOR_NOT_SWEPT',
        'TLSRPT_REPORTED_FAILURES',
        'DMARC_POLICY_NEXT_STEP',
      ]),
    );
    const spf = s.body.findings.find((f: { code: string }) => f.code === 'DMARC_REPORT_SOURCE_NOT_IN_SPF');
    expect(spf.detail).toContain('203.0.113.5 sends 38%');
    expect(spf.detail).toContain('fail');
    const sel = s.body.findings.find((f: { code: string }) => f.code === 'DMARC_REPORT_SELECTOR_NOT_SWEPT');
    expect(sel.detail).toContain('mkt2026');
    const tls = s.body.findings.find((f: { code: string }) => f.code === 'TLSRPT_REPORTED_FAILURES');
    expect(tls.detail).toContain('mx2.joined.test: certificate-host-mismatch');
    const step = s.body.findings.find((f: { code: string }) => f.code === 'DMARC_POLICY_NEXT_STEP');
    expect(step.detail).toContain('move from p=none to p=quarantine');

    // The next dns audit of the domain checks the reported selector.
    const audit2 = await request(t.url)
      .post('/v1/checks?wait=30')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'dns', domain: 'joined.test' });
    const tried2 = audit2.body.result.sections.dkim.selectors.map((x: { selector: string }) => x.selector);
    expect(tried2).toContain('mkt2026');
    const again = await request(t.url).get('/v1/domains/joined.test/sources').set(auth(TENANT_A_KEY));
    expect(again.body.findings.map((f: { code: string }) => f.code)).not.toContain('DMARC_REPORT_SELECTOR_NOT_SWEPT');

    // Tenant B sees none of it, over REST and GraphQL.
    const b = await request(t.url).get('/v1/domains/joined.test/sources').set(auth(TENANT_B_KEY));
    expect(b.body).toMatchObject({ messages: 0, sources: [] });
    const gql = await request(t.url)
      .post('/graphql')
      .set(auth(TENANT_B_KEY))
      .send({ query: '{ domainSources(domain: "joined.test") { messages sources { ip } findings { code } } }' });
    expect(gql.body.data.domainSources).toEqual({ messages: 0, sources: [], findings: [] });
  }, 120_000);
});

async function waitFor<T>(fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
