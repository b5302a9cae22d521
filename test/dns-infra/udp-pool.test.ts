import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as dgram from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { StubResolver, type StubResolverOptions } from '../../src/infra/dns/stub-resolver';
import { newDnsStats, type DnsStats } from '../../src/infra/dns/dns-stats';
import { createResolver } from '../../src/infra/dns/resolver-factory';

/** Waits until `cond` holds; a condition, not a time limit (the test timeout bounds it). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

interface Held {
  msg: Buffer;
  rinfo: dgram.RemoteInfo;
  id: number;
  name: string;
}

/**
 * A scriptable UDP DNS server: it records each query with the client's source port and either
 * answers at once (A = 192.0.2.N for name qN.test) or holds queries until the test releases them.
 */
async function scriptedServer() {
  const sock = dgram.createSocket('udp4');
  const s = {
    port: 0,
    hold: false,
    held: [] as Held[],
    ports: [] as number[],
    received: 0,
    answered: 0,
    maxOutstanding: 0,
    answer(h: Held, o: { id?: number; name?: string; data?: string } = {}) {
      const name = o.name ?? h.name;
      const out = dnsPacket.encode({
        type: 'response',
        id: o.id ?? h.id,
        flags: dnsPacket.RECURSION_AVAILABLE,
        questions: [{ name, type: 'A' }],
        answers: [{ name, type: 'A', ttl: 60, data: o.data ?? addressFor(name) }],
      });
      if (o.id === undefined && o.name === undefined) s.answered++;
      sock.send(out, h.rinfo.port, h.rinfo.address);
    },
    release() {
      s.hold = false;
      for (const h of s.held.splice(0)) s.answer(h);
    },
    stop: () => new Promise<void>((r) => sock.close(() => r())),
  };
  sock.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const h: Held = { msg, rinfo, id: q.id!, name: q.questions![0]!.name };
    s.received++;
    s.ports.push(rinfo.port);
    s.maxOutstanding = Math.max(s.maxOutstanding, s.received - s.answered);
    if (s.hold) s.held.push(h);
    else s.answer(h);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  s.port = sock.address().port;
  return s;
}

