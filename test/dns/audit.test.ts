/**
 * The `dns` audit against the fixture zone set (test/fixtures/dns/audit-zones.ts): for every
 * finding code a domain that triggers it, and healthy domains that trigger none, with the exact
 * codes asserted. DNS goes through the real stub resolver to the fixture DNS server; MTA-STS
 * policies come from a real HTTPS server on loopback with a certificate generated here.
 * Every suggested record in a remediation is parsed back with our own parsers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
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
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { addressesFor, defaultPolicy, rev4, scenarioZone, SCENARIOS } from '../fixtures/dns/audit-zones';
import { testResolver } from './support';

let dnsServer: FixtureDnsServer;
let httpsServer: https.Server;
let resolver: DnsResolver;
let fetcher: HttpsFetcher;
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
  const dir = mkdtempSync(join(tmpdir(), 'dns-audit-'));
  writeFileSync(join(dir, 'ca.pem'), pems.cert);
  const policies = new Map(SCENARIOS.map((s) => [`mta-sts.${s.domain}`, s.policy ?? defaultPolicy(s.domain)]));
  httpsServer = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
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
