import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { StubResolver } from '../../src/infra/dns/stub-resolver';
import { CachedResolver, cloneLookup } from '../../src/infra/dns/cached-resolver';
import { BUDGET_EXCEEDED } from '../../src/infra/dns/budget-resolver';
import { createCheckResolver, createResolver, readDnsSettings } from '../../src/infra/dns/resolver-factory';
import { systemNameservers } from '../../src/infra/dns/resolv-conf';
import { newDnsStats, type DnsStats } from '../../src/infra/dns/dns-stats';
import type { DnsResolver } from '../../src/infra/dns/resolver.port';

const ZONE = `
$ORIGIN cache.test.
$TTL 120
@      300 IN SOA ns hostmaster 1 3600 600 86400 30
a          IN A   192.0.2.1
short   5  IN A   192.0.2.2
zero    0  IN A   192.0.2.3
alias  60  IN CNAME a
`;

describe('CachedResolver', () => {
  let dns: FixtureDnsServer;
  let stats: DnsStats;
  let clock: number;
  let cache: CachedResolver;

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
  });
  afterAll(async () => {
    await dns.stop();
  });
  beforeEach(() => {
    stats = newDnsStats();
    clock = 1_000_000;
    const stub = new StubResolver({
      servers: [{ host: dns.host, port: dns.port }],
      timeoutMs: 3000,
      retries: 0,
      stats,
    });
    cache = new CachedResolver(stub, { now: () => clock, stats, maxEntries: 3 });
  });

  it('answers repeated lookups from the cache until the TTL runs out', async () => {
    const q0 = dns.queries;
    expect((await cache.query('a.cache.test', 'A')).answers).toEqual(['192.0.2.1']);
    clock += 100_000;
    const hit = await cache.query('A.Cache.Test.', 'A');
    expect(hit).toMatchObject({ name: 'A.Cache.Test', answers: ['192.0.2.1'], ttl: 20 });
    expect(dns.queries - q0).toBe(1);
    expect(stats.cacheHits).toBe(1);
    clock += 20_000;
    await cache.query('a.cache.test', 'A');
    expect(dns.queries - q0).toBe(2);
  });

  it('bounds a CNAME chain by its smallest TTL and never caches TTL 0', async () => {
    const q0 = dns.queries;
    await cache.query('alias.cache.test', 'A');
    clock += 61_000;
    await cache.query('alias.cache.test', 'A');
    expect(dns.queries - q0).toBe(2);
    await cache.query('zero.cache.test', 'A');
    await cache.query('zero.cache.test', 'A');
    expect(dns.queries - q0).toBe(4);
  });

  it('caches NXDOMAIN and NODATA for min(SOA TTL, SOA minimum) (RFC 2308 §5)', async () => {
    const q0 = dns.queries;
    expect((await cache.query('nope.cache.test', 'A')).status).toBe('nxdomain');
    expect((await cache.query('a.cache.test', 'TXT')).status).toBe('noerror');
    clock += 29_000;
    expect((await cache.query('nope.cache.test', 'A')).status).toBe('nxdomain');
    expect((await cache.query('a.cache.test', 'TXT')).answers).toEqual([]);
    expect(dns.queries - q0).toBe(2);
    clock += 2_000;
    await cache.query('nope.cache.test', 'A');
    expect(dns.queries - q0).toBe(3);
  });

  it('keeps SERVFAIL only briefly and never caches timeouts', async () => {
    dns.fault('sf.cache.test', 'servfail');
    dns.fault('to.cache.test', 'timeout');
    const r0 = dns.received;
    await cache.query('sf.cache.test', 'A');
    await cache.query('sf.cache.test', 'A');
    expect(dns.received - r0).toBe(1);
    clock += 6_000;
    await cache.query('sf.cache.test', 'A');
    expect(dns.received - r0).toBe(2);
    const fast = new CachedResolver(
      new StubResolver({ servers: [{ host: dns.host, port: dns.port }], timeoutMs: 100, retries: 0, stats }),
      { now: () => clock, stats },
    );
    expect((await fast.query('to.cache.test', 'A')).status).toBe('timeout');
    expect((await fast.query('to.cache.test', 'A')).status).toBe('timeout');
    expect(dns.received - r0).toBe(4);
    dns.fault('sf.cache.test', null);
    dns.fault('to.cache.test', null);
  });

  it('shares one upstream query among identical concurrent lookups', async () => {
    const q0 = dns.queries;
    const all = await Promise.all(Array.from({ length: 10 }, () => cache.query('short.cache.test', 'A')));
    expect(all.every((l) => l.answers[0] === '192.0.2.2')).toBe(true);
    expect(dns.queries - q0).toBe(1);
    expect(stats.deduplicated).toBe(9);
    // Each caller gets its own copy.
    (all[0]!.answers as string[]).push('tampered');
    expect((await cache.query('short.cache.test', 'A')).answers).toEqual(['192.0.2.2']);
  });

  it('copies lookups deeply: records, TXT strings, CNAMEs; opaque values as structuredClone does', () => {
    const l = {
      name: 'x.test',
      type: 'MX' as const,
      status: 'noerror' as const,
      authenticated: false,
      ttl: 60,
      cnames: ['y.test'],
      answers: [{ exchange: 'mx.x.test', priority: 10 }],
    };
    const c = cloneLookup(l);
    expect(c).toEqual(l);
    c.answers[0]!.priority = 99;
    c.cnames!.push('z.test');
    expect(l.answers[0]!.priority).toBe(10);
    expect(l.cnames).toEqual(['y.test']);
    const txt = { ...l, type: 'TXT' as const, answers: [['v=spf1 ', '-all']] };
    const t = cloneLookup(txt);
    t.answers[0]!.push('tampered');
    expect(txt.answers[0]).toEqual(['v=spf1 ', '-all']);
    const opaque = { ...l, type: 'DS' as const, answers: [{ digest: Buffer.from([1, 2, 3]) }] as unknown[] };
    expect(cloneLookup(opaque)).toEqual(structuredClone(opaque));
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    for (const n of ['a', 'short', 'alias']) await cache.query(`${n}.cache.test`, 'A');
    await cache.query('a.cache.test', 'A'); // refresh "a"
    await cache.query('a.cache.test', 'TXT'); // evicts "short"
    expect(cache.size).toBe(3);
    const q0 = dns.queries;
    await cache.query('a.cache.test', 'A');
    expect(dns.queries - q0).toBe(0);
    await cache.query('short.cache.test', 'A');
    expect(dns.queries - q0).toBe(1);
  });
});