const addressFor = (name: string): string => {
  const n = Number(/^q(\d+)\./.exec(name)?.[1] ?? 0);
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

describe('UDP socket pool', () => {
  let stats: DnsStats;
  const resolvers: StubResolver[] = [];
  const make = (port: number, o: Partial<StubResolverOptions> = {}) => {
    const r = new StubResolver({ servers: [{ host: '127.0.0.1', port }], timeoutMs: 30_000, retries: 0, stats, ...o });
    resolvers.push(r);
    return r;
  };
  afterEach(() => {
    for (const r of resolvers.splice(0)) r.close();
    stats = newDnsStats();
  });
  beforeAll(() => {
    stats = newDnsStats();
  });

  describe('against the fixture server', () => {
    let dns: FixtureDnsServer;
    beforeAll(async () => {
      dns = await startDnsServer();
      dns.addRecords(
        Array.from({ length: 600 }, (_, n) => ({ name: `q${n}.test`, type: 'A', data: addressFor(`q${n}.test`) })),
      );
    });
    afterAll(async () => {
      await dns.stop();
    });

    it('answers 600 concurrent queries over 2 sockets, each with its own answer', async () => {
      const r = make(dns.port, { udp: { sockets: 2, maxInFlight: 64 } });
      const names = Array.from({ length: 600 }, (_, n) => `q${n}.test`);
      const out = await Promise.all(names.map((n) => r.query(n, 'A')));
      out.forEach((l, n) =>
        expect(l).toMatchObject({ name: `q${n}.test`, status: 'noerror', answers: [addressFor(`q${n}.test`)] }),
      );
      expect(stats.socketsOpened).toBe(2);
      expect(stats.queued).toBe(600 - 64);
      expect(stats.timeouts).toBe(0);
      expect(stats.foreignPackets).toBe(0);
    });

    it('a query waiting behind a timed-out one gets its own full timeout once sent', async () => {
      dns.fault('q1.test', 'timeout');
      try {
        const r = make(dns.port, { timeoutMs: 1000, udp: { maxInFlight: 1 } });
        const first = r.query('q1.test', 'A');
        // Queued for as long as the first query's whole timeout: counted from enqueueing it would expire too.
        const second = r.query('q2.test', 'A');
        expect(await first).toMatchObject({ status: 'timeout' });
        expect(await second).toMatchObject({ status: 'noerror', answers: [addressFor('q2.test')] });
        expect(stats.queued).toBe(1);
      } finally {
        dns.fault('q1.test', null);
      }
    });

    it('createResolver applies DNS_UDP_SOCKETS and DNS_MAX_INFLIGHT', async () => {
      const shared = createResolver(
        {
          dnsServers: [{ host: dns.host, port: dns.port }],
          dnsTimeoutMs: 30_000,
          dnsRetries: 0,
          dnsFallbackServers: [],
          env: { DNS_UDP_SOCKETS: '1', DNS_MAX_INFLIGHT: '2' },
        },
        { stats },
      );
      const out = await Promise.all([10, 11, 12, 13, 14].map((n) => shared.query(`q${n}.test`, 'A')));
      expect(out.map((l) => l.answers[0])).toEqual([10, 11, 12, 13, 14].map((n) => addressFor(`q${n}.test`)));
      expect(stats.socketsOpened).toBe(1);
      expect(stats.queued).toBe(3);
    });
  });

  describe('against a scripted server', () => {
    let srv: Awaited<ReturnType<typeof scriptedServer>>;
    beforeAll(async () => {
      srv = await scriptedServer();
    });
    afterAll(async () => {
      await srv.stop();
    });
    afterEach(() => {
      srv.release();
      Object.assign(srv, { ports: [], received: 0, answered: 0, maxOutstanding: 0 });
    });

    it('never has more than maxInFlight queries outstanding; the rest wait and are all answered', async () => {
      srv.hold = true;
      const r = make(srv.port, { udp: { sockets: 3, maxInFlight: 10 } });
      const pending = Array.from({ length: 100 }, (_, n) => r.query(`q${n}.test`, 'A'));
      // Every query was handed to the pool synchronously: 10 sent, 90 queued, none dropped.
      expect(stats.queued).toBe(90);
      await until(() => srv.held.length === 10);
      srv.release();
      const out = await Promise.all(pending);
      out.forEach((l, n) => expect(l.answers).toEqual([addressFor(`q${n}.test`)]));
      expect(srv.received).toBe(100);
      expect(srv.maxOutstanding).toBe(10);
      expect(new Set(srv.ports).size).toBe(3);
    });

    it("ignores an answer with the right id but another in-flight query's question (RFC 5452 §9.1)", async () => {
      srv.hold = true;
      const r = make(srv.port, { udp: { sockets: 1 } });
      const a = r.query('q1.test', 'A');
      const b = r.query('q2.test', 'A');
      await until(() => srv.held.length === 2);
      const [ha, hb] = srv.held.splice(0) as [Held, Held];
      expect(ha.rinfo.port).toBe(hb.rinfo.port); // the same socket carries both
      // Cross-wired: a's id with b's question and a forged address, and the reverse.
      srv.answer(ha, { name: hb.name, data: '6.6.6.6' });
      srv.answer(hb, { name: ha.name, data: '6.6.6.6' });
      await until(() => stats.foreignPackets === 2);
      srv.answer(ha);
      srv.answer(hb);
      expect(await a).toMatchObject({ status: 'noerror', answers: [addressFor('q1.test')] });
      expect(await b).toMatchObject({ status: 'noerror', answers: [addressFor('q2.test')] });
    });

    it('drops answers from another source port even with the right id and question', async () => {
      srv.hold = true;
      const other = dgram.createSocket('udp4');
      await new Promise<void>((res) => other.bind(0, '127.0.0.1', () => res()));
      try {
        const r = make(srv.port, { timeoutMs: 30_000, udp: { sockets: 1 } });
        const p = r.query('q3.test', 'A');
        await until(() => srv.held.length === 1);
        const h = srv.held.shift()!;
        const forged = dnsPacket.encode({
          type: 'response',
          id: h.id,
          questions: [{ name: h.name, type: 'A' }],
          answers: [{ name: h.name, type: 'A', ttl: 60, data: '6.6.6.6' }],
        });
        await new Promise<void>((res) => other.send(forged, h.rinfo.port, h.rinfo.address, () => res()));
        srv.answer(h);
        expect(await p).toMatchObject({ status: 'noerror', answers: [addressFor('q3.test')] });
      } finally {
        await new Promise<void>((res) => other.close(() => res()));
      }
    });

    it('rotates to a fresh random source port after maxQueriesPerSocket queries', async () => {
      const r = make(srv.port, { udp: { sockets: 1, maxQueriesPerSocket: 10 } });
      for (let n = 0; n < 35; n++)
        expect((await r.query(`q${n}.test`, 'A')).answers).toEqual([addressFor(`q${n}.test`)]);
      const runs = [0, 10, 20, 30].map((i) => srv.ports[i]);
      expect(new Set(runs).size).toBe(4);
      for (let i = 0; i < 35; i++) expect(srv.ports[i]).toBe(runs[Math.floor(i / 10)]);
      expect(stats.socketsOpened).toBe(4);
    });

    it('retires a socket that receives a flood of guessed answers, and keeps answering', async () => {
      srv.hold = true;
      const r = make(srv.port, { udp: { sockets: 1, maxForeignPerSocket: 8 } });
      const p = r.query('q5.test', 'A');
      await until(() => srv.held.length === 1);
      const h = srv.held.shift()!;
      // Guessed ids from the server's own address and port (as an on-path-port, off-path-id attacker would).
      for (let k = 1; k <= 8; k++) srv.answer(h, { id: (h.id + k) & 0xffff, data: '6.6.6.6' });
      await until(() => stats.foreignPackets === 8);
      srv.answer(h); // the retired socket stays open for the query it still carries
      expect(await p).toMatchObject({ answers: [addressFor('q5.test')] });
      srv.hold = false;
      expect((await r.query('q6.test', 'A')).answers).toEqual([addressFor('q6.test')]);
      expect(stats.socketsOpened).toBe(2);
      expect(srv.ports[1]).not.toBe(srv.ports[0]);
    });

    it('a query aborted while queued is never sent, and frees nothing it did not hold', async () => {
      srv.hold = true;
      const r = make(srv.port, { udp: { maxInFlight: 1 } });
      const first = r.query('q7.test', 'A');
      const ac = new AbortController();
      const aborted = r.query('q8.test', 'A', { signal: ac.signal });
      const third = r.query('q9.test', 'A');
      ac.abort();
      expect(await aborted).toMatchObject({ status: 'timeout', error: expect.stringMatching(/aborted/) });
      await until(() => srv.held.length === 1);
      srv.release();
      expect((await first).answers).toEqual([addressFor('q7.test')]);
      expect((await third).answers).toEqual([addressFor('q9.test')]);
      expect(srv.received).toBe(2);
      expect(srv.maxOutstanding).toBe(1);
    });

    it('closes the sockets of an idle server and reopens on demand', async () => {
      const r = make(srv.port, { udp: { sockets: 2, idleCloseMs: 50 } });
      await Promise.all([r.query('q12.test', 'A'), r.query('q13.test', 'A')]);
      expect(stats.socketsOpened).toBe(2);
      await until(() => stats.socketsClosed === 2);
      expect((await r.query('q14.test', 'A')).answers).toEqual([addressFor('q14.test')]);
      expect(stats.socketsOpened).toBe(3);
    });

    it('close() ends lookups in flight and queued as errors', async () => {
      srv.hold = true;
      const r = make(srv.port, { udp: { maxInFlight: 1 } });
      const a = r.query('q10.test', 'A');
      const b = r.query('q11.test', 'A');
      await until(() => srv.held.length === 1);
      r.close();
      expect(await a).toMatchObject({ status: 'error', error: expect.stringMatching(/closed/) });
      expect(await b).toMatchObject({ status: 'error', error: expect.stringMatching(/closed/) });
    });
  });
});
