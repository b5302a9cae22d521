import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { auth, startTestApp, TENANT_A_KEY, TENANT_B_KEY, type TestApp } from '../support/app';
import { dsn } from './helpers';

const ZONE = readFileSync(join(__dirname, '../fixtures/mx/mx.zone'), 'utf8');
const GMAIL_UNKNOWN =
  "550-5.1.1 The email account that you tried to reach does not exist. Please try\n550-5.1.1 double-checking the recipient's email address for typos or\n550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser 41be03b00d2f7-b0b2ddb6a1csi4543778a12.123 - gsmtp";
const SPAMHAUS = '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org';

const gql = (t: TestApp, key: string, query: string, variables: Record<string, unknown> = {}) =>
  request(t.url).post('/graphql').set(auth(key)).send({ query, variables });

describe('explain, diagnose and bounce analysis over REST and GraphQL', () => {
  let dns: FixtureDnsServer;
  let t: TestApp;

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    t = await startTestApp({ DNS_SERVERS: dns.address, BOUNCE_MAX_BYTES: '65536' });
  });
  afterAll(async () => {
    await t?.close();
    await dns?.stop();
  });

  it('POST /v1/explain explains a multi-line Gmail reply with every field of issue 6', async () => {
    const res = await request(t.url).post('/v1/explain').set(auth(TENANT_A_KEY)).send({ reply: GMAIL_UNKNOWN });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: 550,
      enhancedStatus: '5.1.1',
      class: 'permanent',
      category: 'recipient_unknown',
      findingCode: 'SMTP_RECIPIENT_UNKNOWN',
      retryable: false,
      provider: 'Gmail',
    });
    for (const f of ['title', 'meaning']) expect(typeof res.body[f]).toBe('string');
    for (const f of ['likelyCauses', 'remediation', 'references', 'suggestedChecks'])
      expect(Array.isArray(res.body[f])).toBe(true);
    expect(res.body.diagnosis).toBeUndefined();
  });

  it('needs a key, and answers problem+json for bad bodies', async () => {
    expect((await request(t.url).post('/v1/explain').send({ reply: '550 x' })).status).toBe(401);
    const empty = await request(t.url).post('/v1/explain').set(auth(TENANT_A_KEY)).send({});
    expect(empty.status).toBe(400);
    expect(empty.headers['content-type']).toContain('application/problem+json');
    expect(empty.body.errors.map((e: { field: string }) => e.field)).toContain('reply');
    const big = await request(t.url)
      .post('/v1/explain')
      .set(auth(TENANT_A_KEY))
      .send({ reply: 'x'.repeat(20001) });
    expect(big.status).toBe(400);
    const noDomain = await request(t.url)
      .post('/v1/explain?diagnose=domain')
      .set(auth(TENANT_A_KEY))
      .send({ reply: SPAMHAUS });
    expect(noDomain.status).toBe(400);
    expect(noDomain.body.errors[0].field).toBe('domain');
  });

  it("?diagnose=domain queues the suggested live checks as a batch of the caller's tenant", async () => {
    const res = await request(t.url)
      .post('/v1/explain?diagnose=domain')
      .set(auth(TENANT_A_KEY))
      .send({ reply: GMAIL_UNKNOWN, domain: 'Good.TEST' });
    expect(res.status).toBe(200);
    expect(res.body.suggestedChecks).toContain('mx');
    expect(res.body.diagnosis.domain).toBe('good.test');
    expect(res.body.diagnosis.kinds).toContain('mx');
    const batchId = res.body.diagnosis.batchId as string;
    const page = await request(t.url).get(`/v1/batches/${batchId}/checks`).set(auth(TENANT_A_KEY));
    expect(page.status).toBe(200);
    expect(page.body.items.map((c: { kind: string }) => c.kind).sort()).toEqual([...res.body.diagnosis.kinds].sort());
    expect(page.body.items.every((c: { target: string }) => c.target === 'good.test')).toBe(true);
    // Suggestions whose kind is not registered are reported, never silently dropped.
    const confirmsWith: Record<string, string[]> = {
      dns: ['dns', 'mx'],
      dnsbl: ['dns'],
      mx: ['mx'],
      smtp: ['smtp'],
      content: [],
    };
    for (const s of res.body.suggestedChecks as string[]) {
      const queued = confirmsWith[s]!.some((k) => res.body.diagnosis.kinds.includes(k));
      const skipped = res.body.diagnosis.skipped.some((x: { check: string }) => x.check === s);
      expect(queued !== skipped).toBe(true);
    }
    expect((await request(t.url).get(`/v1/batches/${batchId}`).set(auth(TENANT_B_KEY))).status).toBe(404);
  });

  it('GraphQL explainReply and diagnoseReply', async () => {
    const q = await gql(
      t,
      TENANT_A_KEY,
      'query($r: String!) { explainReply(reply: $r) { code enhancedStatus class category findingCode provider retryable suggestedChecks } }',
      { r: SPAMHAUS },
    );
    expect(q.body.errors).toBeUndefined();
    expect(q.body.data.explainReply).toMatchObject({
      code: 554,
      enhancedStatus: '5.7.1',
      class: 'permanent',
      category: 'blocklisted',
      findingCode: 'DNSBL_LISTED',
      provider: 'Spamhaus',
    });
    const m = await gql(
      t,
      TENANT_A_KEY,
      'mutation($r: String!, $d: String!) { diagnoseReply(reply: $r, domain: $d) { category diagnosis { domain batchId kinds skipped { check reason } } } }',
      { r: GMAIL_UNKNOWN, d: 'good.test' },
    );
    expect(m.body.errors).toBeUndefined();
    expect(m.body.data.diagnoseReply.diagnosis.kinds).toContain('mx');
    const bad = await gql(
      t,
      TENANT_A_KEY,
      'mutation { diagnoseReply(reply: "550 x", domain: "not a domain") { category } }',
    );
    expect(bad.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
    const anon = await request(t.url).post('/graphql').send({ query: '{ explainReply(reply: "550 x") { category } }' });
    expect(anon.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('POST /v1/bounces/analyze takes message/rfc822, text/plain and JSON', async () => {
    const raw = dsn({
      recipient: 'gone@example.net',
      status: '5.1.1',
      diagnostic:
        'smtp; 550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown in virtual mailbox table',
    });
    for (const type of ['message/rfc822', 'text/plain']) {
      const res = await request(t.url)
        .post('/v1/bounces/analyze')
        .set(auth(TENANT_A_KEY))
        .set('Content-Type', type)
        .send(raw);
      expect(res.status).toBe(200);
      expect(res.body.isBounce).toBe(true);
      expect(res.body.format).toBe('rfc3464');
      expect(res.body.recipients).toHaveLength(1);
      expect(res.body.recipients[0]).toMatchObject({
        address: 'gone@example.net',
        action: 'failed',
        status: '5.1.1',
        hardSoft: 'hard',
      });
      expect(res.body.recipients[0].explanation.category).toBe('recipient_unknown');
    }
    const json = await request(t.url).post('/v1/bounces/analyze').set(auth(TENANT_A_KEY)).send({ message: raw });
    expect(json.status).toBe(200);
    expect(json.body.recipients[0].address).toBe('gone@example.net');
    const notBounce = await request(t.url)
      .post('/v1/bounces/analyze')
      .set(auth(TENANT_A_KEY))
      .set('Content-Type', 'message/rfc822')
      .send('From: a@example.com\r\nSubject: hello\r\n\r\nJust a note.\r\n');
    expect(notBounce.body).toMatchObject({ isBounce: false, recipients: [] });
  });

  it('bounds raw bounce bodies (413) and refuses empty ones (400)', async () => {
    const big = await request(t.url)
      .post('/v1/bounces/analyze')
      .set(auth(TENANT_A_KEY))
      .set('Content-Type', 'message/rfc822')
      .send('x'.repeat(70_000));
    expect(big.status).toBe(413);
    expect(big.headers['content-type']).toContain('application/problem+json');
    const empty = await request(t.url)
      .post('/v1/bounces/analyze')
      .set(auth(TENANT_A_KEY))
      .set('Content-Type', 'text/plain')
      .send('');
    expect(empty.status).toBe(400);
    expect((await request(t.url).post('/v1/bounces/analyze').set('Content-Type', 'text/plain').send('x')).status).toBe(
      401,
    );
  });

  it('GraphQL analyzeBounce', async () => {
    const raw = dsn({
      recipient: 'full@example.org',
      status: '4.2.2',
      action: 'delayed',
      diagnostic: 'smtp; 452 4.2.2 Mailbox full',
    });
    const res = await gql(
      t,
      TENANT_A_KEY,
      'query($m: String!) { analyzeBounce(message: $m) { isBounce format recipients { address action status hardSoft explanation { category class } } } }',
      { m: raw },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.analyzeBounce.recipients[0]).toMatchObject({
      address: 'full@example.org',
      action: 'delayed',
      status: '4.2.2',
      hardSoft: 'soft',
      explanation: { category: 'mailbox_full', class: 'transient' },
    });
  });
});
