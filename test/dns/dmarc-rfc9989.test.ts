/**
 * DMARC per RFC 9989 against the fixture DNS server: the DNS tree walk (policy discovery and the
 * organizational domain, at most eight queries, psd=y / psd=n), np for a non-existent subdomain,
 * removed and unknown tags, p= absent, t=y, the legacy PSL mode, and RFC 9990 external report
 * destinations. Real stub resolver, real sockets; the server's query log shows what was asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.schema';
import { checkDmarc } from '../../src/dns/dmarc.check';
import { treeWalkTargets } from '../../src/dns/dmarc.discovery';
import { migrateRemovedTags, parseDmarc } from '../../src/dns/dmarc.record';
import type { DnsResolver } from '../../src/infra/dns/resolver.port';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { testResolver } from './support';

const ZONE = `
psd.example. 300 IN SOA ns.psd.example. h.psd.example. 1 3600 600 86400 60
_dmarc.psd.example. TXT "v=DMARC1; p=reject; sp=quarantine; np=reject; psd=y"
agency.psd.example. A 192.0.2.10
_dmarc.owned.psd.example. TXT "v=DMARC1; p=quarantine; rua=mailto:d@owned.psd.example"
www.owned.psd.example. A 192.0.2.11
org.example. 300 IN SOA ns.org.example. h.org.example. 1 3600 600 86400 60
org.example. A 192.0.2.12
_dmarc.org.example. TXT "v=DMARC1; p=reject; sp=none; np=reject; rua=mailto:d@org.example"
mail.org.example. A 192.0.2.13
_dmarc.team.org.example. TXT "v=DMARC1; p=none; psd=n; rua=mailto:d@org.example"
x.team.org.example. A 192.0.2.14
_dmarc.legacy.example. TXT "v=DMARC1; p=reject; pct=0; rf=afrf; ri=3600; future=yes; rua=mailto:d@legacy.example"
_dmarc.nop.example. TXT "v=DMARC1; sp=reject"
_dmarc.ext.example. TXT "v=DMARC1; p=reject; rua=mailto:a@rcpt.example,mailto:b@org.example"
ext.example._report._dmarc.rcpt.example. TXT "v=DMARC1"
_dmarc.unauth.example. TXT "v=DMARC1; p=reject; rua=mailto:a@elsewhere.example"
_dmarc.testing.example. TXT "v=DMARC1; p=reject; t=y; rua=mailto:d@testing.example"
_dmarc.slowwalk.example. TXT "v=DMARC1; p=reject; rua=mailto:d@slowwalk.example"
`;

let server: FixtureDnsServer;
let dns: DnsResolver;

beforeAll(async () => {
  server = await startDnsServer({ zoneText: ZONE });
  server.fault('_dmarc.slowwalk.example', 'timeout', 'TXT');
  dns = testResolver(server);
});
afterAll(async () => server?.stop());

const codes = (fs: { code: string }[]) => fs.map((f) => f.code).sort();
const asked = (from: number) =>
  server.log
    .slice(from)
    .filter((q) => q.type === 'TXT' && q.name.startsWith('_dmarc.'))
    .map((q) => q.name);

describe('RFC 9989 DNS tree walk', () => {
  it('walks to the TLD: eight labels or more skip to seven, never more than eight queries', () => {
    expect(treeWalkTargets('a.b.example')).toEqual(['a.b.example', 'b.example', 'example']);
    const deep = 'l1.l2.l3.l4.l5.l6.l7.l8.l9.l10.example';
    const t = treeWalkTargets(deep);
    expect(t).toHaveLength(8);
    expect(t[0]).toBe(deep);
    expect(t[1]).toBe('l5.l6.l7.l8.l9.l10.example');
    expect(t[7]).toBe('example');
  });

  it('asks at most eight names for a deep non-existent name, reaching the TLD', async () => {
    const from = server.log.length;
    const { section } = await checkDmarc('a.b.c.d.e.f.g.h.i.nothing.example', dns);
    const names = asked(from);
    expect(names.length).toBeLessThanOrEqual(8);
    expect(names.at(-1)).toBe('_dmarc.example');
    expect(section.status).toBe('missing');
  });

  it('finds the policy of a psd=y record and puts the organizational domain one label below it', async () => {
    const { section, findings } = await checkDmarc('agency.psd.example', dns);
    expect(section.psdDomain).toBe('psd.example');
    expect(section.orgDomain).toBe('agency.psd.example');
    expect(section.orgReason).toBe('below psd=y');
    expect(section.policyDomain).toBe('psd.example');
    // agency.psd.example exists (A record): sp applies, not np.
    expect(section.appliedPolicy).toMatchObject({ policy: 'quarantine', tag: 'sp', domainExists: true });
    expect(codes(findings)).toEqual(['DMARC_ORG_DOMAIN_DIFFERS_FROM_PSL', 'DMARC_PSD_POLICY']);
    expect(findings.find((f) => f.code === 'DMARC_PSD_POLICY')!.references!.join()).toContain('rfc9989');
  });

  it('prefers the organizational domain record over the PSD one', async () => {
    const { section, findings } = await checkDmarc('www.owned.psd.example', dns);
    expect(section.orgDomain).toBe('owned.psd.example');
    expect(section.policyDomain).toBe('owned.psd.example');
    expect(codes(findings)).toEqual(['DMARC_INHERITED', 'DMARC_ORG_DOMAIN_DIFFERS_FROM_PSL']);
  });

  it('applies np= to a non-existent subdomain and sp= to an existing one', async () => {
    const ghost = await checkDmarc('ghost.org.example', dns);
    expect(ghost.section.orgDomain).toBe('org.example');
    expect(ghost.section.appliedPolicy).toMatchObject({ policy: 'reject', tag: 'np', domainExists: false });
    expect(ghost.findings.find((f) => f.code === 'DMARC_INHERITED')!.detail).toContain('np=reject');
    const mail = await checkDmarc('mail.org.example', dns);
    expect(mail.section.appliedPolicy).toMatchObject({ policy: 'none', tag: 'sp', domainExists: true });
  });

  it('stops at psd=n: that domain is the organizational domain', async () => {
    const from = server.log.length;
    const { section } = await checkDmarc('x.team.org.example', dns);
    expect(section.orgDomain).toBe('team.org.example');
    expect(section.orgReason).toBe('psd=n');
    expect(section.policyDomain).toBe('team.org.example');
    // x.team.org.example, then team.org.example: psd=n ends the walk before org.example.
    expect(asked(from)).toEqual(['_dmarc.x.team.org.example', '_dmarc.team.org.example']);
  });

  it('a timeout on the walk is indeterminate, never missing', async () => {
    const { section, findings } = await checkDmarc('sub.slowwalk.example', dns);
    expect(section.status).toBe('indeterminate');
    expect(codes(findings)).toEqual(['DMARC_LOOKUP_FAILED']);
  });

  it('legacy PSL mode asks only the domain and its PSL organizational domain', async () => {
    const from = server.log.length;
    const { section } = await checkDmarc('agency.psd.example', dns, { orgDomainMode: 'psl' });
    expect(section.orgDomainMode).toBe('psl');
    expect(section.orgDomain).toBe('psd.example');
    expect(asked(from)).toEqual(['_dmarc.agency.psd.example', '_dmarc.psd.example']);
  });
});

describe('RFC 9989 record tags', () => {
  it('reports pct, rf and ri as removed, with the migration, and ignores unknown tags', async () => {
    const { findings, section } = await checkDmarc('legacy.example', dns);
    expect(section.parsed!.valid).toBe(true);
    expect(codes(findings)).toEqual(['DMARC_REMOVED_TAG']);
    const f = findings[0]!;
    expect(f.severity).toBe('warning');
    expect(f.detail).toContain('pct=0, rf=afrf, ri=3600');
    expect(f.detail).toContain('RFC 7489');
    // pct=0 becomes t=y; rf/ri dropped; the unknown tag is kept as the owner wrote it.
    expect(f.remediation).toContain('"v=DMARC1; p=reject; t=y; rua=mailto:d@legacy.example; future=yes"');
  });

  it('migrates pct=50 by dropping it (RFC 9989 receivers already apply p= to all mail)', () => {
    expect(migrateRemovedTags({ v: 'DMARC1', p: 'reject', pct: '50' })).toEqual({ v: 'DMARC1', p: 'reject' });
    expect(parseDmarc('v=DMARC1; p=reject; pct=abc').valid).toBe(true);
  });

  it('treats a record without p= as p=none instead of rejecting it', async () => {
    const { findings, section } = await checkDmarc('nop.example', dns);
    expect(section.parsed).toMatchObject({ valid: true, pMissing: true });
    expect(section.appliedPolicy?.policy).toBe('none');
    expect(codes(findings)).toEqual(['DMARC_NO_REPORTING', 'DMARC_POLICY_NONE']);
    expect(findings.find((f) => f.code === 'DMARC_POLICY_NONE')!.detail).toContain('RFC 7489 receivers ignore');
  });

  it('reports t=y as testing mode, with the next lower policy', async () => {
    const { findings, section } = await checkDmarc('testing.example', dns);
    expect(section.appliedPolicy?.testing).toBe(true);
    expect(codes(findings)).toEqual(['DMARC_TESTING_MODE']);
    expect(findings[0]!.detail).toContain('quarantine');
  });

  it('validates psd, t and np values', () => {
    expect(parseDmarc('v=DMARC1; p=none; psd=x').errors.join()).toContain('psd');
    expect(parseDmarc('v=DMARC1; p=none; t=maybe').errors.join()).toContain('t=');
    expect(parseDmarc('v=DMARC1; p=none; np=drop').errors.join()).toContain('np=');
    expect(parseDmarc('v=DMARC1; p=none; psd=y; np=reject; t=n').valid).toBe(true);
  });
});

describe('RFC 9990 external report destinations', () => {
  it('checks <domain>._report._dmarc.<host> for hosts outside the organizational domain only', async () => {
    const ok = await checkDmarc('ext.example', dns);
    expect(ok.section.externalReports).toEqual([
      {
        uri: 'mailto:a@rcpt.example',
        authName: 'ext.example._report._dmarc.rcpt.example',
        authorized: true,
        txt: ['v=DMARC1'],
      },
      {
        uri: 'mailto:b@org.example',
        authName: 'ext.example._report._dmarc.org.example',
        authorized: false,
        txt: [],
      },
    ]);
    const bad = await checkDmarc('unauth.example', dns);
    const f = bad.findings.find((x) => x.code === 'DMARC_EXTERNAL_REPORTING_UNAUTHORIZED')!;
    expect(f.detail).toContain('RFC 9990');
    expect(f.remediation).toContain('unauth.example._report._dmarc.elsewhere.example. IN TXT "v=DMARC1"');
  });
});

describe('DNS_DMARC_ORG_DOMAIN setting', () => {
  it('defaults to the RFC 9989 tree walk, accepts psl, and names a bad value', () => {
    expect(loadConfig({}).dnsAudit.dmarcOrgDomainMode).toBe('tree-walk');
    expect(loadConfig({ DNS_DMARC_ORG_DOMAIN: 'psl' }).dnsAudit.dmarcOrgDomainMode).toBe('psl');
    const bad = () => loadConfig({ DNS_DMARC_ORG_DOMAIN: 'list', DNS_AUDIT_MAX_INFLIGHT: '0' });
    expect(bad).toThrow(/DNS_DMARC_ORG_DOMAIN: "list"/);
    expect(bad).toThrow(/DNS_AUDIT_MAX_INFLIGHT/);
  });
});
