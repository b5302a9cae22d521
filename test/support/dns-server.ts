/**
 * A real DNS fixture server for tests and benches: authoritative answers from zone text, on
 * 127.0.0.1, UDP and TCP on the same ephemeral port, so a resolver under test goes through real
 * sockets and real packet encoding (a mocked DNS hides parsing bugs).
 *
 * ```ts
 * const dns = await startDnsServer({ zoneText: `
 *   $ORIGIN example.com.
 *   @   300 IN SOA ns1 hostmaster 1 3600 600 86400 60
 *   @       TXT "v=spf1 " "-all"
 *   *.w     A   192.0.2.1` , signedZones: ['example.com'] });
 * // DNS_SERVERS=dns.address
 * dns.fault('slow.example.com', 'timeout');
 * await dns.stop();
 * ```
 *
 * Semantics (what a recursive resolver in front of real authoritative servers would report):
 * - every answer has AA (and RA, so it also looks like the recursive resolver a stub talks to);
 * - name with no records of the type: NOERROR/NODATA with the SOA in authority (RFC 2308 §2.2);
 * - name absent: NXDOMAIN with the SOA; a name with descendants is an empty non-terminal and gives
 *   NODATA, not NXDOMAIN (RFC 8020);
 * - wildcards `*.zone` answer for names that do not exist below the closest encloser (RFC 4592 §3.3);
 * - CNAMEs are followed (CNAME + target records, like a recursive resolver; RFC 1034 §3.6.2), and an
 *   absent target gives NXDOMAIN with the CNAME in the answer (RFC 6604);
 * - the negative-answer SOA is the one of the closest enclosing zone apex; data without any SOA
 *   gets a synthesized SOA for the root with minimum 60;
 * - UDP answers larger than 512 bytes, or the client's EDNS payload size (RFC 6891 §6.2.5), or
 *   `truncateUdpOver` when set, come back empty with TC so clients retry over TCP (RFC 7766 §5);
 * - names at or under `signedZones` get AD (simulating a validating resolver, RFC 4035 §3.2.3);
 * - a query with DO (RFC 3225) gets the RRSIG records the zone text holds at the answer's owner for
 *   the asked type (RFC 4035 §3.1.1) next to the answer; nothing signs or checks them, so a fixture
 *   picks any validity window (e.g. one that expires in three days);
 * - packets that do not decode, and responses, are ignored; several questions give FORMERR.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { readFileSync } from 'node:fs';
import * as dnsPacket from 'dns-packet';
import { chunk255, parseZone, zoneFromSuiteData, type FixtureRecord } from './zone-parser';

export {
  parseZone,
  zoneFromSuiteData,
  chunk255,
  suiteBytes,
  type FixtureRecord,
  type FixtureFault,
} from './zone-parser';

export type FaultMode = 'servfail' | 'timeout' | 'refused' | 'nxdomain';

export interface QueryLogEntry {
  name: string;
  type: string;
  transport: 'udp' | 'tcp';
  do: boolean;
}

export interface FixtureDnsServer {
  host: string;
  port: number;
  /** "127.0.0.1:PORT", usable as DNS_SERVERS. */
  address: string;
  /** Queries answered (timeouts are not answered). */
  queries: number;
  /** Queries received, answered or not. */
  received: number;
  /** The last 1000 queries received, oldest first. */
  log: QueryLogEntry[];
  /** Adds records from zone text (BIND master-file subset, see zone-parser.ts). */
  load(zoneText: string, origin?: string): void;
  /** Adds records programmatically; TXT/SPF data may be a string, a Buffer or a list of them. */
  addRecords(records: { name: string; type: string; data: unknown; ttl?: number }[]): void;
  /** Loads openspf-suite `zonedata` (records and TIMEOUT faults). */
  loadSuiteData(zonedata: Record<string, unknown[]>, opts?: { spfToTxt?: boolean }): void;
  /**
   * Per name (and optional type) fault. `timeout` never answers. `null` with a type means "this
   * type answers normally even under a name-wide fault"; `null` without a type clears the name.
   */
  fault(name: string, mode: FaultMode | null, type?: string): void;
  /** Drops all records and faults and resets the counters. */
  clear(): void;
  stop(): Promise<void>;
}

export interface StartDnsServerOptions {
  zoneText?: string;
  zoneFiles?: string[];
  port?: number;
  signedZones?: string[];
  truncateUdpOver?: number;
}

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
const MAX_CNAME_HOPS = 16;
const DEFAULT_SOA: FixtureRecord = {
  name: '',
  type: 'SOA',
  ttl: 60,
  data: {
    mname: 'ns.fixture.invalid',
    rname: 'hostmaster.fixture.invalid',
    serial: 1,
    refresh: 3600,
    retry: 600,
    expire: 86400,
    minimum: 60,
  },
};

