import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_KINDS } from '../../src/checks/registry';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
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
    t = await startTestApp({ DNS_SERVERS: dns.address });
  });
  afterAll(async () => {
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
    const res = await request(t.url).post('/v1/checks?wait=30').set(auth(TENANT_A_KEY)).send({ kind: 'content', message: GTUBE });
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
        variables: { i: { kind: 'content', content: { email: { from: 'a@sender.test', to: ['b@receiver.test'], subject: 'Hello', text: 'Plain words for a friend.' } } } },
      });
    expect(res.body.errors).toBeUndefined();
    const id = res.body.data.submitCheck.id;
    let check;
    for (let i = 0; i < 100; i++) {
      check = (await request(t.url).post('/graphql').set(auth(TENANT_A_KEY)).send({ query: 'query ($id: String!) { check(id: $id) { status verdict score findings { code } } }', variables: { id } })).body.data.check;
      if (check.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(check.status).toBe('completed');
    expect(check.score).toBeGreaterThan(0);
  });

  it('content: a message over the size bound is a 400 naming the field', async () => {
    const res = await request(t.url).post('/v1/checks').set(auth(TENANT_A_KEY)).send({ kind: 'content', message: 'x'.repeat(10.5 * 1024 * 1024) });
    expect([400, 413]).toContain(res.status);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('content: the CLI scores a message file', async () => {
    if (!existsSync(join(ROOT, 'dist/src/cli/main.js'))) await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT }).catch(() => undefined);
    const r = (await run('node', [join(ROOT, 'bin/smtp-doctor.js'), 'content', gtubeFile, '--json'], { env: { ...process.env, DNS_SERVERS: dns.address, LOG_LEVEL: 'silent' } }).catch((e) => e)) as { stdout: string; code?: number };
    const check = JSON.parse(r.stdout);
    expect(check.kind).toBe('content');
    expect(check.verdict).toBe('fail');
    expect(r.code).toBe(1);
  });

  it('dns: an audit over REST finds what is wrong with the SPF and DMARC records', async () => {
    const res = await request(t.url).post('/v1/checks?wait=30').set(auth(TENANT_A_KEY)).send({ kind: 'dns', domain: 'loose.test', sendingIps: ['192.0.2.26'] });
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
      .send({ query: 'mutation ($i: SubmitCheckInput!) { submitCheck(input: $i) { id } }', variables: { i: { kind: 'dns', dns: { domain: 'shop.test', sendingIps: ['192.0.2.25'] } } } });
    expect(sub.body.errors).toBeUndefined();
    const r = (await run('node', [join(ROOT, 'bin/smtp-doctor.js'), 'dns', 'shop.test', '--ip', '192.0.2.25', '--json'], { env: { ...process.env, DNS_SERVERS: dns.address, DNSBL_ZONES: '', DNSBL_DOMAIN_ZONES: '', LOG_LEVEL: 'silent' } }).catch((e) => e)) as { stdout: string };
    const check = JSON.parse(r.stdout);
    expect(check.kind).toBe('dns');
    expect(check.findings.map((f: { code: string }) => f.code)).not.toContain('SPF_MISSING');
    expect(check.findings.map((f: { code: string }) => f.code)).not.toContain('DMARC_MISSING');
  });
});
