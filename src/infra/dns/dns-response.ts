import { randomInt } from 'node:crypto';
import * as dnsPacket from 'dns-packet';
import type { DnsLookup, DnsStatus, RRDataMap, RRType, RrsigData } from './resolver.port';

/** Loose view of dns-packet's decoded message (its typings omit the header fields). */
interface WireAnswer {
  name: string;
  type: string;
  ttl?: number;
  data?: unknown;
  flags?: number;
}
export interface WireMessage {
  id: number;
  type: 'query' | 'response';
  rcode: string;
  flag_tc: boolean;
  flag_ad: boolean;
  questions: { name: string; type: string; class?: string }[];
  answers: WireAnswer[];
  authorities: WireAnswer[];
}

const MAX_CNAME_HOPS = 16;
export const lc = (n: string): string => n.replace(/\.$/, '').toLowerCase();

/** RFC 1035 §2.3.4: labels 1-63 octets, names at most 253 characters in text form. */
export function validName(name: string): boolean {
  const n = name.replace(/\.$/, '');
  if (n === '') return true;
  if (Buffer.byteLength(n) > 253) return false;
  return n.split('.').every((l) => l.length > 0 && Buffer.byteLength(l) <= 63);
}

export function buildQuery(
  name: string,
  type: RRType,
  edns: { udpSize: number } | undefined,
): { id: number; bytes: Buffer } {
  const id = randomInt(0, 65536); // RFC 5452 §4.3: unpredictable ids
  const bytes = dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: type as dnsPacket.RecordType, class: 'IN' }],
    // RFC 6891 OPT with DO (RFC 3225): a validating resolver then reports AD on validated answers.
    additionals: edns
      ? [{ type: 'OPT', name: '.', udpPayloadSize: edns.udpSize, flags: dnsPacket.DNSSEC_OK } as dnsPacket.Answer]
      : [],
  });
  return { id, bytes };
}

/**
 * Tells our answer apart from stray packets: same id and same question (RFC 5452 §4.1). A packet
 * with our id that does not decode (bad compression pointers, truncated RDATA) is "malformed".
 */
export function classifyResponse(
  msg: Buffer,
  id: number,
  name: string,
  type: string,
): { verdict: 'match' | 'foreign' | 'malformed'; decoded?: WireMessage } {
  if (msg.length < 12 || msg.readUInt16BE(0) !== id) return { verdict: 'foreign' };
  if (!plausibleCounts(msg)) return { verdict: 'malformed' };
  let decoded: WireMessage;
  try {
    decoded = dnsPacket.decode(msg) as unknown as WireMessage;
  } catch {
    return { verdict: 'malformed' };
  }
  // dns-packet reads fixed-size RDATA (A, AAAA...) without checking RDLENGTH against the buffer:
  // a message that claims more than it holds is malformed, not a source of invented addresses.
  if (dnsPacket.decode.bytes > msg.length) return { verdict: 'malformed' };
  if (decoded.type !== 'response') return { verdict: 'foreign' };
  const q = decoded.questions?.[0];
  if (!q || lc(q.name) !== lc(name) || String(q.type).toUpperCase() !== type) return { verdict: 'foreign' };
  return { verdict: 'match', decoded };
}

/**
 * Section counts that cannot fit the message (a question takes at least 5 bytes, a record 11) are
 * rejected before decoding: dns-packet allocates arrays of the claimed size first, so a hostile
 * 12-byte header claiming 4 x 65535 entries costs tens of milliseconds of CPU.
 */
export function plausibleCounts(msg: Buffer): boolean {
  if (msg.length < 12) return false;
  const qd = msg.readUInt16BE(4);
  const rr = msg.readUInt16BE(6) + msg.readUInt16BE(8) + msg.readUInt16BE(10);
  return qd * 5 + rr * 11 <= msg.length - 12;
}

const STATUS: Record<string, DnsStatus> = {
  NOERROR: 'noerror',
  NXDOMAIN: 'nxdomain',
  SERVFAIL: 'servfail',
  REFUSED: 'refused',
};

/**
 * TXT character-strings are bytes. Valid UTF-8 is decoded as UTF-8 (keeping a BOM, which SPF must
 * see), anything else as latin1 (one character per byte): either way a non-ASCII byte shows up as a
 * non-ASCII character, which is what RFC 7208 §3.1 checks need.
 */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
export function decodeText(b: Buffer): string {
  try {
    return utf8.decode(b);
  } catch {
    return b.toString('latin1');
  }
}

/** SPF (type 99) RDATA arrives undecoded from dns-packet: it is TXT RDATA (RFC 4408 §3.1.1). */
function characterStrings(rdata: Buffer): string[] {
  const out: string[] = [];
  let o = 0;
  while (o < rdata.length) {
    const len = rdata[o]!;
    if (o + 1 + len > rdata.length) throw new Error('character-string overruns RDATA');
    out.push(decodeText(rdata.subarray(o + 1, o + 1 + len)));
    o += 1 + len;
  }
  return out;
}

