/**
 * The `dns` audit against the fixture zone set (test/fixtures/dns/audit-zones.ts): for every
 * finding code a domain that triggers it, and healthy domains that trigger none, with the exact
 * codes asserted. DNS goes through the real stub resolver to the fixture DNS server; MTA-STS
 * policies come from a real HTTPS server on loopback with a certificate generated here.
 * Every suggested record in a remediation is parsed back with our own parsers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/common/finding';
import type { DnsResolver } from '../../src/infra/dns/resolver.port';
import { createHttpsFetcher, type HttpsFetcher } from '../../src/infra/net/https-fetcher';
import { parseBimi } from '../../src/dns/bimi.check';
import { parseDkimKey } from '../../src/dns/dkim.check';
import { parseDmarc } from '../../src/dns/dmarc.check';
import { auditDns, type DnsAuditOutcome } from '../../src/dns/dns.engine';
import { DNS_FINDINGS, parseSuggestedTxt } from '../../src/dns/dns.findings';
import { parseStsPolicy, parseStsTxt } from '../../src/dns/mta-sts.check';
import { evaluateSpf } from '../../src/dns/spf.eval';
import { parseSpf } from '../../src/dns/spf.parser';
import { parseTlsRpt } from '../../src/dns/tlsrpt.check';
import { MX_FINDINGS } from '../../src/mx/mx.findings';
import { createTestCa, type TestCa } from '../support/certs';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { addressesFor, defaultPolicy, rev4, scenarioZone, SCENARIOS } from '../fixtures/dns/audit-zones';
import { testResolver } from './support';

let dnsServer: FixtureDnsServer;
let httpsServer: https.Server;
let resolver: DnsResolver;
let fetcher: HttpsFetcher;
let ca: TestCa | undefined;
const outcomes = new Map<string, DnsAuditOutcome>();

const ZONES = { dnsblZones: ['zen.spamhaus.org'], dnsblDomainZones: ['dbl.spamhaus.org'] };

beforeAll(async () => {
  const zone = SCENARIOS.map((s, i) => scenarioZone(s, i)).join('\n');
  dnsServer = await startDnsServer({
    zoneText: zone,
    signedZones: SCENARIOS.filter((s) => !s.unsigned).map((s) => s.domain),
  });
  SCENARIOS.forEach((s, i) => {
    for (const [name, type] of s.timeouts ?? [])
      dnsServer.fault(name === '@rev1' ? rev4(addressesFor(i)[0]) : name, 'timeout', type);
  });

  const pems = await generate([{ name: 'commonName', value: 'mta-sts.good.test' }], {
    keySize: 2048,
    extensions: [
      { name: 'subjectAltName', altNames: SCENARIOS.map((s) => ({ type: 2 as const, value: `mta-sts.${s.domain}` })) },
    ],
  });
  // Scenarios with their own policy-host certificate validity get a leaf of a test CA, picked by SNI.
  const own = new Map<string, SecureContext>();
  for (const s of SCENARIOS.filter((x) => x.stsCertDays !== undefined)) {
    ca ??= createTestCa('dns audit test CA');
    const host = `mta-sts.${s.domain}`;
    const leaf = ca.issue({
      cn: host,
      sans: [`DNS:${host}`],
      notAfter: new Date(Date.now() + s.stsCertDays! * 86_400_000),
    });
    own.set(host, createSecureContext({ key: leaf.key, cert: leaf.cert }));
  }
  const dir = mkdtempSync(join(tmpdir(), 'dns-audit-'));
  writeFileSync(join(dir, 'ca.pem'), `${pems.cert}\n${ca?.caPem ?? ''}`);
  const policies = new Map(SCENARIOS.map((s) => [`mta-sts.${s.domain}`, s.policy ?? defaultPolicy(s.domain)]));
  const SNICallback = (name: string, cb: (err: Error | null, ctx?: SecureContext) => void) => cb(null, own.get(name));
  httpsServer = https.createServer({ key: pems.private, cert: pems.cert, SNICallback }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const policy = policies.get(host);
    if (req.url !== '/.well-known/mta-sts.txt' || policy === undefined) {
      res.writeHead(404).end();
      return;
    }
    if (typeof policy === 'number') {
      res.writeHead(policy, { 'content-type': 'text/plain' }).end('no');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(policy);
  });
  await new Promise<void>((r) => httpsServer.listen(0, '127.0.0.1', r));
  const port = (httpsServer.address() as AddressInfo).port;

  // Generous timeout and one retry: many concurrent audits on 2 shared cores; faults still time out.
  resolver = testResolver(dnsServer, { cache: true, timeoutMs: 1000, retries: 1 });
  fetcher = createHttpsFetcher({
    resolver,
    allowedCidrs: ['127.0.0.0/8'],
    env: { MTA_STS_CA_FILE: join(dir, 'ca.pem'), MTA_STS_PORT: String(port), MTA_STS_TIMEOUT_MS: '5000' },
  });

  // Run the audits up front, a few at a time (the fixture domains are independent).
  const queue = SCENARIOS.map((s, i) => ({ s, i }));
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const { s, i } = job;
        const input = {
          domain: s.domain,
          dkimSelectors: s.input?.dkimSelectors,
          sendingIps:
            typeof s.input?.sendingIps === 'function' ? s.input.sendingIps(addressesFor(i)) : s.input?.sendingIps,
        };
        outcomes.set(s.domain, await auditDns(input, { dns: resolver, https: fetcher }, ZONES));
      }
    }),
  );
});

afterAll(async () => {
  await dnsServer?.stop();
  await new Promise((r) => httpsServer?.close(r));
  ca?.cleanup();
});

const codes = (fs: Finding[]) => fs.map((f) => f.code).sort();

describe('dns audit: exact finding codes per fixture domain', () => {
  for (const s of SCENARIOS) {
    it(`${s.domain} -> [${s.expect.join(', ')}]`, () => {
      const out = outcomes.get(s.domain)!;
      expect(
        codes(out.findings),
        JSON.stringify(
          out.findings.map((f) => `${f.code}: ${f.detail}`),
          null,
          1,
        ),
      ).toEqual([...s.expect].sort());
    });
  }

  it('covers every catalog code the issue names, and every dns code, with a triggering domain', () => {
    const triggered = new Set(SCENARIOS.flatMap((s) => s.expect));
    const required = [
      ...Object.keys(DNS_FINDINGS),
      'MX_MISSING',
      'MX_NULL',
      'MX_TARGET_CNAME',
      'MX_TARGET_IP_LITERAL',
      'MX_TARGET_UNRESOLVABLE',
    ];
    expect(required.filter((c) => !triggered.has(c))).toEqual([]);
    // And the healthy domains trigger none of them.
    for (const d of ['good.test', 'good-ip.test', 'good-ext.test', 'dmarc-unknown-tag.test'])
      expect(outcomes.get(d)!.findings).toEqual([]);
    expect(Object.keys(MX_FINDINGS).length).toBeGreaterThan(0);
  });

  it('passes a healthy domain with sections that carry raw records and lookup counts', () => {
    const out = outcomes.get('good.test')!;
    expect(out.verdict).toBe('pass');
    const s = out.result.sections;
    expect(s.spf.record).toBe('v=spf1 mx ip4:192.0.2.2 -all');
    expect(s.spf.lookups).toMatchObject({ dnsMechanisms: 1, void: 0, exact: true });
    expect(s.dmarc.record).toContain('p=reject');
    expect(s.dkim.found.map((f) => [f.selector, f.key?.bits])).toEqual([['s1', 2048]]);
    expect(s.mtaSts.policy?.mode).toBe('enforce');
    expect(s.mtaSts.mxMatches.every((m) => m.matched)).toBe(true);
    expect(s.dnssec.authenticated).toBe(true);
    expect(s.ptr.addresses.map((a) => a.status)).toEqual(['confirmed', 'confirmed']);
    expect(out.result.queries).toBeGreaterThan(40);
  });

  it('reports a timeout on a key lookup as indeterminate, never as missing', () => {
    for (const d of ['spf-timeout.test', 'dmarc-timeout.test']) {
      const out = outcomes.get(d)!;
      expect(out.verdict).toBe('indeterminate');
      expect(out.transient).toBe(true);
      expect(codes(out.findings)).not.toContain('SPF_MISSING');
      expect(codes(out.findings)).not.toContain('DMARC_MISSING');
    }
    expect(outcomes.get('spf-timeout.test')!.result.sections.spf.status).toBe('indeterminate');
  });

  it("evaluates sending IPs with check_host() and shows mailauth's second opinion", () => {
    const ok = outcomes.get('good-ip.test')!.result.sections.spf.evaluations;
    expect(ok.map((e) => [e.result, e.crossCheck?.result])).toEqual([['pass', 'pass']]);
    const bad = outcomes.get('spf-sender.test')!.result.sections.spf.evaluations;
    expect(bad.map((e) => [e.ip, e.result, e.crossCheck?.result])).toEqual([['198.51.100.200', 'fail', 'fail']]);
  });

  it('explains DNSBL return codes and keeps refused answers apart from listings', () => {
    const listed = outcomes.get('dnsbl-ip.test')!.findings.find((f) => f.code === 'DNSBL_LISTED')!;
    expect(listed.detail).toContain('XBL');
    expect(listed.evidence).toMatchObject({
      list: 'zen.spamhaus.org',
      returnCodes: ['127.0.0.4'],
      delist: 'https://check.spamhaus.org/',
    });
    const refused = outcomes.get('dnsbl-refused.test')!;
    expect(refused.result.sections.dnsbl.queries.find((q) => q.answers.length)?.outcome).toBe('refused');
  });

  it('fetches MTA-STS policies over real HTTPS and refuses non-public addresses without an allow-list', async () => {
    expect(outcomes.get('sts-404.test')!.findings[0]!.detail).toContain('HTTP 404');
    const strict = createHttpsFetcher({ resolver, allowedCidrs: [] });
    const r = await strict.get('https://mta-sts.good.test/.well-known/mta-sts.txt');
    expect(r).toMatchObject({ ok: false, reason: 'ssrf' });
  });
});

/** Each signature's whole days left is `days` or one less (see the test), and there is one per entry. */
function daysLeftWithin(sigs: { daysLeft: number }[], days: number[]): boolean {
  return sigs.length === days.length && sigs.every((s, i) => s.daysLeft === days[i] || s.daysLeft === days[i]! - 1);
}

