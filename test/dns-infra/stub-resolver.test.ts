import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as dgram from 'node:dgram';
import { join } from 'node:path';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { StubResolver, type StubResolverOptions } from '../../src/infra/dns/stub-resolver';
import { newDnsStats, type DnsStats } from '../../src/infra/dns/dns-stats';
import type { DnsServer } from '../../src/config/config.schema';

const ZONE = join(__dirname, '../fixtures/zones/example.com.zone');
const srv = (s: FixtureDnsServer): DnsServer => ({ host: s.host, port: s.port });

/** A port on which nothing listens (bound then closed). */
async function deadPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

describe('StubResolver against the fixture server', () => {
  let dns: FixtureDnsServer;
  let stats: DnsStats;
  const make = (o: Partial<StubResolverOptions> = {}) =>
    new StubResolver({ servers: [srv(dns)], timeoutMs: 2000, retries: 0, stats, ...o });

  beforeAll(async () => {
    dns = await startDnsServer({ zoneFiles: [ZONE], signedZones: ['example.com'] });
    dns.addRecords([
      // ~2 KB: over the 1232-byte EDNS size the resolver advertises, so UDP comes back with TC.
      {
        name: 'big.example.org',
        type: 'TXT',
        data: ['v=spf1 ', ...Array<string>(8).fill(`ip4:192.0.2.1 ${'x'.repeat(230)} `), '-all'],
      },
      {
        name: 'bytes.example.org',
        type: 'TXT',
        data: [
          Buffer.from('v=spf1 \x80a -all', 'latin1'),
          Buffer.from('caf\u00e9'),
          Buffer.from([0xef, 0xbb, 0xbf, 0x41]),
        ],
      },
      { name: 'spf.example.org', type: 'SPF', data: ['v=spf1 ', '-all'] },
      { name: 'loop1.example.org', type: 'CNAME', data: 'loop2.example.org' },
      { name: 'loop2.example.org', type: 'CNAME', data: 'loop1.example.org' },
    ]);
  });
  afterAll(async () => {
    await dns.stop();
  });
  beforeAll(() => {
    stats = newDnsStats();
  });

  it('noerror with answers: TXT chunks, TTL, AD from a validating resolver, server', async () => {
    const l = await make().query('Example.COM.', 'TXT');
    expect(l).toMatchObject({
      name: 'Example.COM',
      status: 'noerror',
      authenticated: true,
      ttl: 300,
      server: dns.address,
    });
    expect(l.answers).toEqual([['v=spf1 ip4:192.0.2.0/24 ', 'include:_spf.example.net -all']]);
  });

  it('maps MX, TLSA, SOA, PTR, CAA, AAAA, NS and type SPF to the port shapes', async () => {
    const r = make();
    expect((await r.query('example.com', 'MX')).answers).toEqual([
      { exchange: 'mx1.example.com', priority: 10 },
      { exchange: 'mx2.example.com', priority: 20 },
    ]);
    expect((await r.query('_25._tcp.mx1.example.com', 'TLSA')).answers).toEqual([
      {
        usage: 3,
        selector: 1,
        matchingType: 1,
        certificate: '0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6',
      },
    ]);
    expect((await r.query('example.com', 'SOA')).answers[0]).toEqual({
      mname: 'ns1.example.com',
      rname: 'hostmaster.example.com',
      serial: 2024010101,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minimum: 60,
    });
    expect((await r.query('10.2.0.192.in-addr.arpa', 'PTR')).answers).toEqual(['example.com']);
    expect((await r.query('example.com', 'CAA')).answers[0]).toMatchObject({ tag: 'issue', value: 'letsencrypt.org' });
    expect((await r.query('mx1.example.com', 'AAAA')).answers).toEqual(['2001:db8::25']);
    expect((await r.query('example.com', 'NS')).answers).toEqual(['ns1.example.com', 'ns2.example.net']);
    expect((await r.query('spf.example.org', 'SPF')).answers).toEqual([['v=spf1 ', '-all']]);
  });

  it('keeps non-ASCII TXT bytes visible: latin1 for invalid UTF-8, UTF-8 otherwise, BOM kept', async () => {
    const l = await make().query('bytes.example.org', 'TXT');
    const [chunks] = l.answers as string[][];
    expect(chunks![0]).toBe('v=spf1 \u0080a -all');
    expect(chunks![1]).toBe('café');
    expect(chunks![2]).toBe('\ufeffA');
  });

  it('NODATA, NXDOMAIN (with the SOA-based negative TTL) and empty non-terminals', async () => {
    const r = make();
    const nodata = await r.resolve('mx2.example.com', 'TXT');
    expect(nodata.lookup).toMatchObject({ status: 'noerror', answers: [] });
    expect(nodata.negativeTtl).toBe(60); // min(SOA TTL 300, minimum 60), RFC 2308 §5
    const nx = await r.resolve('missing.example.com', 'A');
    expect(nx.lookup.status).toBe('nxdomain');
    expect(nx.negativeTtl).toBe(60);
    expect((await r.query('deep.example.com', 'A')).status).toBe('noerror');
  });

  it('follows CNAME chains and reports them in order', async () => {
    const l = await make().query('www.example.com', 'A');
    expect(l).toMatchObject({
      status: 'noerror',
      answers: ['192.0.2.80'],
      cnames: ['www.example.com', 'web.example.com'],
    });
    const d = await make().query('dangling.example.com', 'A');
    expect(d).toMatchObject({ status: 'nxdomain', cnames: ['dangling.example.com'], answers: [] });
    expect((await make().query('loop1.example.org', 'A')).status).toBe('servfail');
  });

  it('SERVFAIL and REFUSED are statuses, not exceptions', async () => {
    dns.fault('sf.example.com', 'servfail');
    dns.fault('rf.example.com', 'refused');
    expect((await make().query('sf.example.com', 'A')).status).toBe('servfail');
    expect((await make().query('rf.example.com', 'A')).status).toBe('refused');
  });

  it('times out per try and retries dnsRetries times', async () => {
    dns.fault('slow.example.com', 'timeout');
    const before = dns.received;
    const t0 = stats.timeouts;
    const l = await make({ timeoutMs: 150, retries: 2 }).query('slow.example.com', 'A');
    expect(l.status).toBe('timeout');
    expect(l.error).toMatch(/no answer within 150 ms/);
    expect(dns.received - before).toBe(3);
    expect(stats.timeouts - t0).toBe(3);
  });

  it('retries over TCP when the UDP answer is truncated', async () => {
    const before = stats.tcpFallbacks;
    const l = await make().query('big.example.org', 'TXT');
    expect(l.status).toBe('noerror');
    expect((l.answers[0] as string[]).join('').length).toBeGreaterThan(1900);
    expect(stats.tcpFallbacks - before).toBe(1);
    expect(dns.log.slice(-2).map((e) => e.transport)).toEqual(['udp', 'tcp']);
  });

  it('sends EDNS0 with DO, or plain queries when EDNS is disabled', async () => {
    await make().query('example.com', 'A');
    expect(dns.log.at(-1)!.do).toBe(true);
    const l = await make({ ednsUdpSize: 0 }).query('example.com', 'A');
    expect(l.status).toBe('noerror');
    expect(dns.log.at(-1)!.do).toBe(false);
  });

  it('uses fallback servers when the primaries fail', async () => {
    const fallback = await startDnsServer({ zoneText: 'only-fallback.test. 60 A 192.0.2.5' });
    try {
      const r = make({
        servers: [{ host: '127.0.0.1', port: await deadPort() }, srv(dns)],
        fallbackServers: [srv(fallback)],
        timeoutMs: 1000,
      });
      dns.fault('only-fallback.test', 'timeout');
      const l = await r.query('only-fallback.test', 'A');
      expect(l).toMatchObject({ status: 'noerror', answers: ['192.0.2.5'], server: fallback.address });
      // A SERVFAIL from the primary also moves on to the fallback.
      dns.fault('only-fallback.test', 'servfail');
      expect((await r.query('only-fallback.test', 'A')).server).toBe(fallback.address);
    } finally {
      await fallback.stop();
    }
  });

  it('rejects over-long names without sending anything', async () => {
    const before = dns.received;
    const l = await make().query(`${'a'.repeat(64)}.example.com`, 'TXT');
    expect(l).toMatchObject({ status: 'error', error: expect.stringMatching(/invalid domain name/) });
    expect(dns.received).toBe(before);
  });

  it('an aborted signal ends the lookup as indeterminate', async () => {
    dns.fault('slow2.example.com', 'timeout');
    const ac = new AbortController();
    const p = make({ timeoutMs: 5000 }).query('slow2.example.com', 'A', { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect(await p).toMatchObject({ status: 'timeout', error: expect.stringMatching(/aborted/) });
  });
});
