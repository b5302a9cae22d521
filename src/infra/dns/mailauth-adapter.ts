import type { DnsLookup, DnsResolver, MxData, RRType, SoaData } from './resolver.port';

/**
 * mailauth (7.x) takes `resolver(name, rrtype)` with the contract of node's `dns.promises.resolve`:
 * it resolves with node's shapes and rejects with node's error codes. mailauth reads the codes
 * (lib/spf/index.js, lib/dmarc/get-dmarc-record.js, lib/dkim/dkim-verifier.js): ENOTFOUND and
 * ENODATA mean "no record" (SPF void lookup, DMARC none, DKIM "no key"); ETIMEOUT and EREFUSED, and
 * anything else, become temperror. The error text follows node: `${syscall} ${code} ${name}`.
 */
export type MailauthResolver = (name: string, rrtype?: string) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SYSCALL: Record<string, string> = {
  A: 'queryA',
  AAAA: 'queryAaaa',
  MX: 'queryMx',
  TXT: 'queryTxt',
  CNAME: 'queryCname',
  PTR: 'queryPtr',
  NS: 'queryNs',
  SOA: 'querySoa',
  CAA: 'queryCaa',
  TLSA: 'queryTlsa',
  SPF: 'querySpf',
  DS: 'queryDs',
  DNSKEY: 'queryDnskey',
};

export class MailauthDnsError extends Error {
  readonly errno = undefined;
  /**
   * RFC 7208 §5.2: a DNS failure inside `include` makes the result temperror. mailauth 4 ignored
   * lookup errors without `spfResult` there (a DNS failure became `fail`); mailauth 7 rethrows them,
   * and the `spfResult` carried here also names the DNS failure in the result's text. mailauth's
   * DMARC, DKIM and ARC code reads only `code` and is unaffected.
   */
  readonly spfResult?: { error: 'temperror'; text: string };
  constructor(
    readonly code: string,
    readonly syscall: string,
    readonly hostname: string,
    readonly lookup?: DnsLookup,
  ) {
    super(`${syscall} ${code} ${hostname}`);
    if (code !== 'ENOTFOUND' && code !== 'ENODATA') {
      this.spfResult = { error: 'temperror', text: `DNS ${lookup?.error ?? code} when resolving ${hostname}` };
    }
  }
}

/** node shapes: TXT string[][], MX {exchange, priority}[], SOA one object with node's field names. */
function shape(type: string, l: DnsLookup): unknown {
  switch (type) {
    case 'SOA': {
      const s = l.answers[0] as SoaData;
      return {
        nsname: s.mname,
        hostmaster: s.rname,
        serial: s.serial,
        refresh: s.refresh,
        retry: s.retry,
        expire: s.expire,
        minttl: s.minimum,
      };
    }
    case 'MX':
      return (l.answers as MxData[]).map((m) => ({ exchange: m.exchange, priority: m.priority }));
    case 'CAA':
      // node: { critical, issue | issuewild | iodef | ...: value }
      return (l.answers as { flags: number; tag: string; value: string }[]).map((c) => ({
        critical: c.flags,
        [c.tag]: c.value,
      }));
    default:
      return l.answers;
  }
}

export function toMailauthResolver(resolver: DnsResolver): MailauthResolver {
  return async (name: string, rrtype = 'A') => {
    const type = String(rrtype).toUpperCase();
    const syscall = SYSCALL[type];
    if (!syscall) {
      const e = new TypeError(`The argument 'rrtype' is invalid. Received '${rrtype}'`) as TypeError & { code: string };
      e.code = 'ERR_INVALID_ARG_VALUE';
      throw e;
    }
    const l = await resolver.query(name, type as RRType);
    const fail = (code: string): never => {
      throw new MailauthDnsError(code, syscall, name, l);
    };
    switch (l.status) {
      case 'noerror':
        return l.answers.length ? shape(type, l) : fail('ENODATA');
      case 'nxdomain':
        return fail('ENOTFOUND');
      case 'servfail':
        return fail('ESERVFAIL');
      case 'refused':
        return fail('EREFUSED');
      case 'timeout':
        return fail('ETIMEOUT');
      case 'error':
        // node (c-ares) says EBADNAME for names over the RFC 1035 limits; other failures are EBADRESP-like.
        return fail(/invalid domain name/.test(l.error ?? '') ? 'EBADNAME' : 'EBADRESP');
    }
  };
}