describe('dns audit: DNSSEC signatures and the MTA-STS policy close to expiry', () => {
  const audit = (domain: string, opts: Partial<Parameters<typeof auditDns>[2]> = {}) =>
    auditDns({ domain }, { dns: resolver, https: fetcher }, { ...ZONES, mailauthCrossCheck: false, ...opts });

  it('reads the RRSIG expiration served with the SOA and DNSKEY answers (DO), latest per RRset', () => {
    const sigs = outcomes.get('dnssec-expiring.test')!.result.sections.dnssec.signatures;
    expect(sigs.map((s) => [s.rrset, s.keyTag, s.signer, s.algorithm])).toEqual([
      ['SOA dnssec-expiring.test', 4711, 'dnssec-expiring.test', 13],
      ['DNSKEY dnssec-expiring.test', 4711, 'dnssec-expiring.test', 13],
    ]);
    // Whole days left, floored: the zone was written "3 (30) days from now" to the second, so an audit
    // in a later second sees 2 (29), one within the same second 3 (30).
    expect(daysLeftWithin(sigs, [3, 30])).toBe(true);
    const f = outcomes.get('dnssec-expiring.test')!.findings[0]!;
    expect(f.detail).toContain('SOA dnssec-expiring.test (key tag 4711');
    expect(f.detail).not.toContain('DNSKEY dnssec-expiring.test');
    expect(f.detail).toContain('does not verify signatures, the resolver validated them');
    expect(outcomes.get('dnssec-expiring.test')!.result.sections.dnssec.status).toBe('warn');
    // Unsigned zones serve no RRSIG: nothing is read, nothing invented.
    expect(outcomes.get('dnssec-unsigned.test')!.result.sections.dnssec.signatures).toEqual([]);
    expect(daysLeftWithin(outcomes.get('good.test')!.result.sections.dnssec.signatures, [30, 30])).toBe(true);
  });

  it('an expired signature seen through a non-validating resolver is an error, said as such', () => {
    const out = outcomes.get('dnssec-expired.test')!;
    expect(out.result.sections.dnssec.status).toBe('missing');
    const unsigned = out.findings.find((f) => f.code === 'DNSSEC_UNSIGNED')!;
    expect(unsigned.detail).toContain('although the zone serves RRSIG records');
    const expired = out.findings.find((f) => f.code === 'DNSSEC_SIGNATURE_EXPIRED')!;
    expect(expired.severity).toBe('error');
    expect(expired.detail).toMatch(/SOA dnssec-expired\.test .*; DNSKEY dnssec-expired\.test/);
    expect(expired.detail).not.toContain('the resolver validated them');
  });

  it('DNSSEC_EXPIRY_WARN_DAYS moves the threshold; 0 turns the warning off', async () => {
    const codes = async (days: number) =>
      (await audit('dnssec-expiring.test', { dnssecExpiryWarnDays: days })).findings.map((f) => f.code);
    expect(await codes(0)).toEqual([]);
    expect(await codes(2)).toEqual([]);
    // 3 days would depend on whether the audit runs within the second the zone was written.
    expect(await codes(4)).toEqual(['DNSSEC_SIGNATURE_EXPIRING']);
    expect(await codes(60)).toEqual(['DNSSEC_SIGNATURE_EXPIRING']);
    const late = (await audit('dnssec-expiring.test', { dnssecExpiryWarnDays: 60 })).findings[0]!;
    expect(late.detail).toMatch(/SOA dnssec-expiring\.test .*; DNSKEY dnssec-expiring\.test/);
  });

  it("reports the policy host's certificate expiry over real HTTPS, with CERT_EXPIRY_WARN_DAYS", async () => {
    const out = outcomes.get('sts-cert-expiring.test')!;
    const f = out.findings[0]!;
    expect(f.detail).toMatch(
      /^The certificate of mta-sts\.sts-cert-expiring\.test \(127\.0\.0\.1\) expires on \d{4}-\d{2}-\d{2}, in 4 day/,
    );
    expect(out.result.sections.mtaSts.fetch?.certValidTo).toBeDefined();
    expect(out.result.sections.mtaSts.status).toBe('warn');
    // The policy itself is fine and still enforced.
    expect(out.result.sections.mtaSts.policy?.mode).toBe('enforce');
    expect((await audit('sts-cert-expiring.test', { certExpiryWarnDays: 4 })).findings).toEqual([]);
    expect((await audit('sts-cert-expiring.test', { certExpiryWarnDays: 0 })).findings).toEqual([]);
    // The shared certificate (a year) is far from the threshold.
    expect(Date.parse(outcomes.get('good.test')!.result.sections.mtaSts.fetch!.certValidTo!)).toBeGreaterThan(
      Date.now() + 300 * 86_400_000,
    );
  });

  it('a max_age under a day is a warning in enforce mode and informational while testing', async () => {
    const f = outcomes.get('sts-shortage.test')!.findings[0]!;
    expect(f).toMatchObject({ code: 'MTA_STS_MAX_AGE_SHORT', severity: 'warning' });
    expect(f.detail).toContain('max_age: 3600 (1 h)');
    expect(outcomes.get('sts-testing.test')!.findings.map((x) => x.code)).toEqual(['MTA_STS_TESTING']);
    const testing = outcomes
      .get('sts-shortage-testing.test')!
      .findings.find((x) => x.code === 'MTA_STS_MAX_AGE_SHORT')!;
    expect(testing.severity).toBe('info');
    expect(testing.detail).toContain('max_age: 600 (600 s)');
  });
});

