import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * SSRF policy shared by the probe, MTA-STS fetches and webhooks: a target address that is not
 * globally routable unicast is refused unless an operator allowed its range (PROBE_ALLOWED_CIDRS).
 *
 * IPv6 forms that carry an IPv4 address are judged by that IPv4 address, since a host or a
 * translator on the way turns them into IPv4 traffic to it. Written here because ipaddr.js names
 * the ranges but does not look inside them, calls IPv4-compatible addresses plain "unicast", and
 * reads the text `::a.b.c.d` as `::ffff:a.b.c.d` (so text is normalised by the WHATWG URL parser
 * first, and only what `net.isIP` accepts is an address: no `127.1` or octal `010.0.0.1`):
 * - IPv4-mapped `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2): judged as a.b.c.d (the socket connects to it);
 * - IPv4-compatible `::a.b.c.d` (RFC 4291 §2.5.5.1, deprecated): refused outright; stacks with a
 *   `sit` tunnel still send it as IPv4 to a.b.c.d (e.g. `http://[::127.0.0.1]/`);
 * - IPv4-translated `::ffff:0:a.b.c.d` (RFC 6145 SIIT) and the local-use NAT64 prefix
 *   `64:ff9b:1::/48` (RFC 8215): not globally routable, refused outright;
 * - NAT64 well-known prefix `64:ff9b::/96` (RFC 6052 §2.2: last 32 bits), 6to4 `2002::/16`
 *   (RFC 3056 §2: bits 16-48), Teredo `2001::/32` (RFC 4380 §4: server IPv4 in bits 32-64, client
 *   IPv4 inverted in the last 32 bits) and ISATAP interface ids `...:0:5efe:a.b.c.d` /
 *   `...:200:5efe:a.b.c.d` in any prefix (RFC 5214 §6.1): routable forms, allowed when every
 *   embedded IPv4 address passes the IPv4 policy (public unicast or in PROBE_ALLOWED_CIDRS).
 * An IPv6 range listed in PROBE_ALLOWED_CIDRS allows its addresses whatever they embed.
 * Not detectable: a NAT64 network-specific prefix chosen by an operator (RFC 6052 §2.3); an
 * operator running such a translator must not list its prefix in PROBE_ALLOWED_CIDRS.
 */
export interface AddressVerdict {
  allowed: boolean;
  /** ipaddr.js range name (private, loopback, linkLocal, unicast, 6to4, teredo, rfc6052...), or ipv4Compatible, isatap. */
  range: string;
  reason?: string;
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

export function parseCidrs(cidrs: string[]): Cidr[] {
  return cidrs.map((c) => ipaddr.parseCIDR(c));
}

const REFUSED_SUFFIX = 'targets outside the public internet are refused unless allowed by PROBE_ALLOWED_CIDRS';

function v4(hi: number, lo: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

interface Embedding {
  form: string;
  /** Routable as a form: the embedded IPv4 decides. Otherwise refused whatever it embeds. */
  routable: boolean;
  ipv4: ipaddr.IPv4[];
  what: string;
}

/** The IPv4 addresses an IPv6 address carries, by form; undefined for a plain IPv6 address. */
export function embeddedIPv4(addr: ipaddr.IPv6): Embedding | undefined {
  const w = addr.parts;
  const zeros = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  if (zeros(0, 6)) {
    // :: and ::1 keep their own names (unspecified, loopback); both are refused by range.
    if (w[6] === 0 && w[7]! <= 1) return undefined;
    return {
      form: 'ipv4Compatible',
      routable: false,
      ipv4: [v4(w[6]!, w[7]!)],
      what: 'an IPv4-compatible IPv6 address (::a.b.c.d, deprecated by RFC 4291 §2.5.5.1)',
    };
  }
  if (zeros(0, 4) && w[4] === 0xffff && w[5] === 0) {
    return {
      form: 'rfc6145',
      routable: false,
      ipv4: [v4(w[6]!, w[7]!)],
      what: 'an IPv4-translated address (::ffff:0:a.b.c.d, RFC 6145), not globally routable',
    };
  }
  if (w[0] === 0x64 && w[1] === 0xff9b && w[2] === 1) {
    return {
      form: 'rfc6052',
      routable: false,
      ipv4: [],
      what: 'in the local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215), not globally routable',
    };
  }
  if (w[0] === 0x64 && w[1] === 0xff9b && zeros(2, 6)) {
    return {
      form: 'rfc6052',
      routable: true,
      ipv4: [v4(w[6]!, w[7]!)],
      what: 'a NAT64 address (64:ff9b::/96, RFC 6052)',
    };
  }
  if (w[0] === 0x2002) {
    const isatap = isatapIPv4(w);
    return {
      form: '6to4',
      routable: true,
      ipv4: [v4(w[1]!, w[2]!), ...(isatap ? [isatap] : [])],
      what: 'a 6to4 address (2002::/16, RFC 3056)',
    };
  }
  if (w[0] === 0x2001 && w[1] === 0) {
    return {
      form: 'teredo',
      routable: true,
      ipv4: [v4(w[2]!, w[3]!), v4(~w[6]! & 0xffff, ~w[7]! & 0xffff)],
      what: 'a Teredo address (2001::/32, RFC 4380)',
    };
  }
  const isatap = isatapIPv4(w);
  if (isatap)
    return {
      form: 'isatap',
      routable: true,
      ipv4: [isatap],
      what: 'an ISATAP address (interface id 0:5efe:a.b.c.d, RFC 5214)',
    };
  return undefined;
}

/** RFC 5214 §6.1: interface identifier 00-00-5E-FE or 02-00-5E-FE (u bit) followed by the IPv4 address. */
function isatapIPv4(w: number[]): ipaddr.IPv4 | undefined {
  return (w[4]! & 0xfdff) === 0 && w[5] === 0x5efe ? v4(w[6]!, w[7]!) : undefined;
}

function inCidrs(addr: ipaddr.IPv4 | ipaddr.IPv6, cidrs: Cidr[]): boolean {
  return cidrs.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net as never, bits));
}

