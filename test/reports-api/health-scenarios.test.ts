import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import pino from 'pino';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineContext, EngineOutcome } from '../../src/checks/check-kind';
import { KindCatalog } from '../../src/checks/kind-catalog';
import { finding, type Finding, type Verdict } from '../../src/common/finding';
import { loadConfig, type AppConfig } from '../../src/config/config.schema';
import { FINDING_CATALOG } from '../../src/findings/catalog';
import { GRADE_BANDS, gradeOf, ROOT_CAUSES, type Grade } from '../../src/findings/grading';
import { createEnginePorts } from '../../src/infra/ports.factory';
import type { HealthReport } from '../../src/reports/health/health.report';
import { AREAS, HEALTH_FORMULA_VERSION, scoreHealth } from '../../src/reports/health/health.score';
import { createTestCa, type TestCa } from '../support/certs';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { CHECK_KINDS } from '../support/kinds';
import { KEY_2048, rev4 } from '../fixtures/dns/audit-zones';

/**
 * Issue 13: the grades a person would agree with. One table of scenarios, each run through the
 * real kinds (mx, dns, smtp, and health, which runs dns and smtp as its children) against the
 * loopback fixture DNS server and real SMTP servers on loopback; each row says the verdict and
 * grade band every kind's score must fall in, and the health grade. Every kind grades through
 * src/findings/grading.ts, so a domain that does not exist is F everywhere (it was mx
 * "fail, 80/100" and health C before).
 */

type Expect = { grades: Grade[]; verdict: Verdict };
interface Scenario {
  name: string;
  domain: string;
  /** Zone records of the domain; `ip` is its MX host's loopback address. */
  zone: (d: string, ip: string) => string;
  /** What answers on the MX host: STARTTLS with a valid or an expired certificate, or nothing. */
  server?: 'tls' | 'expired' | 'closed';
  /** Every name of the zone answers SERVFAIL (a lame delegation, as a resolver reports it). */
  servfail?: boolean;
  health: Expect & { rootCause?: string; folds?: string[] };
  mx: Expect;
  dns: Expect;
  smtp: Expect;
}

const pass = (grades: Grade[] = ['A']): Expect => ({ grades, verdict: 'pass' });
const fail = (grades: Grade[]): Expect => ({ grades, verdict: 'fail' });
const F: Grade[] = ['F'];

/** A domain with everything a person would call healthy (DNSSEC-signed by the fixture server). */
const healthy = (d: string, ip: string, omit: string[] = []) =>
  [
    `${d}. 300 IN SOA ns.${d}. hostmaster.${d}. 1 3600 600 86400 60`,
    `${d}. MX 10 mx.${d}.`,
    `mx.${d}. A ${ip}`,
    `${rev4(ip)}. PTR mx.${d}.`,
    omit.includes('spf') ? '' : `${d}. TXT "v=spf1 mx -all"`,
    omit.includes('dmarc') ? '' : `_dmarc.${d}. TXT "v=DMARC1; p=reject; rua=mailto:dmarc@${d}"`,
    `s1._domainkey.${d}. TXT "v=DKIM1; k=rsa; p=${KEY_2048}"`,
    `_smtp._tls.${d}. TXT "v=TLSRPTv1; rua=mailto:tls@${d}"`,
  ]
    .filter(Boolean)
    .join('\n');