const lc = (n: string): string => n.replace(/\.$/, '').toLowerCase();
const parent = (n: string): string | undefined => {
  if (n === '') return undefined;
  const i = n.indexOf('.');
  return i < 0 ? '' : n.slice(i + 1);
};

function normaliseData(type: string, data: unknown): unknown {
  if (type === 'TXT' || type === 'SPF') {
    const parts = Array.isArray(data) ? data : [data];
    return parts.flatMap((p) => chunk255(Buffer.isBuffer(p) ? p : Buffer.from(String(p), 'utf8')));
  }
  if (type === 'TLSA' && data && typeof data === 'object') {
    const d = data as { certificate: Buffer | string };
    if (typeof d.certificate === 'string') return { ...d, certificate: Buffer.from(d.certificate, 'hex') };
  }
  return data;
}

/** The records and the lookup algorithm, independent of sockets. */
class ZoneStore {
  private rrs = new Map<string, FixtureRecord[]>();
  /** Every owner and every ancestor of an owner: names that "exist" (RFC 8020). */
  private existing = new Set<string>();
  private faults = new Map<string, FaultMode | null>();

  add(r: FixtureRecord): void {
    const key = lc(r.name);
    const list = this.rrs.get(key) ?? [];
    list.push({ ...r, name: r.name.replace(/\.$/, ''), type: r.type.toUpperCase() });
    this.rrs.set(key, list);
    for (let n: string | undefined = key; n !== undefined && !this.existing.has(n); n = parent(n)) this.existing.add(n);
  }

  setFault(name: string, mode: FaultMode | null, type?: string): void {
    const key = `${lc(name)}|${type ? type.toUpperCase() : '*'}`;
    if (mode === null && !type) {
      for (const k of [...this.faults.keys()]) if (k.startsWith(`${lc(name)}|`)) this.faults.delete(k);
    } else {
      this.faults.set(key, mode);
    }
  }

  faultFor(name: string, type: string): FaultMode | null {
    const exact = `${name}|${type}`;
    if (this.faults.has(exact)) return this.faults.get(exact)!;
    return this.faults.get(`${name}|*`) ?? null;
  }

  clear(): void {
    this.rrs.clear();
    this.existing.clear();
    this.faults.clear();
  }

  private soaFor(name: string): FixtureRecord {
    for (let n: string | undefined = name; n !== undefined; n = parent(n)) {
      const soa = this.rrs.get(n)?.find((r) => r.type === 'SOA');
      if (soa) return soa;
    }
    return DEFAULT_SOA;
  }

  /** Records owned by `name`, or synthesized from a wildcard (RFC 4592 §3.3.1). */
  private recordsAt(name: string, asked: string): FixtureRecord[] | undefined {
    const own = this.rrs.get(name);
    if (own) return own;
    if (this.existing.has(name)) return undefined;
    let ce = parent(name);
    while (ce !== undefined && !this.existing.has(ce)) ce = parent(ce);
    if (ce === undefined) return undefined;
    const wild = this.rrs.get(ce === '' ? '*' : `*.${ce}`);
    return wild?.map((r) => ({ ...r, name: asked }));
  }

  resolve(
    qname: string,
    qtype: string,
    dnssecOk = false,
  ): { rcode: number; answers: FixtureRecord[]; authorities: FixtureRecord[]; fault?: FaultMode } {
    const answers: FixtureRecord[] = [];
    const seen = new Set<string>();
    let asked = qname.replace(/\.$/, '');
    let cur = lc(asked);
    for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
      const fault = this.faultFor(cur, qtype);
      if (fault) return { rcode: 0, answers: [], authorities: [], fault };
      seen.add(cur);
      const rrset = this.recordsAt(cur, asked);
      if (!rrset) {
        const rcode = this.existing.has(cur) ? RCODE.NOERROR : RCODE.NXDOMAIN;
        return { rcode, answers, authorities: [this.soaFor(cur)] };
      }
      const match = qtype === 'ANY' ? rrset : rrset.filter((r) => r.type === qtype);
      if (match.length) {
        answers.push(...match.map((r) => ({ ...r, name: asked })));
        if (dnssecOk && qtype !== 'RRSIG' && qtype !== 'ANY')
          answers.push(
            ...rrset
              .filter((r) => r.type === 'RRSIG' && (r.data as { typeCovered?: string }).typeCovered === qtype)
              .map((r) => ({ ...r, name: asked })),
          );
        return { rcode: RCODE.NOERROR, answers, authorities: [] };
      }
      const cname = rrset.find((r) => r.type === 'CNAME');
      if (!cname || qtype === 'CNAME') return { rcode: RCODE.NOERROR, answers, authorities: [this.soaFor(cur)] };
      answers.push({ ...cname, name: asked });
      asked = String(cname.data);
      cur = lc(asked);
      // A CNAME loop: recursive resolvers give up with SERVFAIL.
      if (seen.has(cur)) return { rcode: RCODE.SERVFAIL, answers: [], authorities: [] };
    }
    return { rcode: RCODE.SERVFAIL, answers: [], authorities: [] };
  }
}

