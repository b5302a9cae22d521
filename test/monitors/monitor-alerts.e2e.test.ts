import { simpleParser, type ParsedMail } from 'mailparser';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/reports/webhooks/webhook.signer';
import { auth, startTestApp, TENANT_A_KEY, TENANT_B_KEY, until, type TestApp } from '../support/app';
import { createTestCa, type TestCa } from '../support/certs';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { startSmtp } from '../support/smtp-servers';
import { startReceiver } from '../reports-api/helpers';

const BASE_ZONE = `
$ORIGIN test.
$TTL 60
@              IN SOA ns1.test. hostmaster.test. 1 3600 600 86400 60
watched        IN MX 10 mx1.watched.test.
mx1.watched    IN A 127.0.0.1
flap           IN MX 10 mx1.flap.test.
mx1.flap       IN A 127.0.0.1
slow           IN MX 10 mx1.slow.test.
mx1.slow       IN A 127.0.0.1
listed         IN MX 10 mx1.listed.test.
mx1.listed     IN A 127.0.0.1
listed         IN TXT "v=spf1 ip4:192.0.2.7 -all"
_dmarc.listed  IN TXT "v=DMARC1; p=reject"
`;
const WATCHED_MX = '$ORIGIN test.\nwatched IN MX 10 mx1.watched.test.\n';
const FLAP_MX = '$ORIGIN test.\nflap IN MX 10 mx1.flap.test.\n';
const LISTING = '$ORIGIN test.\n7.2.0.192.bl IN A 127.0.0.2\n7.2.0.192.bl IN TXT "listed for testing"\n';
const SECRET = 'whsec_monitor_alerts_0123456789';

type Alert = {
  id: string;
  type: string;
  kind: string;
  checkId: string;
  change: { appeared: { code: string }[]; cleared: { code: string }[]; verdict: { from?: string; to: string } };
  deliveries: { channel: string; status: string; attempts: number; destination: string }[];
};

/**
 * Alerts on change, end to end: monitors run (run-now, so each result is one step of the story)
 * against targets that change under the test; every alert goes to a signed webhook, a chat
 * receiver (Slack/Mattermost shape) and e-mail through ALERT_SMTP_URL to a real smtp-server,
 * whose messages are parsed and read.
 */