describe('dns audit: suggested records are valid by our own parsers', () => {
  function validate(owner: string, text: string): string[] {
    if (/\._report\._dmarc\./.test(owner)) return /^v=DMARC1\b/.test(text) ? [] : ['not a DMARC authorization record'];
    if (owner.startsWith('_dmarc.')) return parseDmarc(text).errors;
    if (owner.includes('._domainkey.')) {
      const k = parseDkimKey(text);
      return k.valid || k.revoked ? [] : k.errors;
    }
    if (owner.startsWith('_mta-sts.')) return parseStsTxt(text).errors;
    if (owner.startsWith('_smtp._tls.')) return parseTlsRpt(text).errors;
    if (owner.includes('._bimi.')) return parseBimi(text).errors;
    return parseSpf(text).errors;
  }

  it('every remediation that names a record gives one that parses', () => {
    let checked = 0;
    for (const [domain, out] of outcomes) {
      for (const f of out.findings) {
        const txt = parseSuggestedTxt(f.remediation);
        if (txt !== null) {
          const owner = /(\S+)\. IN TXT/.exec(f.remediation)![1]!;
          expect(validate(owner, txt), `${domain} ${f.code}: ${f.remediation}`).toEqual([]);
          checked++;
        }
        const ptr = /(\S+)\. IN PTR (\S+)\./.exec(f.remediation);
        if (ptr) {
          expect(ptr[1]).toMatch(/\.in-addr\.arpa$|\.ip6\.arpa$/);
          checked++;
        }
        const policy = /\n(version: STSv1[\s\S]*)$/.exec(f.remediation);
        if (policy) {
          expect(() => parseStsPolicy(policy[1]!)).not.toThrow();
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(25);
  });

  it('asks for a record change in every finding that needs one', () => {
    const needRecord = [
      'SPF_MISSING',
      'SPF_MULTIPLE_RECORDS',
      'SPF_SYNTAX_ERROR',
      'SPF_PERMISSIVE_ALL',
      'SPF_NO_ALL',
      'SPF_PTR_MECHANISM',
      'SPF_INCLUDE_NOT_FOUND',
      'SPF_TOO_MANY_VOID_LOOKUPS',
      'SPF_SENDER_NOT_AUTHORIZED',
      'SPF_REDIRECT_IGNORED',
      'DMARC_MISSING',
      'DMARC_MULTIPLE_RECORDS',
      'DMARC_SYNTAX_ERROR',
      'DMARC_POLICY_NONE',
      'DMARC_REMOVED_TAG',
      'DMARC_TESTING_MODE',
      'DMARC_NO_REPORTING',
      'DMARC_EXTERNAL_REPORTING_UNAUTHORIZED',
      'DMARC_SUBDOMAIN_POLICY_WEAKER',
      'DKIM_TESTING_MODE',
      'MTA_STS_MISSING',
      'TLSRPT_MISSING',
      'TLSRPT_INVALID',
      'BIMI_MISSING',
      'BIMI_INVALID',
      'BIMI_DMARC_TOO_WEAK',
      'PTR_MISSING',
    ];
    for (const out of outcomes.values()) {
      for (const f of out.findings.filter((x) => needRecord.includes(x.code))) {
        expect(/ IN (TXT|PTR) /.test(f.remediation), `${f.code}: ${f.remediation}`).toBe(true);
      }
    }
  });

  it('the SPF fix suggested for an unauthorised sender makes check_host() pass', async () => {
    const f = outcomes.get('spf-sender.test')!.findings.find((x) => x.code === 'SPF_SENDER_NOT_AUTHORIZED')!;
    const record = parseSuggestedTxt(f.remediation)!;
    dnsServer.addRecords([{ name: 'spf-fixed.test', type: 'TXT', data: record }]);
    const r = await evaluateSpf('spf-fixed.test', { resolver: testResolver(dnsServer), ip: '198.51.100.200' });
    expect(r.result).toBe('pass');
  });
});