const SCENARIOS: Scenario[] = [
  {
    name: 'all green',
    domain: 'green.test',
    zone: (d, ip) => healthy(d, ip),
    server: 'tls',
    health: pass(),
    mx: pass(),
    dns: pass(),
    smtp: pass(),
  },
  {
    name: 'no SPF and no DMARC, but mail flows',
    domain: 'noauth.test',
    zone: (d, ip) => healthy(d, ip, ['spf', 'dmarc']),
    server: 'tls',
    health: fail(['C', 'D']),
    mx: pass(),
    dns: fail(['C', 'D']),
    smtp: pass(),
  },
  {
    name: 'nonexistent domain',
    domain: 'nowhere.test',
    zone: () => '',
    health: { ...fail(F), rootCause: 'DOMAIN_NOT_FOUND', folds: ['SPF_MISSING', 'DMARC_MISSING'] },
    mx: fail(F),
    dns: fail(F),
    smtp: fail(F),
  },
  {
    name: 'mail cannot be delivered: no MX and no address',
    domain: 'nomx.test',
    zone: (d) =>
      healthy(d, '127.0.0.1')
        .split('\n')
        .filter((l) => !/\bMX\b|^mx\.|PTR/.test(l))
        .join('\n'),
    health: { ...fail(F), rootCause: 'MX_MISSING' },
    mx: fail(F),
    dns: fail(F),
    smtp: fail(F),
  },
  {
    name: 'mail cannot be delivered: null MX (RFC 7505)',
    domain: 'nullmx.test',
    zone: (d) =>
      [`${d}. 300 IN SOA ns.${d}. hostmaster.${d}. 1 3600 600 86400 60`, `${d}. MX 0 .`, `${d}. TXT "v=spf1 -all"`]
        .concat(`_dmarc.${d}. TXT "v=DMARC1; p=reject"`)
        .join('\n'),
    health: { ...fail(F), rootCause: 'MX_NULL' },
    mx: fail(F),
    dns: fail(F),
    smtp: fail(F),
  },
  {
    name: 'mail cannot be delivered: no MX host resolves',
    domain: 'dangling.test',
    zone: (d, ip) => healthy(d, ip).replace(`mx.${d}. A ${ip}`, ''),
    health: { ...fail(F), rootCause: 'MX_ALL_UNREACHABLE', folds: ['MX_TARGET_UNRESOLVABLE'] },
    mx: fail(F),
    dns: fail(F),
    smtp: fail(F),
  },
  {
    name: 'mail cannot be delivered: every MX refuses the connection',
    domain: 'refused.test',
    zone: (d, ip) => healthy(d, ip),
    server: 'closed',
    health: { ...fail(F), rootCause: 'MX_ALL_UNREACHABLE', folds: ['SMTP_CONNECTION_REFUSED'] },
    // The DNS is right; only a connection shows the MX is down.
    mx: pass(),
    dns: pass(),
    smtp: fail(F),
  },
  {
    name: 'mail cannot be delivered: every name server fails (SERVFAIL)',
    domain: 'lame.test',
    zone: () => '',
    servfail: true,
    health: { ...fail(F), rootCause: 'DOMAIN_DNS_FAILING' },
    mx: fail(F),
    dns: fail(F),
    smtp: fail(F),
  },
  {
    name: 'listed on a major blocklist (Spamhaus DBL)',
    domain: 'listed.test',
    zone: (d, ip) => `${healthy(d, ip)}\n${d}.dbl.spamhaus.org. A 127.0.1.2`,
    server: 'tls',
    health: fail(['C', 'D']),
    mx: pass(),
    dns: fail(['C', 'D']),
    smtp: pass(),
  },
  {
    name: 'expired certificate with STARTTLS',
    domain: 'expired.test',
    zone: (d, ip) => healthy(d, ip),
    server: 'expired',
    health: fail(['C', 'D']),
    mx: pass(),
    dns: pass(),
    smtp: fail(['C', 'D']),
  },
];

const DAY = 86_400_000;
const ipOf = (i: number) => `127.0.0.${20 + i}`;
const closers: (() => Promise<void>)[] = [];
const portOf = new Map<string, number>();
let dns: FixtureDnsServer;
let ca: TestCa;
let config: AppConfig;
let ports: ReturnType<typeof createEnginePorts>;
const kinds = new KindCatalog(CHECK_KINDS);

async function listen(ip: string, opts: SMTPServerOptions): Promise<number> {
  const server = new SMTPServer({ logger: false, disableReverseLookup: true, disabledCommands: ['AUTH'], ...opts });
  server.on('error', () => {});
  await new Promise<void>((r) => server.listen(0, ip, r));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return (server.server.address() as AddressInfo).port;
}