describe.each(['sqlite', 'postgres'] as const)('monitor alerts (%s)', (dialect) => {
  let dns: FixtureDnsServer;
  let t: TestApp;
  let hook: Awaited<ReturnType<typeof startReceiver>>;
  let chat: Awaited<ReturnType<typeof startReceiver>>;
  let target: Awaited<ReturnType<typeof startSmtp>>;
  let relay: Awaited<ReturnType<typeof startSmtp>>;
  let refusing = false;
  let ca: TestCa;
  const mails: { to: string[]; parsed: ParsedMail }[] = [];

  const resetZone = () => {
    dns.clear();
    dns.load(BASE_ZONE);
  };

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: BASE_ZONE });
    hook = await startReceiver();
    chat = await startReceiver();
    ca = createTestCa();
    // A certificate the probe trusts (PROBE_CA_FILE), valid for a year: a clean baseline.
    const kc = ca.issue({
      cn: 'mx.watched.test',
      sans: ['DNS:mx.watched.test', 'IP:127.0.0.1'],
      notAfter: new Date(Date.now() + 365 * 86_400_000),
    });
    target = await startSmtp({
      key: kc.key,
      cert: kc.cert,
      name: 'mx.watched.test',
      disabledCommands: ['AUTH'],
      onConnect(_session, cb) {
        if (!refusing) return cb();
        const err = Object.assign(new Error('5.7.1 Service unavailable; go away'), { responseCode: 554 });
        cb(err);
      },
    });
    relay = await startSmtp({
      authOptional: true,
      // The relay of this test has no certificate worth the name; the alert mail goes in clear.
      disabledCommands: ['STARTTLS'],
      onData(stream, session, cb) {
        void simpleParser(stream).then((parsed) => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), parsed });
          cb();
        }, cb);
      },
    });
    t = await startTestApp(
      {
        NODE_ENV: 'test',
        MONITOR_MIN_INTERVAL_S: '1',
        DNS_SERVERS: dns.address,
        DNS_CACHE_MAX_ENTRIES: '0',
        DNSBL_ZONES: 'bl.test',
        DNSBL_DOMAIN_ZONES: '',
        PROBE_ALLOWED_PORTS: `25,${target.port}`,
        PROBE_MIN_INTERVAL_MS: '0',
        PROBE_CACHE_TTL_MS: '0',
        PROBE_MAX_PER_IP: '4',
        PROBE_CA_FILE: ca.caPath,
        WEBHOOK_BACKOFF_MS: '50',
        ALERT_BACKOFF_MS: '50',
        ALERT_SMTP_URL: `smtp://127.0.0.1:${relay.port}`,
        ALERT_FROM: 'alerts@smtp-doctor.test',
        ALERT_REPORT_BASE_URL: 'https://doctor.example',
        MONITOR_INDETERMINATE_ALERT_RUNS: '4',
      },
      { dialect },
    );
    await request(t.url)
      .post('/v1/webhooks')
      .set(auth(TENANT_A_KEY))
      .send({ url: hook.url, events: ['monitor.alert'], secret: SECRET })
      .expect(201);
  });
  afterAll(async () => {
    await t?.close();
    for (const s of [hook, chat, target, relay]) await s?.close();
    await dns?.stop();
    ca?.cleanup();
  });

  const create = async (body: Record<string, unknown>) => {
    const r = await request(t.url)
      .post('/v1/monitors')
      .set(auth(TENANT_A_KEY))
      .send({
        intervalSeconds: 3600,
        channels: { webhooks: true, emails: ['oncall@example.test'], chat: [chat.url] },
        ...body,
      });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };
  /** One run now; waits until its result is folded into the monitor's state. Returns the verdict. */
  const step = async (id: string) => {
    const r = await request(t.url).post(`/v1/monitors/${id}/run`).set(auth(TENANT_A_KEY));
    expect(r.status).toBe(202);
    const checkId = r.body.checks[0].id as string;
    await until(async () => {
      const m = await request(t.url).get(`/v1/monitors/${id}`).set(auth(TENANT_A_KEY));
      return (m.body.state as { lastCheckId: string }[] | undefined)?.some((s) => s.lastCheckId === checkId);
    }, 60_000);
    return (await request(t.url).get(`/v1/checks/${checkId}`).set(auth(TENANT_A_KEY))).body as {
      verdict: string;
      findings: { code: string }[];
    };
  };
  const alerts = async (id: string): Promise<Alert[]> =>
    ((await request(t.url).get(`/v1/monitors/${id}/alerts`).set(auth(TENANT_A_KEY))).body.items as Alert[]).reverse();
  const hookAlerts = (id: string) =>
    hook.received
      .map((r) => ({
        r,
        body: JSON.parse(r.body) as { type: string; data: { monitor: { id: string }; type: string } },
      }))
      .filter((x) => x.body.type === 'monitor.alert' && x.body.data.monitor.id === id);
  /** Chat messages name the monitor (its name, or its target); each monitor here has its own. */
  const chatAlerts = (label: string) => chat.received.filter((r) => r.body.includes(label));
  const mailsFor = (id: string) => mails.filter((m) => (m.parsed.text ?? '').includes(id));
  /** Every delivery of every alert succeeded: one per channel. */
  const delivered = (id: string, n: number) =>
    until(async () => {
      const a = await alerts(id);
      return (
        a.length === n &&
        a.every((x) => x.deliveries.length === 3 && x.deliveries.every((d) => d.status === 'succeeded')) &&
        a
      );
    }, 30_000);

  it('a DNS record removed, then restored: one problem alert, one recovery, on each channel', async () => {
    const id = await create({ target: 'watched.test', kinds: ['mx'], name: 'watched mail' });
    const baseline = await step(id);
    expect(baseline.verdict).not.toBe('fail');
    dns.clear();
    dns.load(BASE_ZONE.replace(/^watched\s+IN MX.*$/m, ''));
    const broken = await step(id);
    expect(broken.verdict).toBe('fail');
    expect(await alerts(id)).toHaveLength(0); // one result is not yet a change (confirmations: 2)
    await step(id);
    await step(id);
    resetZone();
    dns.load(WATCHED_MX);
    await step(id);
    await step(id);
    await step(id);
    const list = await delivered(id, 2);
    expect(list.map((a) => a.type)).toEqual(['problem', 'recovery']);
    expect(list[0]!.change.verdict).toEqual({ from: baseline.verdict, to: 'fail' });
    const appeared = list[0]!.change.appeared.map((f) => f.code);
    expect(appeared.length).toBeGreaterThan(0);
    expect(list[1]!.change.cleared.map((f) => f.code)).toEqual(expect.arrayContaining(appeared));

    // Signed webhook: exactly one per alert, in order, verifiable with the webhook's secret.
    await until(async () => hookAlerts(id).length >= 2);
    const hooks = hookAlerts(id);
    expect(hooks.map((h) => h.body.data.type)).toEqual(['problem', 'recovery']);
    for (const h of hooks)
      expect(verifySignature(SECRET, String(h.r.headers['smtp-doctor-signature']), h.r.body)).toBe(true);
    // Chat: Slack/Mattermost incoming-webhook shape.
    await until(async () => chatAlerts('watched mail').length >= 2);
    const chats = chatAlerts('watched mail').map((r) => JSON.parse(r.body) as { text: string });
    expect(chats[0]!.text).toMatch(/PROBLEM/);
    expect(chats[0]!.text).toContain(appeared[0]);
    expect(chats[1]!.text).toMatch(/RECOVERY/);
    // E-mail through ALERT_SMTP_URL, received by a real smtp-server: text and HTML.
    await until(async () => mailsFor(id).length >= 2);
    const [problem, recovery] = mailsFor(id);
    expect(problem!.to).toEqual(['oncall@example.test']);
    expect(problem!.parsed.from?.value[0]?.address).toBe('alerts@smtp-doctor.test');
    expect(problem!.parsed.subject).toMatch(/^\[smtp-doctor\] PROBLEM: watched mail \(watched\.test\) mx: /);
    expect(problem!.parsed.text).toContain(appeared[0]);
    expect(problem!.parsed.text).toContain('What to do:');
    expect(problem!.parsed.text).toContain(`https://doctor.example/v1/checks/${list[0]!.checkId}`);
    expect(problem!.parsed.html).toContain(`href="https://doctor.example/v1/checks/${list[0]!.checkId}"`);
    expect(problem!.parsed.html).toContain(appeared[0]);
    expect(recovery!.parsed.subject).toMatch(/RECOVERY/);
    // Nothing more arrives: one alert per change.
    await new Promise((r) => setTimeout(r, 500));
    expect(hookAlerts(id)).toHaveLength(2);
    expect(chatAlerts('watched mail')).toHaveLength(2);
    expect(mailsFor(id)).toHaveLength(2);
    // Another tenant sees neither the monitor nor its alerts.
    expect((await request(t.url).get(`/v1/monitors/${id}/alerts`).set(auth(TENANT_B_KEY))).status).toBe(404);
  });

  it('an SMTP server that starts refusing, then accepts again: one problem, one recovery', async () => {
    const id = await create({ target: '127.0.0.1', kinds: ['smtp'], ports: [target.port], name: 'smtp-target' });
    const baseline = await step(id);
    expect(baseline.verdict).not.toBe('fail');
    refusing = true;
    try {
      for (let i = 0; i < 3; i++) expect((await step(id)).verdict).toBe('fail');
    } finally {
      refusing = false;
    }
    for (let i = 0; i < 3; i++) await step(id);
    const list = await delivered(id, 2);
    expect(list.map((a) => a.type)).toEqual(['problem', 'recovery']);
    await until(
      async () => hookAlerts(id).length >= 2 && chatAlerts('smtp-target').length >= 2 && mailsFor(id).length >= 2,
    );
    expect(hookAlerts(id)).toHaveLength(2);
    expect(chatAlerts('smtp-target')).toHaveLength(2);
    expect(mailsFor(id)).toHaveLength(2);
  });

  it('a DNSBL listing added, then removed: one problem, one recovery', async () => {
    const id = await create({ target: 'listed.test', kinds: ['dns'], sendingIps: ['192.0.2.7'], name: 'listed-ip' });
    await step(id);
    dns.load(LISTING);
    const listed = await step(id);
    expect(listed.findings.map((f) => f.code).some((c) => /DNSBL|LISTED|BLOCKLIST/.test(c))).toBe(true);
    await step(id);
    await step(id);
    resetZone();
    await step(id);
    await step(id);
    const list = await delivered(id, 2);
    expect(list.map((a) => a.type)).toEqual(['problem', 'recovery']);
    expect(list[0]!.change.appeared.map((f) => f.code).some((c) => /DNSBL|LISTED|BLOCKLIST/.test(c))).toBe(true);
    await until(
      async () => hookAlerts(id).length >= 2 && chatAlerts('listed-ip').length >= 2 && mailsFor(id).length >= 2,
    );
    expect(hookAlerts(id)).toHaveLength(2);
    expect(chatAlerts('listed-ip')).toHaveLength(2);
    expect(mailsFor(id)).toHaveLength(2);
  });

  it('a target flapping within the hysteresis alerts nothing; indeterminate results alert nothing', async () => {
    const id = await create({ target: 'flap.test', kinds: ['mx'], name: 'flapper' });
    const baseline = await step(id);
    for (let i = 0; i < 3; i++) {
      dns.clear();
      dns.load(BASE_ZONE.replace(/^flap\s+IN MX.*$/m, ''));
      expect((await step(id)).verdict).toBe('fail');
      resetZone();
      dns.load(FLAP_MX);
      expect((await step(id)).verdict).toBe(baseline.verdict);
    }
    // Timeouts: indeterminate, never a failure by themselves, whatever their number.
    dns.fault('flap.test', 'timeout');
    for (let i = 0; i < 3; i++) expect((await step(id)).verdict).toBe('indeterminate');
    dns.fault('flap.test', null);
    const m = await request(t.url).get(`/v1/monitors/${id}`).set(auth(TENANT_A_KEY));
    expect(m.body.state[0]).toMatchObject({ kind: 'mx', verdict: baseline.verdict, indeterminateRuns: 3 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await alerts(id)).toEqual([]);
    expect(hookAlerts(id)).toHaveLength(0);
    expect(chatAlerts('flapper')).toHaveLength(0);
    expect(mailsFor(id)).toHaveLength(0);
  });

  it('indeterminate for MONITOR_INDETERMINATE_ALERT_RUNS runs: one "cannot check" alert, then one "checking again"', async () => {
    const id = await create({ target: 'slow.test', kinds: ['mx'], name: 'blind-spot' });
    const baseline = await step(id);
    dns.fault('slow.test', 'timeout');
    // Four runs without a result alert once; more of them add nothing.
    for (let i = 0; i < 6; i++) expect((await step(id)).verdict).toBe('indeterminate');
    dns.fault('slow.test', null);
    expect((await step(id)).verdict).toBe(baseline.verdict);
    const list = (await delivered(id, 2)) as Alert[];
    expect(list.map((a) => a.type)).toEqual(['indeterminate', 'resumed']);
    expect(list[0]!.change).toMatchObject({ verdict: { from: baseline.verdict, to: 'indeterminate' }, appeared: [] });
    expect(list[1]!.change.verdict).toEqual({ from: 'indeterminate', to: baseline.verdict });
    const m = await request(t.url).get(`/v1/monitors/${id}`).set(auth(TENANT_A_KEY));
    expect(m.body.state[0]).toMatchObject({ verdict: baseline.verdict, indeterminateRuns: 0, findingCodes: [] });

    await until(
      async () => hookAlerts(id).length >= 2 && chatAlerts('blind-spot').length >= 2 && mailsFor(id).length >= 2,
    );
    expect(hookAlerts(id).map((h) => h.body.data.type)).toEqual(['indeterminate', 'resumed']);
    const [blind, again] = mailsFor(id);
    expect(blind!.parsed.subject).toMatch(
      /^\[smtp-doctor\] CANNOT CHECK: blind-spot \(slow\.test\) mx: no result for 4 runs in a row/,
    );
    expect(blind!.parsed.text).toContain('This is not a failure of the target');
    expect(blind!.parsed.html).toContain('CANNOT CHECK');
    expect(again!.parsed.subject).toMatch(/CHECKING AGAIN: blind-spot/);
    const chats = chatAlerts('blind-spot').map((r) => JSON.parse(r.body) as { text: string });
    expect(chats.map((c) => /CANNOT CHECK|CHECKING AGAIN/.exec(c.text)?.[0])).toEqual([
      'CANNOT CHECK',
      'CHECKING AGAIN',
    ]);
    expect(chats.some((c) => /PROBLEM/.test(c.text))).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    expect(hookAlerts(id)).toHaveLength(2);
    expect(mailsFor(id)).toHaveLength(2);
  });
});