const strip = (n: unknown): string => String(n).replace(/\.$/, '');

function mapData(type: RRType, d: unknown): RRDataMap[RRType] {
  const o = d as Record<string, unknown>;
  switch (type) {
    case 'A':
    case 'AAAA':
      return String(d);
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return strip(d);
    case 'MX':
      return { exchange: strip(o.exchange), priority: Number(o.preference) };
    case 'TXT':
      return (Array.isArray(d) ? d : [d]).map((b) => (Buffer.isBuffer(b) ? decodeText(b) : String(b)));
    case 'SPF':
      return Buffer.isBuffer(d) ? characterStrings(d) : [];
    case 'SOA':
      return {
        mname: strip(o.mname),
        rname: strip(o.rname),
        serial: Number(o.serial),
        refresh: Number(o.refresh),
        retry: Number(o.retry),
        expire: Number(o.expire),
        minimum: Number(o.minimum),
      };
    case 'TLSA':
      return {
        usage: Number(o.usage),
        selector: Number(o.selector),
        matchingType: Number(o.matchingType),
        certificate: (o.certificate as Buffer).toString('hex'),
      };
    case 'CAA':
      return { flags: o.flags, tag: o.tag, value: o.value };
    case 'DS':
      return {
        keyTag: o.keyTag,
        algorithm: o.algorithm,
        digestType: o.digestType,
        digest: (o.digest as Buffer).toString('hex'),
      };
    case 'DNSKEY':
      return { flags: o.flags, algorithm: o.algorithm, key: (o.key as Buffer).toString('base64') };
  }
}

/** The RRSIG of the answer RRset (RFC 4035 §3.1.1: the owner's RRSIG whose type covered is the RRset's). */
function rrsigOf(d: unknown, type: RRType): RrsigData[] {
  const o = d as Record<string, unknown> | undefined;
  if (!o || String(o.typeCovered).toUpperCase() !== type) return [];
  return [
    {
      typeCovered: type,
      algorithm: Number(o.algorithm),
      labels: Number(o.labels),
      originalTtl: Number(o.originalTTL),
      expiration: Number(o.expiration),
      inception: Number(o.inception),
      keyTag: Number(o.keyTag),
      signerName: strip(o.signersName),
    },
  ];
}

export interface MappedLookup<T extends RRType> {
  lookup: DnsLookup<T>;
  /** RFC 2308 §5: how long a negative answer may be cached (min of SOA TTL and SOA minimum). */
  negativeTtl?: number;
  /** Smallest TTL over the answer RRset and the CNAMEs leading to it. */
  cacheTtl?: number;
}

/** Maps a decoded response to the port's shape, following the CNAME chain in the answer section. */
export function mapResponse<T extends RRType>(
  msg: WireMessage,
  name: string,
  type: T,
  server: string,
): MappedLookup<T> {
  const status: DnsStatus = STATUS[msg.rcode] ?? 'error';
  const lookup: DnsLookup<T> = { name, type, status, answers: [], authenticated: msg.flag_ad, server };
  if (status === 'error') lookup.error = `server answered rcode ${msg.rcode}`;
  const all = msg.answers ?? [];
  const cnames: string[] = [];
  let ttl: number | undefined;
  const seen = new Set<string>();
  let cur = lc(name);
  for (let hop = 0; hop <= MAX_CNAME_HOPS && !seen.has(cur); hop++) {
    seen.add(cur);
    const rrset = all.filter((a) => lc(a.name) === cur && a.type === type);
    if (rrset.length) {
      for (const a of rrset) {
        lookup.answers.push(mapData(type, a.data) as RRDataMap[T]);
        ttl = Math.min(ttl ?? Infinity, a.ttl ?? 0);
      }
      break;
    }
    const cname = all.find((a) => lc(a.name) === cur && a.type === 'CNAME');
    if (!cname) break;
    cnames.push(strip(cname.name));
    ttl = Math.min(ttl ?? Infinity, cname.ttl ?? 0);
    cur = lc(String(cname.data));
  }
  if (cnames.length) lookup.cnames = cnames;
  if (lookup.answers.length) {
    lookup.ttl = ttl;
    const sigs = all.filter((a) => a.type === 'RRSIG' && lc(a.name) === cur).flatMap((a) => rrsigOf(a.data, type));
    if (sigs.length) lookup.signatures = sigs;
  }
  const out: MappedLookup<T> = { lookup, cacheTtl: ttl };
  if (!lookup.answers.length && (status === 'noerror' || status === 'nxdomain')) {
    const soa = (msg.authorities ?? []).find((a) => a.type === 'SOA');
    if (soa) out.negativeTtl = Math.min(soa.ttl ?? 0, Number((soa.data as { minimum?: number }).minimum ?? 0));
    // A NOERROR answer holding only CNAMEs to a name outside the response is not NODATA, but the
    // CNAME TTL still bounds how long the chain may be cached.
    if (out.negativeTtl !== undefined && ttl !== undefined) out.negativeTtl = Math.min(out.negativeTtl, ttl);
  }
  return out;
}
