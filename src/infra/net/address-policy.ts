import ipaddr from 'ipaddr.js';

/**
 * SSRF policy shared by the probe, MTA-STS fetches and webhooks: a target address that is not
 * globally routable unicast is refused unless an operator allowed its range (PROBE_ALLOWED_CIDRS).
 * IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it maps to.
 */
export interface AddressVerdict {
  allowed: boolean;
  /** ipaddr.js range name: private, loopback, linkLocal, multicast, reserved, unspecified, unicast... */
  range: string;
  reason?: string;
}

export function parseCidrs(cidrs: string[]): [ipaddr.IPv4 | ipaddr.IPv6, number][] {
  return cidrs.map((c) => ipaddr.parseCIDR(c));
}

export function checkAddress(ip: string, allowedCidrs: string[] | [ipaddr.IPv4 | ipaddr.IPv6, number][]): AddressVerdict {
  if (!ipaddr.isValid(ip)) return { allowed: false, range: 'invalid', reason: `"${ip}" is not an IP address` };
  let addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  const range = addr.range();
  const parsed = allowedCidrs.map((c) => (typeof c === 'string' ? ipaddr.parseCIDR(c) : c));
  for (const [net, bits] of parsed) {
    if (net.kind() === addr.kind() && addr.match(net as never, bits)) return { allowed: true, range };
  }
  if (range === 'unicast') return { allowed: true, range };
  return {
    allowed: false,
    range,
    reason: `${ip} is a ${range} address; targets outside the public internet are refused unless allowed by PROBE_ALLOWED_CIDRS`,
  };
}
