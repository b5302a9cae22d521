/**
 * The DNS port. Engines never import node:dns; they get a DnsResolver.
 * A lookup never throws for DNS outcomes: NXDOMAIN, NODATA, SERVFAIL and timeouts are data
 * ("a timeout is indeterminate, never missing").
 */
export type RRType =
  'A' | 'AAAA' | 'MX' | 'TXT' | 'CNAME' | 'PTR' | 'NS' | 'SOA' | 'TLSA' | 'SPF' | 'CAA' | 'DS' | 'DNSKEY';

export interface MxData {
  exchange: string;
  priority: number;
}
export interface TlsaData {
  usage: number;
  selector: number;
  matchingType: number;
  certificate: string; /* hex */
}
export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

/**
 * An RRSIG (RFC 4034 §3.1) served next to an answer RRset, as received: nothing here verifies the
 * signature (that is the validating resolver's job, reported as `authenticated`). Its validity
 * window is still a fact the zone publishes, and what expires when re-signing stops.
 */
export interface RrsigData {
  typeCovered: string;
  algorithm: number;
  labels: number;
  originalTtl: number;
  /** Seconds since 1970 modulo 2^32 (RFC 4034 §3.1.5: compare with serial arithmetic, RFC 1982). */
  expiration: number;
  inception: number;
  keyTag: number;
  signerName: string;
}

export interface RRDataMap {
  A: string;
  AAAA: string;
  MX: MxData;
  TXT: string[] /* character-strings, unjoined */;
  CNAME: string;
  PTR: string;
  NS: string;
  SOA: SoaData;
  TLSA: TlsaData;
  SPF: string[];
  CAA: unknown;
  DS: unknown;
  DNSKEY: unknown;
}

/**
 * noerror with empty answers is NODATA (RFC 2308); nxdomain is "the name does not exist".
 * servfail/refused/timeout/error mean "could not tell": callers report indeterminate.
 */
export type DnsStatus = 'noerror' | 'nxdomain' | 'servfail' | 'refused' | 'timeout' | 'error';

export interface DnsLookup<T extends RRType = RRType> {
  name: string;
  type: T;
  status: DnsStatus;
  answers: RRDataMap[T][];
  /** TTL of the answer RRset (min), if any. */
  ttl?: number;
  /** AD flag from the resolver (RFC 4035 §3.2.3): the resolver validated the answer with DNSSEC. */
  authenticated: boolean;
  /**
   * RRSIGs covering the answer RRset (queries carry DO, RFC 3225, so signed zones send them),
   * unverified; absent when the answer had none.
   */
  signatures?: RrsigData[];
  /** CNAMEs followed to reach the answer (owner names in order). */
  cnames?: string[];
  /** Human-readable reason when status is not noerror/nxdomain. */
  error?: string;
  /** Which server answered (ip:port). */
  server?: string;
}

export interface DnsQueryOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface DnsResolver {
  query<T extends RRType>(name: string, type: T, opts?: DnsQueryOptions): Promise<DnsLookup<T>>;
}

export function isDefinitive(l: DnsLookup): boolean {
  return l.status === 'noerror' || l.status === 'nxdomain';
}