/** A port nothing listens on at `ip` (connection refused). */
async function closed(ip: string): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, ip, r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

beforeAll(async () => {
  ca = createTestCa();
  dns = await startDnsServer({
    zoneText: SCENARIOS.map((s, i) => s.zone(s.domain, ipOf(i))).join('\n'),
    signedZones: SCENARIOS.map((s) => s.domain),
  });
  for (const [i, s] of SCENARIOS.entries()) {
    if (s.servfail) dns.fault(s.domain, 'servfail');
    const host = `mx.${s.domain}`;
    const leaf = (notAfter: Date) =>
      ca.issue({ cn: host, sans: [`DNS:${host}`], notBefore: new Date(Date.now() - 30 * DAY), notAfter });
    let port: number;
    if (s.server === 'tls' || s.server === 'expired') {
      const kc = leaf(new Date(Date.now() + (s.server === 'tls' ? 90 : -1) * DAY));
      port = await listen(ipOf(i), { key: kc.key, cert: kc.cert, name: host });
    } else port = await closed(ipOf(i));
    portOf.set(s.domain, port);
  }
  config = loadConfig({
    DNS_SERVERS: dns.address,
    DNS_TIMEOUT_MS: '1000',
    DNS_CACHE_MAX_ENTRIES: '0',
    DNSBL_ZONES: 'zen.spamhaus.org',
    DNSBL_DOMAIN_ZONES: 'dbl.spamhaus.org',
    PROBE_ALLOWED_CIDRS: '127.0.0.0/8',
    PROBE_ALLOWED_PORTS: [...portOf.values()].join(','),
    PROBE_MIN_INTERVAL_MS: '0',
    PROBE_CACHE_TTL_MS: '0',
    PROBE_EHLO_NAME: 'probe.test',
    PROBE_CA_FILE: ca.caPath,
    LOG_LEVEL: 'silent',
  });
  ports = createEnginePorts(config, pino({ level: 'silent' }));
});

afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
  await dns?.stop();
  ca?.cleanup();
});

async function run(kind: string, input: Record<string, unknown>, domain: string): Promise<EngineOutcome> {
  const cfg: AppConfig = { ...config, health: { ...config.health, smtpPort: portOf.get(domain)! } };
  const ctx: EngineContext = {
    config: cfg,
    kinds,
    ports: ports(`${kind}-${domain}`),
    signal: new AbortController().signal,
    progress: () => undefined,
    secrets: {},
  };
  return kinds.get(kind)!.run(input, ctx);
}

const show = (o: EngineOutcome) =>
  `${o.verdict} ${o.score}: ${o.findings.map((f) => `${f.code}${f.folded ? `[${f.folded.join(',')}]` : ''}`).join(' ')}`;

function expectBand(o: EngineOutcome, e: Expect, what: string) {
  expect({ what, verdict: o.verdict, grade: gradeOf(o.score) }, show(o)).toEqual({
    what,
    verdict: e.verdict,
    grade: e.grades.includes(gradeOf(o.score)) ? gradeOf(o.score) : e.grades.join('|'),
  });
}

describe('health scenarios through the real kinds (mx, dns, smtp, health)', () => {
  it.each(SCENARIOS)('$name', async (s) => {
    const port = portOf.get(s.domain)!;
    const [mx, dnsOut, smtp, health] = await Promise.all([
      run('mx', { domain: s.domain }, s.domain),
      run('dns', { domain: s.domain }, s.domain),
      run('smtp', { domain: s.domain, ports: [port] }, s.domain),
      run('health', { domain: s.domain }, s.domain),
    ]);
    expectBand(mx, s.mx, 'mx');
    expectBand(dnsOut, s.dns, 'dns');
    expectBand(smtp, s.smtp, 'smtp');
    expectBand(health, s.health, 'health');
    const report = health.result as HealthReport;
    expect(report.formula).toBe(HEALTH_FORMULA_VERSION);
    expect(report.grade).toBe(gradeOf(report.score));
    expect(report.rootCause).toBe(s.health.rootCause);
    if (s.health.rootCause) {
      // Reported as the cause: first, with what it implies folded under it, not listed beside it.
      const [cause, ...rest] = report.findings;
      expect(cause!.code).toBe(s.health.rootCause);
      for (const code of s.health.folds ?? []) {
        expect(cause!.folded).toContain(code);
        expect(rest.map((f) => f.code)).not.toContain(code);
      }
    }
  });
});