describe('CachedResolver bound', () => {
  it('stays within maxEntries under churn and keeps the most recent entries', async () => {
    let asked = 0;
    // A resolver at the port: every name answers with a 300 s TTL.
    const inner: DnsResolver = {
      query: async (name, type) => {
        asked++;
        return { name, type, status: 'noerror', answers: ['192.0.2.1'] as never[], ttl: 300, authenticated: false };
      },
    };
    const cache = new CachedResolver(inner, { maxEntries: 640, stats: newDnsStats() });
    for (let i = 0; i < 2000; i++) {
      await cache.query(`n${i}.test`, 'A');
      expect(cache.size).toBeLessThanOrEqual(640);
    }
    const before = asked;
    for (let i = 1990; i < 2000; i++) await cache.query(`n${i}.test`, 'A');
    expect(asked).toBe(before);
    await cache.query('n0.test', 'A');
    expect(asked).toBe(before + 1);
  });
});

describe('createResolver / createCheckResolver', () => {
  let dns: FixtureDnsServer;
  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
  });
  afterAll(async () => {
    await dns.stop();
  });

  const config = (env: Record<string, string> = {}) => ({
    dnsServers: [{ host: dns.host, port: dns.port }],
    dnsTimeoutMs: 3000,
    dnsRetries: 0,
    dnsFallbackServers: [],
    env,
  });

  it('gives each check a budget over the shared cache', async () => {
    const stats = newDnsStats();
    const shared = createResolver(config({ DNS_QUERY_BUDGET: '3' }), { stats });
    const check = createCheckResolver(shared, undefined, stats);
    expect(check.budget).toBe(3);
    for (let i = 0; i < 3; i++) expect((await check.query('a.cache.test', 'A')).status).toBe('noerror');
    const over = await check.query('a.cache.test', 'A');
    expect(over).toMatchObject({ status: 'error', error: BUDGET_EXCEEDED });
    expect(check.count).toBe(3);
    expect(stats.budgetExceeded).toBe(1);
    // Another check has its own budget and reuses the cache.
    const q0 = dns.queries;
    const other = createCheckResolver(shared, 1, stats);
    expect((await other.query('a.cache.test', 'A')).status).toBe('noerror');
    expect(dns.queries - q0).toBe(0);
    expect(stats.cacheHits).toBeGreaterThanOrEqual(3);
  });

  it('reads module settings and names a bad one', () => {
    expect(readDnsSettings({})).toMatchObject({
      cacheMaxEntries: 10000,
      ednsUdpSize: 1232,
      queryBudget: 100,
      udpSockets: 4,
      maxInFlight: 128,
    });
    expect(readDnsSettings({ DNS_UDP_SOCKETS: '2', DNS_MAX_INFLIGHT: '16' })).toMatchObject({
      udpSockets: 2,
      maxInFlight: 16,
    });
    expect(() => readDnsSettings({ DNS_EDNS_UDP_SIZE: 'big' })).toThrow(/DNS_EDNS_UDP_SIZE/);
    expect(() => readDnsSettings({ DNS_MAX_INFLIGHT: '0' })).toThrow(/DNS_MAX_INFLIGHT/);
  });

  it('falls back to the nameservers of resolv.conf', () => {
    const dir = mkdtempSync(join(tmpdir(), 'resolv-'));
    const file = join(dir, 'resolv.conf');
    writeFileSync(file, `# test\nsearch example.com\nnameserver 127.0.0.1\nnameserver ::1\nnameserver bogus\n`);
    expect(systemNameservers(file)).toEqual([
      { host: '127.0.0.1', port: 53 },
      { host: '::1', port: 53 },
    ]);
    expect(systemNameservers(join(dir, 'missing'))).toEqual([{ host: '127.0.0.1', port: 53 }]);
    // Only built, not queried: port 53 on this host is not ours, and tests never leave loopback.
    expect(() => createResolver({ ...config(), dnsServers: [] }, { resolvConf: file })).not.toThrow();
  });
});
