import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as dnsPacket from 'dns-packet';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { syntheticZone } from '../support/synthetic-zone';
import { StubResolver } from '../../src/infra/dns/stub-resolver';
import { CachedResolver } from '../../src/infra/dns/cached-resolver';
import { newDnsStats } from '../../src/infra/dns/dns-stats';
import { buildQuery, udpQuery, udpRaw } from './raw-client';

/** Deterministic PRNG (mulberry32) so a failing fuzz case can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Crafter = (query: Buffer, q: { id: number; name: string }) => Buffer[];

/** A hostile UDP "server" on loopback answering with crafted bytes. */
async function rogueServer(craft: Crafter): Promise<{ port: number; stop: () => Promise<void>; sock: dgram.Socket }> {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    for (const out of craft(msg, { id: q.id!, name: q.questions![0]!.name })) sock.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  return { port: sock.address().port, sock, stop: () => new Promise<void>((r) => sock.close(() => r())) };
}

/** Header + the query's question + one A answer whose owner-name bytes are supplied raw. */
function responseWithOwner(
  query: Buffer,
  id: number,
  owner: (offset: number) => Buffer,
  rdata = Buffer.from([192, 0, 2, 1]),
  rdlength = rdata.length,
): Buffer {
  // The question section runs from byte 12 to the end of the (uncompressed) query.
  const qEnd = query.length - (query.readUInt16BE(10) ? 11 : 0);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x8180, 2); // QR, RD, RA, NOERROR
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(1, 6);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(1, 0); // A
  fixed.writeUInt16BE(1, 2); // IN
  fixed.writeUInt32BE(60, 4);
  fixed.writeUInt16BE(rdlength, 8);
  return Buffer.concat([header, query.subarray(12, qEnd), owner(qEnd), fixed, rdata]);
}

const ptr = (to: number): Buffer => Buffer.from([0xc0 | (to >> 8), to & 0xff]);
const stub = (port: number, timeoutMs = 3000) =>
  new StubResolver({ servers: [{ host: '127.0.0.1', port }], timeoutMs, retries: 0, stats: newDnsStats() });

describe('resolver against hostile responses', () => {
  it('a compression pointer to itself gives error, not a hang (RFC 1035 §4.1.4)', async () => {
    const rogue = await rogueServer((query, { id }) => [responseWithOwner(query, id, (off) => ptr(off))]);
    try {
      const l = await stub(rogue.port, 30_000).query('loop.test', 'A');
      expect(l).toMatchObject({ status: 'error', error: expect.stringMatching(/malformed/) });
    } finally {
      await rogue.stop();
    }
  });

  it('a two-pointer loop and a pointer past the end give error', async () => {
    for (const owner of [
      (off: number) => Buffer.concat([Buffer.from([1, 0x61]), ptr(off + 4), ptr(off)]),
      () => ptr(0x3fff),
    ]) {
      const rogue = await rogueServer((query, { id }) => [responseWithOwner(query, id, owner)]);
      try {
        expect((await stub(rogue.port, 30_000).query('loop2.test', 'A')).status).toBe('error');
      } finally {
        await rogue.stop();
      }
    }
  });

  it('RDATA overrunning the packet gives error', async () => {
    const rogue = await rogueServer((query, { id }) => [
      responseWithOwner(query, id, () => Buffer.from([0]), Buffer.from([1, 2]), 400),
    ]);
    try {
      expect((await stub(rogue.port, 30_000).query('short.test', 'A')).status).toBe('error');
    } finally {
      await rogue.stop();
    }
  });

  it('ignores a wrong id and a wrong question, accepts the genuine answer after them (RFC 5452)', async () => {
    const rogue = await rogueServer((query, { id, name }) => {
      const good = (n: string, i: number) =>
        dnsPacket.encode({
          type: 'response',
          id: i,
          flags: dnsPacket.RECURSION_AVAILABLE,
          questions: [{ name: n, type: 'A' }],
          answers: [{ name: n, type: 'A', ttl: 60, data: n === name && i === id ? '192.0.2.1' : '6.6.6.6' }],
        });
      return [good(name, (id + 1) & 0xffff), good(`evil.${name}`, id), good(name, id)];
    });
    try {
      expect(await stub(rogue.port).query('spoof.test', 'A')).toMatchObject({
        status: 'noerror',
        answers: ['192.0.2.1'],
      });
    } finally {
      await rogue.stop();
    }
  });

  it('drops a right-looking answer from another source port (connected UDP socket)', async () => {
    const other = dgram.createSocket('udp4');
    await new Promise<void>((r) => other.bind(0, '127.0.0.1', () => r()));
    const rogue = await rogueServer((query, { id, name }) => {
      const forged = dnsPacket.encode({
        type: 'response',
        id,
        questions: [{ name, type: 'A' }],
        answers: [{ name, type: 'A', ttl: 60, data: '6.6.6.6' }],
      });
      return [forged];
    });
    // Send the forged reply from `other`, never from the server's own port.
    rogue.sock.removeAllListeners('message');
    rogue.sock.on('message', (msg, rinfo) => {
      const q = dnsPacket.decode(msg);
      const name = q.questions![0]!.name;
      const forged = dnsPacket.encode({
        type: 'response',
        id: q.id,
        questions: [{ name, type: 'A' }],
        answers: [{ name, type: 'A', ttl: 60, data: '6.6.6.6' }],
      });
      other.send(forged, rinfo.port, rinfo.address);
    });
    try {
      expect((await stub(rogue.port, 300).query('forged.test', 'A')).status).toBe('timeout');
    } finally {
      await rogue.stop();
      await new Promise<void>((r) => other.close(() => r()));
    }
  });

  it('TCP: a reply for another id, or a connection closed mid-message, is an error', async () => {
    for (const mode of ['wrong-id', 'short'] as const) {
      // Answers UDP with TC so the resolver moves to TCP, where the hostile part is.
      const udp = await rogueServer((query, { id, name }) => [
        dnsPacket.encode({
          type: 'response',
          id,
          flags: dnsPacket.TRUNCATED_RESPONSE,
          questions: [{ name, type: 'A' }],
        }),
      ]);
      const tcp = net.createServer((sock) => {
        sock.on('error', () => undefined);
        sock.once('data', (d) => {
          const q = dnsPacket.decode(d.subarray(2));
          if (mode === 'wrong-id') {
            sock.end(
              dnsPacket.streamEncode({
                type: 'response',
                id: (q.id! + 1) & 0xffff,
                questions: q.questions,
                answers: [],
              }),
            );
          } else {
            sock.end(Buffer.from([0xff, 0xff, 1, 2, 3]));
          }
        });
      });
      await new Promise<void>((r) => tcp.listen(udp.port, '127.0.0.1', () => r()));
      try {
        const l = await stub(udp.port, 30_000).query('tcp.test', 'A');
        expect(l.status).toBe('error');
      } finally {
        await udp.stop();
        await new Promise<void>((r) => tcp.close(() => r()));
      }
    }
  });
});

