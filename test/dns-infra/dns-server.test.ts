import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import * as dnsPacket from 'dns-packet';
import { load as yamlLoad } from 'js-yaml';
import { parseZone, startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { buildQuery, tcpQueries, udpQuery, udpRaw, type RawReply } from './raw-client';

const ZONE = join(__dirname, '../fixtures/zones/example.com.zone');
const txt = (p: RawReply | undefined) =>
  (p?.answers ?? []).filter((a) => a.type === 'TXT').map((a) => (a.data as Buffer[]).map((b) => b.toString('latin1')));

describe('zone parser', () => {
  it('parses $ORIGIN, $TTL, parentheses, blank owners, relative and absolute names', () => {
    const rrs = parseZone(readFileSync(ZONE, 'utf8'));
    const soa = rrs.find((r) => r.type === 'SOA')!;
    expect(soa.name).toBe('example.com');
    expect(soa.data).toMatchObject({ mname: 'ns1.example.com', serial: 2024010101, minimum: 60 });
    const mx = rrs.filter((r) => r.type === 'MX').map((r) => r.data);
    expect(mx).toEqual([
      { preference: 10, exchange: 'mx1.example.com' },
      { preference: 20, exchange: 'mx2.example.com' },
    ]);
    expect(rrs.find((r) => r.name === 'mx1.example.com' && r.type === 'A')!.ttl).toBe(600);
    expect(rrs.find((r) => r.name === 'mx2.example.com')!.ttl).toBe(300);
    const tlsa = rrs.find((r) => r.type === 'TLSA')!;
    expect(tlsa.name).toBe('_25._tcp.mx1.example.com');
    expect((tlsa.data as { certificate: Buffer }).certificate.toString('hex')).toBe(
      '0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6',
    );
    const quote = rrs.find((r) => r.name === 'quote.example.com')!.data as Buffer[];
    expect(quote.map((b) => b.toString('latin1'))).toEqual(['say "hi"', 'semi;colon', '\u00c8byte']);
    expect((rrs.find((r) => r.name === 'empty.example.com')!.data as Buffer[]).map((b) => b.length)).toEqual([0]);
    expect(rrs.find((r) => r.type === 'PTR')!.name).toBe('10.2.0.192.in-addr.arpa');
  });

  it('splits strings over 255 bytes into character-strings and keeps UTF-8 bytes', () => {
    const long = 'a'.repeat(600);
    const [r] = parseZone(`x.test. 60 IN TXT "${long}"\ny.test. TXT "café"`);
    expect((r!.data as Buffer[]).map((b) => b.length)).toEqual([255, 255, 90]);
    const [, y] = parseZone(`x.test. 60 IN TXT "${long}"\ny.test. TXT "café"`);
    expect((y!.data as Buffer[])[0]!.equals(Buffer.from('café', 'utf8'))).toBe(true);
  });

  it('rejects unsupported input with a line number', () => {
    expect(() => parseZone('x.test. IN HINFO a b')).toThrow(/line 1: unsupported type HINFO/);
    expect(() => parseZone('x.test. TXT "open')).toThrow(/unterminated/);
  });
});

describe('fixture DNS server', () => {
  let s: FixtureDnsServer;
  beforeAll(async () => {
    s = await startDnsServer({ zoneFiles: [ZONE], signedZones: ['example.com'] });
  });
  afterAll(async () => {
    await s.stop();
  });

  it('answers authoritatively over UDP with multi-string TXT', async () => {
    const r = await udpQuery(s.port, { name: 'example.com', type: 'TXT' });
    expect(r!.flag_aa).toBe(true);
    expect(r!.rcode).toBe('NOERROR');
    expect(txt(r)).toEqual([['v=spf1 ip4:192.0.2.0/24 ', 'include:_spf.example.net -all']]);
    expect(s.address).toBe(`127.0.0.1:${s.port}`);
  });

  it('gives NODATA with the SOA for an existing name without the type (RFC 2308 §2.2)', async () => {
    const r = await udpQuery(s.port, { name: 'mx2.example.com', type: 'AAAA' });
    expect(r!.rcode).toBe('NOERROR');
    expect(r!.answers).toHaveLength(0);
    expect(r!.authorities[0]).toMatchObject({ type: 'SOA', name: 'example.com' });
  });

  it('gives NXDOMAIN with the SOA for an absent name, NODATA for an empty non-terminal (RFC 8020)', async () => {
    const nx = await udpQuery(s.port, { name: 'nope.example.com', type: 'A' });
    expect(nx!.rcode).toBe('NXDOMAIN');
    expect(nx!.authorities[0]).toMatchObject({ type: 'SOA' });
    const ent = await udpQuery(s.port, { name: 'b.deep.example.com', type: 'A' });
    expect(ent!.rcode).toBe('NOERROR');
    expect(ent!.answers).toHaveLength(0);
    const below = await udpQuery(s.port, { name: 'zz.a.b.deep.example.com', type: 'A' });
    expect(below!.rcode).toBe('NXDOMAIN');
  });

  it('follows CNAME chains and reports NXDOMAIN for a dangling target (RFC 6604)', async () => {
    const r = await udpQuery(s.port, { name: 'WWW.example.com', type: 'A' });
    expect(r!.answers.map((a) => [a.name, a.type, a.data])).toEqual([
      ['WWW.example.com', 'CNAME', 'web.example.com'],
      ['web.example.com', 'CNAME', 'host.example.com'],
      ['host.example.com', 'A', '192.0.2.80'],
    ]);
    const d = await udpQuery(s.port, { name: 'dangling.example.com', type: 'A' });
    expect(d!.rcode).toBe('NXDOMAIN');
    expect(d!.answers.map((a) => a.type)).toEqual(['CNAME']);
    const c = await udpQuery(s.port, { name: 'www.example.com', type: 'CNAME' });
    expect(c!.answers.map((a) => a.data)).toEqual(['web.example.com']);
  });

  it('synthesizes wildcard answers only for names that do not exist (RFC 4592)', async () => {
    const w = await udpQuery(s.port, { name: 'anything.wild.example.com', type: 'A' });
    expect(w!.answers.map((a) => [a.name, a.data])).toEqual([['anything.wild.example.com', '192.0.2.77']]);
    const deep = await udpQuery(s.port, { name: 'a.b.wild.example.com', type: 'TXT' });
    expect(txt(deep)).toEqual([['wildcard']]);
    const explicit = await udpQuery(s.port, { name: 'x.wild.example.com', type: 'TXT' });
    expect(txt(explicit)).toEqual([['explicit']]);
    const noA = await udpQuery(s.port, { name: 'x.wild.example.com', type: 'A' });
    expect(noA!.rcode).toBe('NOERROR');
    expect(noA!.answers).toHaveLength(0);
  });

  it('maps MX, TLSA, CAA, PTR and sets AD for signed zones only', async () => {
    const mx = await udpQuery(s.port, { name: 'example.com', type: 'MX' });
    expect(mx!.flag_ad).toBe(true);
    expect(mx!.answers.map((a) => a.data)).toEqual([
      { preference: 10, exchange: 'mx1.example.com' },
      { preference: 20, exchange: 'mx2.example.com' },
    ]);
    const tlsa = await udpQuery(s.port, { name: '_25._tcp.mx1.example.com', type: 'TLSA' });
    expect(tlsa!.answers[0]!.data).toMatchObject({ usage: 3, selector: 1, matchingType: 1 });
    const caa = await udpQuery(s.port, { name: 'example.com', type: 'CAA' });
    expect(caa!.answers[0]!.data).toMatchObject({ tag: 'issue', value: 'letsencrypt.org' });
    const ptr = await udpQuery(s.port, { name: '10.2.0.192.in-addr.arpa', type: 'PTR' });
    expect(ptr!.flag_ad).toBe(false);
    expect(ptr!.answers[0]!.data).toBe('example.com');
  });

  it('answers several queries on one TCP connection with length framing (RFC 7766 §6.2.1)', async () => {
    const replies = await tcpQueries(s.port, [
      { name: 'example.com', type: 'A', id: 1 },
      { name: 'mx1.example.com', type: 'AAAA', id: 2 },
      { name: 'nope.example.com', type: 'A', id: 3 },
    ]);
    expect(replies.map((r) => [r.id, r.rcode])).toEqual([
      [1, 'NOERROR'],
      [2, 'NOERROR'],
      [3, 'NXDOMAIN'],
    ]);
    expect(replies[1]!.answers[0]!.data).toBe('2001:db8::25');
  });

  it('applies faults per name and type, and clears them', async () => {
    s.fault('mx2.example.com', 'servfail');
    s.fault('ns1.example.com', 'refused', 'A');
    s.fault('host.example.com', 'timeout');
    expect((await udpQuery(s.port, { name: 'mx2.example.com', type: 'A' }))!.rcode).toBe('SERVFAIL');
    expect((await udpQuery(s.port, { name: 'ns1.example.com', type: 'A' }))!.rcode).toBe('REFUSED');
    expect((await udpQuery(s.port, { name: 'ns1.example.com', type: 'AAAA' }))!.rcode).toBe('NOERROR');
    const before = s.queries;
    expect(await udpQuery(s.port, { name: 'host.example.com', type: 'A' }, 300)).toBeUndefined();
    // A fault on a CNAME target applies to the chain too.
    expect(await udpQuery(s.port, { name: 'www.example.com', type: 'A' }, 300)).toBeUndefined();
    expect(s.queries).toBe(before);
    s.fault('mx2.example.com', null);
    s.fault('ns1.example.com', null);
    s.fault('host.example.com', null);
    expect((await udpQuery(s.port, { name: 'mx2.example.com', type: 'A' }))!.answers[0]!.data).toBe('192.0.2.26');
    expect((await udpQuery(s.port, { name: 'host.example.com', type: 'A' }))!.answers[0]!.data).toBe('192.0.2.80');
  });

  it('ignores malformed packets and responses, keeps serving', async () => {
    expect(await udpRaw(s.port, Buffer.from([1, 2, 3]), 200)).toBeUndefined();
    const resp = buildQuery({ name: 'example.com', type: 'A' });
    resp.writeUInt16BE(resp.readUInt16BE(2) | 0x8000, 2); // QR=1: a response, must not be answered
    expect(await udpRaw(s.port, resp, 200)).toBeUndefined();
    // Truncated question section.
    expect(await udpRaw(s.port, buildQuery({ name: 'example.com', type: 'A' }).subarray(0, 20), 200)).toBeUndefined();
    // Garbage and an absurd length over TCP.
    await new Promise<void>((resolve) => {
      const c = net.connect(s.port, '127.0.0.1', () => {
        c.end(Buffer.from([0x00, 0x05, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
      });
      c.on('close', () => resolve());
      c.on('error', () => resolve());
      c.on('data', () => undefined);
    });
    expect((await udpQuery(s.port, { name: 'example.com', type: 'A' }))!.answers[0]!.data).toBe('192.0.2.10');
  });

  it('answers FORMERR to a query with two questions', async () => {
    const two = dnsPacket.encode({
      type: 'query',
      id: 7,
      questions: [
        { name: 'example.com', type: 'A' },
        { name: 'example.com', type: 'MX' },
      ],
    });
    const r = await udpRaw(s.port, two);
    expect(r!.rcode).toBe('FORMERR');
  });
});

describe('fixture DNS server: truncation and programmatic records', () => {
  let s: FixtureDnsServer;
  beforeAll(async () => {
    s = await startDnsServer({});
    s.addRecords([
      { name: 'big.test', type: 'TXT', data: 'x'.repeat(1500) },
      { name: 'multi.test', type: 'TXT', data: ['a', '', Buffer.from([0xc3, 0x28])] },
      { name: 'multi.test', type: 'SPF', data: 'v=spf1 -all' },
    ]);
  });
  afterAll(async () => {
    await s.stop();
  });

  it('sets TC on UDP answers over 512 bytes and answers in full over TCP', async () => {
    const u = await udpQuery(s.port, { name: 'big.test', type: 'TXT' });
    expect(u!.flag_tc).toBe(true);
    expect(u!.answers).toHaveLength(0);
    const [t] = await tcpQueries(s.port, [{ name: 'big.test', type: 'TXT' }]);
    expect(t!.flag_tc).toBe(false);
    expect(Buffer.concat(t!.answers[0]!.data as Buffer[]).length).toBe(1500);
  });

  it('honours the EDNS payload size (RFC 6891 §6.2.5)', async () => {
    const u = await udpQuery(s.port, { name: 'big.test', type: 'TXT', edns: 4096, dnssecOk: true });
    expect(u!.flag_tc).toBe(false);
    expect(u!.additionals.find((a) => a.type === 'OPT')).toBeTruthy();
  });

  it('serves empty strings, raw bytes and type SPF', async () => {
    const r = await udpQuery(s.port, { name: 'multi.test', type: 'TXT' });
    expect((r!.answers[0]!.data as Buffer[]).map((b) => b.toString('hex'))).toEqual(['61', '', 'c328']);
    const spf = await udpQuery(s.port, { name: 'multi.test', type: 'SPF' });
    expect(spf!.answers[0]!.type).toBe('SPF');
    expect((spf!.answers[0]!.data as Buffer).subarray(1).toString()).toBe('v=spf1 -all');
    // Outside any SOA zone: a synthesized root SOA still comes with negative answers.
    const nx = await udpQuery(s.port, { name: 'none.test', type: 'A' });
    expect(nx!.rcode).toBe('NXDOMAIN');
    expect(nx!.authorities[0]!.type).toBe('SOA');
  });

  it('honours truncateUdpOver', async () => {
    const small = await startDnsServer({
      zoneText: 'a.test. 60 IN TXT "0123456789012345678901234567890123456789"',
      truncateUdpOver: 60,
    });
    try {
      const u = await udpQuery(small.port, { name: 'a.test', type: 'TXT', edns: 4096 });
      expect(u!.flag_tc).toBe(true);
    } finally {
      await small.stop();
    }
  });

  it('counts queries and logs transports', async () => {
    s.clear();
    s.addRecords([{ name: 'c.test', type: 'A', data: '192.0.2.1' }]);
    await udpQuery(s.port, { name: 'c.test', type: 'A' });
    await tcpQueries(s.port, [{ name: 'c.test', type: 'A' }]);
    expect(s.queries).toBe(2);
    expect(s.log.map((l) => l.transport)).toEqual(['udp', 'tcp']);
  });
});

describe('openspf suite zonedata', () => {
  it('expresses multi-string, empty, non-ASCII TXT and TIMEOUT entries', async () => {
    const doc = yamlLoad(`
zonedata:
  null.example.com:
    - SPF: [ "v=spf1 ip4:", "192.0.2.5 -all" ]
    - SPF: [ ]
  hosed.example.com:
    - SPF:  "v=spf1 a:\\xEF\\xBB\\xBFgarbage.example.net -all"
  mx.example.com:
    - MX: [0, mail.example1.com]
  spftimeout.example.net:
    - TXT:  v=spf1 -all
    - TIMEOUT
  spfonly.example.net:
    - SPF:  v=spf1 -all
    - TXT:  NONE
`) as { zonedata: Record<string, unknown[]> };
    const s = await startDnsServer();
    try {
      s.loadSuiteData(doc.zonedata);
      const nul = await udpQuery(s.port, { name: 'null.example.com', type: 'TXT' });
      expect(txt(nul)).toEqual([['v=spf1 ip4:', '192.0.2.5 -all'], []]);
      const hosed = await udpQuery(s.port, { name: 'hosed.example.com', type: 'TXT' });
      expect((hosed!.answers[0]!.data as Buffer[])[0]!.subarray(9, 12).toString('hex')).toBe('efbbbf');
      const mx = await udpQuery(s.port, { name: 'mx.example.com', type: 'MX' });
      expect(mx!.answers[0]!.data).toEqual({ preference: 0, exchange: 'mail.example1.com' });
      expect(txt(await udpQuery(s.port, { name: 'spftimeout.example.net', type: 'TXT' }))).toEqual([['v=spf1 -all']]);
      expect(await udpQuery(s.port, { name: 'spftimeout.example.net', type: 'SPF' }, 300)).toBeUndefined();
      const only = await udpQuery(s.port, { name: 'spfonly.example.net', type: 'TXT' });
      expect(only!.rcode).toBe('NOERROR');
      expect(only!.answers).toHaveLength(0);
    } finally {
      await s.stop();
    }
  });

  it('loads the whole RFC 7208 suite without error', async () => {
    const docs: { zonedata?: Record<string, unknown[]> }[] = [];
    const text = readFileSync('/work/shared/refdata/spf/openspf/rfc7208-tests.yml', 'utf8');
    for (const part of text.split(/^---$/m)) {
      const d = yamlLoad(part) as { zonedata?: Record<string, unknown[]> } | undefined;
      if (d?.zonedata) docs.push(d);
    }
    expect(docs.length).toBeGreaterThan(10);
    const s = await startDnsServer();
    try {
      for (const d of docs) s.loadSuiteData(d.zonedata!);
      const r = await udpQuery(s.port, { name: 'mail.example.com', type: 'A' });
      expect(r!.rcode).toBe('NOERROR');
    } finally {
      await s.stop();
    }
  });
});

it('serves on a fixed port when asked', async () => {
  const probe = dgram.createSocket('udp4');
  await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
  const port = probe.address().port;
  await new Promise<void>((r) => probe.close(() => r()));
  const s = await startDnsServer({ port, zoneText: 'p.test. A 192.0.2.9' });
  try {
    expect(s.port).toBe(port);
    expect((await udpQuery(port, { name: 'p.test', type: 'A' }))!.answers[0]!.data).toBe('192.0.2.9');
  } finally {
    await s.stop();
  }
});