function checkIPv4(addr: ipaddr.IPv4, cidrs: Cidr[]): { allowed: boolean; range: string } {
  const range = addr.range();
  return { allowed: range === 'unicast' || inCidrs(addr, cidrs), range };
}

/** Parse what the socket layer would connect to; undefined when `net.isIP` refuses the text. */
function parseStrict(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const family = isIP(ip);
  if (family === 4) return ipaddr.IPv4.parse(ip);
  if (family !== 6) return undefined;
  // The URL parser writes any IPv6 text as hex ("[::127.0.0.1]" -> "[::7f00:1]"); the zone id does not matter here.
  const hex = new URL(`http://[${ip.split('%')[0]}]/`).hostname.slice(1, -1);
  return ipaddr.IPv6.parse(hex);
}

export function checkAddress(ip: string, allowedCidrs: string[] | Cidr[]): AddressVerdict {
  const parsed = parseStrict(ip);
  if (!parsed) return { allowed: false, range: 'invalid', reason: `"${ip}" is not an IP address` };
  const cidrs = allowedCidrs.map((c) => (typeof c === 'string' ? ipaddr.parseCIDR(c) : c));
  if (parsed.kind() === 'ipv4' || (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    const addr = parsed.kind() === 'ipv4' ? (parsed as ipaddr.IPv4) : (parsed as ipaddr.IPv6).toIPv4Address();
    const v = checkIPv4(addr, cidrs);
    return v.allowed ? v : { ...v, reason: `${ip} is a ${v.range} address; ${REFUSED_SUFFIX}` };
  }
  const addr = parsed as ipaddr.IPv6;
  const range = addr.range();
  if (inCidrs(addr, cidrs)) return { allowed: true, range };
  const emb = embeddedIPv4(addr);
  if (emb) {
    const carried = emb.ipv4.length ? ` carrying ${emb.ipv4.map(String).join(' and ')}` : '';
    if (!emb.routable)
      return { allowed: false, range: emb.form, reason: `${ip} is ${emb.what}${carried}; ${REFUSED_SUFFIX}` };
    for (const e of emb.ipv4) {
      const v = checkIPv4(e, cidrs);
      if (!v.allowed)
        return {
          allowed: false,
          range: v.range,
          reason: `${ip} is ${emb.what} carrying ${e.toString()}, a ${v.range} address; ${REFUSED_SUFFIX}`,
        };
    }
    // A routable form carrying public addresses, inside a prefix that is itself unicast (ISATAP) or the form's own.
    if (emb.form !== 'isatap' || range === 'unicast') return { allowed: true, range: emb.form };
  }
  if (range === 'unicast') return { allowed: true, range };
  return { allowed: false, range, reason: `${ip} is a ${range} address; ${REFUSED_SUFFIX}` };
}