describe('fixture server under hostile input and large answers', () => {
  let dns: FixtureDnsServer;
  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: 'ok.test. 60 A 192.0.2.1' });
    // ~60 KB of TXT: fits a TCP message (65535) only.
    dns.addRecords(
      Array.from({ length: 240 }, (_, i) => ({ name: 'huge.test', type: 'TXT', data: `${i}:`.padEnd(240, 'x') })),
    );
    // Over 65535 bytes: no server can send it.
    dns.addRecords(
      Array.from({ length: 300 }, (_, i) => ({ name: 'toohuge.test', type: 'TXT', data: `${i}:`.padEnd(250, 'y') })),
    );
  });
  afterAll(async () => {
    await dns.stop();
  });

  it('survives random and mutated datagrams and TCP frames', async () => {
    const rnd = prng(20240101);
    const sock = dgram.createSocket('udp4');
    const valid = buildQuery({ name: 'ok.test', type: 'A', edns: 1232 });
    for (let i = 0; i < 1500; i++) {
      let b: Buffer;
      if (i % 2) {
        b = Buffer.from(Array.from({ length: Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256)));
      } else {
        b = Buffer.from(valid);
        for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      }
      sock.send(b, dns.port, '127.0.0.1');
    }
    await new Promise((r) => setTimeout(r, 200));
    sock.close();
    await new Promise<void>((resolve) => {
      const c = net.connect(dns.port, '127.0.0.1', () => {
        const frames: Buffer[] = [];
        for (let i = 0; i < 200; i++) {
          const body = Buffer.from(Array.from({ length: Math.floor(rnd() * 100) }, () => Math.floor(rnd() * 256)));
          const len = Buffer.alloc(2);
          len.writeUInt16BE(body.length, 0);
          frames.push(len, body);
        }
        c.end(Buffer.concat(frames));
      });
      c.on('data', () => undefined);
      c.on('error', () => resolve());
      c.on('close', () => resolve());
    });
    expect((await udpQuery(dns.port, { name: 'ok.test', type: 'A' }))!.answers[0]!.data).toBe('192.0.2.1');
    expect(await udpRaw(dns.port, Buffer.alloc(0), 200)).toBeUndefined();
  });

  it('delivers a ~60 KB TXT RRset over TCP after TC, and SERVFAIL when it cannot fit 65535', async () => {
    const r = new CachedResolver(stub(dns.port), { stats: newDnsStats() });
    const l = await r.query('huge.test', 'TXT');
    expect(l.status).toBe('noerror');
    expect(l.answers).toHaveLength(240);
    expect(dns.log.at(-1)!.transport).toBe('tcp');
    expect((await r.query('toohuge.test', 'TXT')).status).toBe('servfail');
  });
});

describe('syntheticZone', () => {
  it('generates N loadable domains that resolve', async () => {
    const { zoneText, domains } = syntheticZone(50);
    expect(domains).toHaveLength(50);
    const dns = await startDnsServer({ zoneText });
    try {
      const r = stub(dns.port);
      expect((await r.query(domains[3]!, 'MX')).answers).toHaveLength(2);
      expect((await r.query(`_dmarc.${domains[6]!}`, 'TXT')).status).toBe('nxdomain'); // the variety gap
      expect((await r.query(`_dmarc.${domains[5]!}`, 'TXT')).answers).toHaveLength(1);
      expect((await r.query(`_25._tcp.mx1.${domains[0]!}`, 'TLSA')).answers).toHaveLength(1);
    } finally {
      await dns.stop();
    }
  });
});
