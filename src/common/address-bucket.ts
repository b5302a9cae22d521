import ipaddr from 'ipaddr.js';

/**
 * The bucket a client address is counted in by every per-address limit (failed authentications,
 * publishable keys' per-address budget, a visitor's unfinished checks): the IPv4 address, or the
 * /64 of an IPv6 address, because one client usually holds a whole /64 (RFC 4291 §2.5.4 interface
 * identifiers; SLAAC privacy addresses rotate inside it). IPv4-mapped IPv6 addresses count as
 * their IPv4 address. Spelling (part of Redis key names, keep it stable): the first four groups in
 * lower-case hex without leading zeros and without `::` compression, then `::/64`
 * (`2001:db8:0:0::/64`). Anything that is not an address is kept (at most 64 characters).
 */
export function addressBucket(ip: string): string {
  let b = recent.get(ip);
  if (b === undefined) {
    // Every request asks (the failed-auth check of its key): parsing costs more than a lookup.
    if (recent.size >= RECENT_MAX) recent.clear();
    recent.set(ip, (b = bucketOf(ip)));
  }
  return b;
}

/** Buckets of the addresses seen lately (a pure function's results; bounded, emptied when full). */
const recent = new Map<string, string>();
const RECENT_MAX = 4096;

function bucketOf(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip.slice(0, 64);
  let a = ipaddr.parse(ip);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  if (a.kind() === 'ipv4') return a.toString();
  const p = (a as ipaddr.IPv6).parts;
  return `${p
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