describe('health scenarios (the formula alone)', () => {
  /** Findings as the catalog defines them. */
  const f = (code: string): Finding => finding(FINDING_CATALOG.get(code)!, `${code} (scenario)`);
  const ALL = new Set(AREAS);

  it('every root cause is a catalog code of mail routing', () => {
    for (const r of ROOT_CAUSES) expect(FINDING_CATALOG.get(r.code)?.area, r.code).toBe('mail_routing');
  });

  it('grade bands are contiguous from 0 to 100', () => {
    const bands = Object.values(GRADE_BANDS).sort((a, b) => a[0] - b[0]);
    expect(bands[0]![0]).toBe(0);
    expect(bands.at(-1)![1]).toBe(100);
    for (let i = 1; i < bands.length; i++) expect(bands[i]![0]).toBe(bands[i - 1]![1] + 1);
    for (const [g, [lo, hi]] of Object.entries(GRADE_BANDS)) expect([gradeOf(lo), gradeOf(hi)]).toEqual([g, g]);
  });

  it('a nonexistent domain folds everything it implies and only its own area is known', () => {
    const codes = ['DOMAIN_NOT_FOUND', 'SPF_MISSING', 'DMARC_MISSING', 'DKIM_NO_SELECTOR_FOUND', 'MTA_STS_MISSING'];
    const r = scoreHealth(codes.map(f), ALL);
    expect(r).toMatchObject({ grade: 'F', verdict: 'fail', rootCause: 'DOMAIN_NOT_FOUND' });
    expect(r.findings.map((x) => x.code)).toEqual(['DOMAIN_NOT_FOUND']);
    expect(r.findings[0]!.folded).toEqual(codes.slice(1));
    expect(r.findings[0]!.detail).toMatch(/Folded under this cause .*: SPF_MISSING, DMARC_MISSING/);
    expect(r.areas.filter((a) => a.status !== 'unknown').map((a) => a.area)).toEqual(['mail_routing']);
  });

  it('no MX folds what receives mail, but sender authentication stays judged', () => {
    const r = scoreHealth(
      ['MX_MISSING', 'MTA_STS_MISSING', 'TLSRPT_MISSING', 'DANE_TLSA_INVALID', 'SPF_MISSING'].map(f),
      ALL,
    );
    expect(r).toMatchObject({ grade: 'F', verdict: 'fail', rootCause: 'MX_MISSING' });
    expect(r.findings.map((x) => x.code)).toEqual(['MX_MISSING', 'SPF_MISSING']);
    expect(r.findings[0]!.folded).toEqual(['MTA_STS_MISSING', 'TLSRPT_MISSING', 'DANE_TLSA_INVALID']);
    expect(r.areas.find((a) => a.area === 'sender_authentication')!.status).toBe('fail');
  });

  it('a cause already folded by a kind keeps its folded codes in the health report', () => {
    const kindLevel = scoreHealth(['DOMAIN_NOT_FOUND', 'SPF_MISSING'].map(f), new Set(['mail_routing'] as const));
    const again = scoreHealth(kindLevel.findings, ALL);
    expect(again.findings[0]!.folded).toEqual(['SPF_MISSING']);
    expect(again.findings[0]!.detail.match(/Folded under/g)).toHaveLength(1);
  });
});
