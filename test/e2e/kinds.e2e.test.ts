import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_KINDS } from '../support/kinds';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { startSmtp, type Running } from '../support/smtp-servers';
import { auth, startTestApp, TENANT_A_KEY, type TestApp } from '../support/app';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const SA = join(ROOT, 'test/fixtures/spamassassin');
const gtubeFile = join(SA, 'spam', 'gtube.eml');
const GTUBE = readFileSync(gtubeFile, 'utf8');

/** Every registered kind works end to end through REST, GraphQL and the CLI. */
describe('registered kinds end to end', () => {
  let dns: FixtureDnsServer;
  let t: TestApp;
  let smtp: Running;

  beforeAll(async () => {
    dns = await startDnsServer({
      zoneText: [
        '$ORIGIN test.',
        '@ IN SOA ns1.test. h.test. 1 3600 600 86400 60',
        'shop IN MX 10 mx.shop.test.',
        'mx.shop IN A 192.0.2.25',
        'shop IN TXT "v=spf1 ip4:192.0.2.0/24 -all"',
        '_dmarc.shop IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@shop.test"',
        'loose IN MX 10 mx.loose.test.',
        'mx.loose IN A 192.0.2.26',
        'loose IN TXT "v=spf1 +all"',
      ].join('\n'),
    });
    // A real SMTP server on loopback that knows one user.
    smtp = await startSmtp({
      authOptional: true,
      hideSTARTTLS: true,
      onRcptTo(addr, _s, cb) {
        if (addr.address === 'known@shop.test') return cb();
        const e = new Error(
          '5.1.1 <' + addr.address + '>: Recipient address rejected: User unknown in local recipient table',
        ) as Error & { responseCode: number };
        e.responseCode = 550;
        cb(e);
      },
    });
    t = await startTestApp({
      DNS_SERVERS: dns.address,
      PROBE_ALLOWED_PORTS: `25,587,${smtp.port}`,
      PROBE_MIN_INTERVAL_MS: '0',
    });
  });
  afterAll(async () => {
    await smtp?.close();
    await t?.close();
    await dns?.stop();
  });

  it('registers each kind once, on a module queue, with a catalog', () => {
    const names = CHECK_KINDS.map((k) => k.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['mx', 'dns', 'content']));
    for (const k of CHECK_KINDS) {
      expect(['probe', 'dns', 'content', 'reports']).toContain(k.queue);
      expect(k.findings.length).toBeGreaterThan(0);
    }
  });

  it('content: GTUBE over REST scores as spam', async () => {
    const res = await request(t.url)
      .post('/v1/checks?wait=30')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'content', message: GTUBE });
    expect(res.status).toBe(200);
    expect(res.body.verdict).toBe('fail');
    expect(res.body.result.isSpam).toBe(true);
    expect(res.body.score).toBeLessThan(50);
    expect(res.body.findings.map((f: { code: string }) => f.code)).toContain('GTUBE');
  });

  it('content: the structured form over GraphQL', async () => {
    const res = await request(t.url)
      .post('/graphql')
      .set(auth(TENANT_A_KEY))
      .send({
        query: 'mutation ($i: SubmitCheckInput!) { submitCheck(input: $i) { id } }',
        variables: {
          i: {
            kind: 'content',
            content: {
              email: {
                from: 'a@sender.test',
                to: ['b@receiver.test'],
                subject: 'Hello',
                text: 'Plain words for a friend.',
              },
            },
          },
        },
      });
    expect(res.body.errors).toBeUndefined();
    const id = res.body.data.submitCheck.id;
    let check;
    for (let i = 0; i < 100; i++) {
      check = (
        await request(t.url).post('/graphql').set(auth(TENANT_A_KEY)).send({
          query: 'query ($id: ID!) { check(id: $id) { status verdict score findings { code } } }',
          variables: { id },
        })
      ).body.data.check;
      if (check.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(check.status).toBe('completed');
    expect(check.score).toBeGreaterThan(0);
  });

  it("content: filterPrefs (the recipient's welcome lists) puts USER_IN_WELCOMELIST in the result; without them it is absent", async () => {
    // SpamAssassin's t/data/nice/009: From foo@example.com, handed in by mail1.example.com.
    const message = readFileSync(join(SA, 'ham', '009.eml'), 'utf8');
    const check = async (extra: object) => {
      const res = await request(t.url)
        .post('/v1/checks?wait=30')
        .set(auth(TENANT_A_KEY))
        .send({ kind: 'content', message, ...extra });
      expect(res.status).toBe(200);
      const sa = res.body.findings.find((f: { code: string }) => f.code === 'SPAMASSASSIN_RULES');
      return {
        body: res.body,
        rules: (sa?.evidence?.data?.rules ?? []).map((r: { name: string }) => r.name) as string[],
        detail: (sa?.detail ?? '') as string,
      };
    };
    const welcomed = await check({ filterPrefs: ['# the recipient', 'whitelist_from_rcvd *@example.com example.com'] });
    expect(welcomed.rules).toContain('USER_IN_WELCOMELIST');
    expect(welcomed.detail).toContain('USER_IN_WELCOMELIST (-100)');
    expect(welcomed.body.result.score).toBeLessThan(-90);
    expect(welcomed.body.verdict).toBe('pass');
    const plain = await check({});
    expect(plain.rules).not.toContain('USER_IN_WELCOMELIST');
    expect(plain.body.result.score).toBeGreaterThan(0);
    // Listed, but handed in by another relay: no points, and the finding says why.
    const elsewhere = await check({ filterPrefs: ['welcomelist_from_rcvd *@example.com example.org'] });
    expect(elsewhere.rules).not.toContain('USER_IN_WELCOMELIST');
    expect(elsewhere.detail).toMatch(/welcomelist_from_rcvd has an entry for foo@example\.com.*mail1\.example\.com/);
  });

  it('content: filterPrefs outside the welcome-list family, malformed or too many is a 400 / VALIDATION_FAILED', async () => {
    const message = 'From: a@example.com\r\nSubject: x\r\n\r\nhi\r\n';
    for (const [filterPrefs, why] of [
      ['welcomelist_from a@example.com', /array/],
      [[{ line: 'welcomelist_from a@example.com' }], /string/],
      [['score USER_IN_WELCOMELIST 100'], /line 1 .*not a welcome- or block-list setting/],
      [['welcomelist_from ok@example.com', 'allow_user_rules 1'], /line 2 .*not a welcome- or block-list setting/],
      [['welcomelist_from_rcvd a@example.com'], /an address and a relay/],
      [['welcomelist_from_rcvd a@example.com [300.1.2.3]'], /not an IPv4 address/],
      [['welcomelist_from a@example.com\nblocklist_from *'], /control character/],
      [['welcomelist_from'], /missing value/],
      [Array.from({ length: 101 }, () => 'welcomelist_from a@example.com'), /100/],
    ] as const) {
      const r = await request(t.url)
        .post('/v1/checks')
        .set(auth(TENANT_A_KEY))
        .send({ kind: 'content', message, filterPrefs });
      expect(r.status, JSON.stringify(filterPrefs).slice(0, 80)).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      const mine = r.body.errors.filter((e: { field: string }) => e.field === 'filterPrefs');
      expect(mine.map((e: { message: string }) => e.message).join('; ')).toMatch(why);
    }
    const gql = await request(t.url)
      .post('/graphql')
      .set(auth(TENANT_A_KEY))
      .send({
        query: 'mutation ($i: SubmitCheckInput!) { submitCheck(input: $i) { id } }',
        variables: { i: { kind: 'content', content: { message, filterPrefs: ['required_score 0'] } } },
      });
    expect(gql.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
    expect(gql.body.errors[0].extensions.errors[0]).toMatchObject({
      field: expect.stringContaining('filterPrefs'),
      message: expect.stringMatching(/not a welcome- or block-list setting/),
    });
  });

  it('content: a message over the size bound is a 400 naming the field', async () => {
    const res = await request(t.url)
      .post('/v1/checks')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'content', message: 'x'.repeat(10.5 * 1024 * 1024) });
    expect([400, 413]).toContain(res.status);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('content: the CLI scores a message file', async () => {
    if (!existsSync(join(ROOT, 'dist/src/cli/main.js')))
      await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT }).catch(() => undefined);
    const r = (await run('node', [join(ROOT, 'bin/smtp-doctor.js'), 'content', gtubeFile, '--json'], {
      env: { ...process.env, DNS_SERVERS: dns.address, LOG_LEVEL: 'silent' },
    }).catch((e) => e)) as { stdout: string; code?: number };
    const check = JSON.parse(r.stdout);
    expect(check.kind).toBe('content');
    expect(check.verdict).toBe('fail');
    expect(r.code).toBe(1);
    // --prefs: a user_prefs file of welcome-list lines (t/welcomelist_from.t's) becomes filterPrefs.
    const welcomed = (await run(
      'node',
      [
        join(ROOT, 'bin/smtp-doctor.js'),
        'content',
        join(SA, 'ham', '008.eml'),
        '--prefs',
        join(SA, 'welcomelist_from.prefs'),
        '--json',
      ],
      { env: { ...process.env, DNS_SERVERS: dns.address, LOG_LEVEL: 'silent' } },
    ).catch((e) => e)) as { stdout: string };
    const sa = JSON.parse(welcomed.stdout).findings.find((f: { code: string }) => f.code === 'SPAMASSASSIN_RULES');
    expect(sa.detail).toContain('USER_IN_WELCOMELIST (-100)');
  });

  it('dns: an audit over REST finds what is wrong with the SPF and DMARC records', async () => {
    const res = await request(t.url)
      .post('/v1/checks?wait=30')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'dns', domain: 'loose.test', sendingIps: ['192.0.2.26'] });
    expect(res.status).toBe(200);
    const codes = res.body.findings.map((f: { code: string }) => f.code);
    expect(codes).toEqual(expect.arrayContaining(['SPF_PERMISSIVE_ALL', 'DMARC_MISSING']));
    expect(res.body.verdict).toBe('fail');
    expect(JSON.stringify(res.body.result)).toContain('v=spf1 +all');
  });

  it('dns: over GraphQL and the CLI', async () => {
    const sub = await request(t.url)
      .post('/graphql')
      .set(auth(TENANT_A_KEY))
      .send({
        query: 'mutation ($i: SubmitCheckInput!) { submitCheck(input: $i) { id } }',
        variables: { i: { kind: 'dns', dns: { domain: 'shop.test', sendingIps: ['192.0.2.25'] } } },
      });
    expect(sub.body.errors).toBeUndefined();
    const r = (await run(
      'node',
      [join(ROOT, 'bin/smtp-doctor.js'), 'dns', 'shop.test', '--ip', '192.0.2.25', '--json'],
      {
        env: { ...process.env, DNS_SERVERS: dns.address, DNSBL_ZONES: '', DNSBL_DOMAIN_ZONES: '', LOG_LEVEL: 'silent' },
      },
    ).catch((e) => e)) as { stdout: string };
    const check = JSON.parse(r.stdout);
    expect(check.kind).toBe('dns');
    expect(check.findings.map((f: { code: string }) => f.code)).not.toContain('SPF_MISSING');
    expect(check.findings.map((f: { code: string }) => f.code)).not.toContain('DMARC_MISSING');
  });

  it('smtp: a probe over REST finds the unknown recipient, with the transcript, never sending DATA', async () => {
    const res = await request(t.url)
      .post('/v1/checks?wait=30')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'smtp', host: '127.0.0.1', ports: [smtp.port], recipient: 'nobody@shop.test' });
    expect(res.status).toBe(200);
    const codes = res.body.findings.map((f: { code: string }) => f.code);
    expect(codes).toContain('SMTP_RECIPIENT_UNKNOWN');
    const text = JSON.stringify(res.body.result);
    expect(text).toContain('RCPT TO:<nobody@shop.test>');
    expect(text).not.toMatch(/"DATA"/);
  });

  it('smtp: passwords are never stored; GraphQL and the CLI work', async () => {
    const res = await request(t.url)
      .post('/v1/checks?wait=30')
      .set(auth(TENANT_A_KEY))
      .send({
        kind: 'smtp',
        host: '127.0.0.1',
        ports: [smtp.port],
        auth: { username: 'u', password: 'hunter2-secret' },
      });
    expect(res.status).toBe(200);
    const row = await t.platform.database.db
      .selectFrom('checks')
      .selectAll()
      .where('id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('hunter2-secret');
    const g = await request(t.url)
      .post('/graphql')
      .set(auth(TENANT_A_KEY))
      .send({
        query: 'mutation ($i: SubmitCheckInput!) { submitCheck(input: $i) { id } }',
        variables: {
          i: { kind: 'smtp', smtp: { host: '127.0.0.1', ports: [smtp.port], recipient: 'known@shop.test' } },
        },
      });
    expect(g.body.errors).toBeUndefined();
    const r = (await run(
      'node',
      [
        join(ROOT, 'bin/smtp-doctor.js'),
        'smtp',
        '127.0.0.1',
        '--port',
        String(smtp.port),
        '--rcpt',
        'nobody@shop.test',
        '--json',
      ],
      {
        env: {
          ...process.env,
          DNS_SERVERS: dns.address,
          PROBE_ALLOWED_CIDRS: '127.0.0.0/8',
          PROBE_ALLOWED_PORTS: String(smtp.port),
          LOG_LEVEL: 'silent',
        },
      },
    ).catch((e) => e)) as { stdout: string };
    const check = JSON.parse(r.stdout);
    expect(check.kind).toBe('smtp');
    expect(check.findings.map((f: { code: string }) => f.code)).toContain('SMTP_RECIPIENT_UNKNOWN');
  });

  it('nested inputs of the wrong JSON type are 400s naming the field (found by fuzzing)', async () => {
    for (const [body, field] of [
      [{ kind: 'content', email: [] }, 'email'],
      [{ kind: 'content', message: 'Subject: x\r\n\r\nhi', context: [] }, 'context'],
      [{ kind: 'smtp', host: 'mx.shop.test', auth: ['u', 'p'] }, 'auth'],
    ] as const) {
      const r = await request(t.url).post('/v1/checks').set(auth(TENANT_A_KEY)).send(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });
});