function toAnswer(r: FixtureRecord): dnsPacket.Answer {
  if (r.type === 'SPF') {
    // dns-packet has no SPF codec: SPF RDATA is TXT RDATA (RFC 4408 §3.1.1) without the length prefix.
    const rdata = Buffer.concat((r.data as Buffer[]).map((b) => Buffer.concat([Buffer.from([b.length]), b])));
    return { name: r.name, type: 'SPF', ttl: r.ttl, class: 'IN', data: rdata } as unknown as dnsPacket.Answer;
  }
  return { name: r.name, type: r.type, ttl: r.ttl, class: 'IN', data: r.data } as dnsPacket.Answer;
}

export async function startDnsServer(opts: StartDnsServerOptions = {}): Promise<FixtureDnsServer> {
  const store = new ZoneStore();
  const signed = (opts.signedZones ?? []).map(lc);
  const isSigned = (n: string): boolean => signed.some((z) => n === z || n.endsWith(`.${z}`) || z === '');

  const server: FixtureDnsServer = {
    host: '127.0.0.1',
    port: 0,
    address: '',
    queries: 0,
    received: 0,
    log: [],
    load(zoneText, origin) {
      for (const r of parseZone(zoneText, { origin })) store.add(r);
    },
    addRecords(records) {
      for (const r of records) {
        const type = r.type.toUpperCase();
        store.add({ name: r.name, type, ttl: r.ttl ?? 300, data: normaliseData(type, r.data) });
      }
    },
    loadSuiteData(zonedata, o) {
      const { records, faults } = zoneFromSuiteData(zonedata, o);
      for (const r of records) store.add(r);
      for (const f of faults) store.setFault(f.name, f.mode, f.type);
    },
    fault(name, mode, type) {
      store.setFault(name, mode, type);
    },
    clear() {
      store.clear();
      server.queries = 0;
      server.received = 0;
      server.log = [];
    },
    stop: async () => undefined,
  };

  if (opts.zoneText) server.load(opts.zoneText);
  for (const f of opts.zoneFiles ?? []) server.load(readFileSync(f, 'utf8'));

  /** Builds the response bytes, or undefined to stay silent. */
  const handle = (msg: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined => {
    // Counts that cannot fit the message are garbage: skip decoding, which allocates by count.
    if (
      msg.length < 12 ||
      msg.readUInt16BE(4) * 5 + (msg.readUInt16BE(6) + msg.readUInt16BE(8) + msg.readUInt16BE(10)) * 11 >
        msg.length - 12
    ) {
      return undefined;
    }
    let q: dnsPacket.DecodedPacket;
    try {
      q = dnsPacket.decode(msg);
    } catch {
      return undefined; // malformed: ignore, like a server that cannot parse the header
    }
    if (q.type !== 'query') return undefined; // never answer responses (no reflection loops)
    const opt = q.additionals?.find((a) => a.type === 'OPT') as dnsPacket.OptAnswer | undefined;
    const doBit = !!opt && (opt.flags & dnsPacket.DNSSEC_OK) !== 0;
    const question = q.questions?.[0];
    server.received++;
    if (question) {
      server.log.push({ name: question.name, type: question.type, transport, do: doBit });
      if (server.log.length > 1000) server.log.shift();
    }

    const rd = (q.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
    const base = { id: q.id, type: 'response' as const, questions: q.questions ?? [] };
    const ednsOut: dnsPacket.Answer[] = opt
      ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: doBit ? dnsPacket.DNSSEC_OK : 0 } as dnsPacket.Answer]
      : [];
    const reply = (rcode: number, answers: dnsPacket.Answer[], authorities: dnsPacket.Answer[], ad: boolean): Buffer =>
      dnsPacket.encode({
        ...base,
        flags:
          dnsPacket.AUTHORITATIVE_ANSWER |
          dnsPacket.RECURSION_AVAILABLE |
          rd |
          (ad ? dnsPacket.AUTHENTIC_DATA : 0) |
          rcode,
        answers,
        authorities,
        additionals: ednsOut,
      });

    if ((q as unknown as { opcode: string }).opcode !== 'QUERY') return reply(RCODE.NOTIMP, [], [], false);
    if (!question || q.questions!.length !== 1) return reply(RCODE.FORMERR, [], [], false);

    const res = store.resolve(question.name, String(question.type).toUpperCase(), doBit);
    if (res.fault === 'timeout') return undefined;
    server.queries++;
    if (res.fault) {
      const rcode =
        res.fault === 'servfail' ? RCODE.SERVFAIL : res.fault === 'refused' ? RCODE.REFUSED : RCODE.NXDOMAIN;
      return reply(rcode, [], [], false);
    }
    const ad = isSigned(lc(question.name)) && (res.rcode === RCODE.NOERROR || res.rcode === RCODE.NXDOMAIN);
    let out: Buffer;
    try {
      out = reply(res.rcode, res.answers.map(toAnswer), res.authorities.map(toAnswer), ad);
    } catch {
      return reply(RCODE.SERVFAIL, [], [], false); // a record dns-packet cannot encode
    }
    // No DNS message exceeds 65535 bytes (RFC 1035 §4.2.2 length field): a real server fails too.
    if (out.length > 65535) return reply(RCODE.SERVFAIL, [], [], false);
    if (transport === 'udp') {
      const limit = opts.truncateUdpOver ?? (opt ? Math.min(Math.max(512, opt.udpPayloadSize ?? 512), 4096) : 512);
      if (out.length > limit) {
        // RFC 1035 §4.1.1 / RFC 7766 §5: set TC and send no records; the client retries over TCP.
        out = reply(res.rcode, [], [], ad);
        out.writeUInt16BE(out.readUInt16BE(2) | dnsPacket.TRUNCATED_RESPONSE, 2);
      }
    }
    return out;
  };

  const udp = dgram.createSocket('udp4');
  // A fixture must never crash the test process: any surprise while answering means silence.
  const safeHandle = (msg: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined => {
    try {
      return handle(msg, transport);
    } catch {
      return undefined;
    }
  };

  udp.on('message', (msg, rinfo) => {
    const out = safeHandle(msg, 'udp');
    if (out) udp.send(out, rinfo.port, rinfo.address, () => undefined);
  });
  udp.on('error', () => undefined);

  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    sock.setTimeout(30_000, () => sock.destroy());
    let buf = Buffer.alloc(0);
    // RFC 1035 §4.2.2: each message is prefixed by a two-byte length; RFC 7766 §6.2.1: several
    // queries may be sent on one connection, answered in order here.
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        const out = safeHandle(msg, 'tcp');
        if (out && !sock.destroyed) {
          const frame = Buffer.alloc(2 + out.length);
          frame.writeUInt16BE(out.length, 0);
          out.copy(frame, 2);
          sock.write(frame);
        }
      }
    });
  });
  tcp.on('error', () => undefined);

  const listenTcp = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const onErr = (e: Error): void => reject(e);
      tcp.once('error', onErr);
      tcp.listen(port, '127.0.0.1', () => {
        tcp.off('error', onErr);
        resolve();
      });
    });
  const bindUdp = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const onErr = (e: Error): void => reject(e);
      udp.once('error', onErr);
      udp.bind(port, '127.0.0.1', () => {
        udp.off('error', onErr);
        resolve(udp.address().port);
      });
    });

  if (opts.port) {
    await bindUdp(opts.port);
    await listenTcp(opts.port);
    server.port = opts.port;
  } else {
    // Let TCP pick the ephemeral port, then take the same number for UDP; retry on a clash.
    for (let attempt = 0; ; attempt++) {
      await listenTcp(0);
      const port = (tcp.address() as net.AddressInfo).port;
      try {
        await bindUdp(port);
        server.port = port;
        break;
      } catch (e) {
        await new Promise<void>((r) => tcp.close(() => r()));
        if (attempt >= 20) throw e;
      }
    }
  }
  server.address = `${server.host}:${server.port}`;
  server.stop = async () => {
    for (const s of sockets) s.destroy();
    await Promise.all([new Promise<void>((r) => tcp.close(() => r())), new Promise<void>((r) => udp.close(() => r()))]);
  };
  return server;
}
