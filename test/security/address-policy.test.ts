import { describe, expect, it } from 'vitest';
import { checkAddress } from '../../src/infra/net/address-policy';

/**
 * The SSRF address policy on IPv6 forms that carry an IPv4 address. Each form is tried with a
 * loopback, a private and a public embedded address; a public one stays allowed only where the
 * form itself is routable (NAT64 well-known prefix, 6to4, Teredo, ISATAP, IPv4-mapped).
 */
const NONE: string[] = [];

type Row = [form: string, ip: string, embedded: 'loopback' | 'private' | 'public', allowed: boolean];
const rows: Row[] = [
  // IPv4-compatible ::a.b.c.d (RFC 4291 §2.5.5.1, deprecated): refused whatever it carries.
  ['IPv4-compatible', '::127.0.0.1', 'loopback', false],
  ['IPv4-compatible', '::7f00:1', 'loopback', false],
  ['IPv4-compatible', '::10.0.0.1', 'private', false],
  ['IPv4-compatible', '::8.8.8.8', 'public', false],
  // IPv4-mapped ::ffff:a.b.c.d: the socket connects to a.b.c.d.
  ['IPv4-mapped', '::ffff:127.0.0.1', 'loopback', false],
  ['IPv4-mapped', '::ffff:192.168.1.1', 'private', false],
  ['IPv4-mapped', '::ffff:8.8.8.8', 'public', true],
  // IPv4-translated ::ffff:0:a.b.c.d (RFC 6145): not globally routable.
  ['IPv4-translated', '::ffff:0:127.0.0.1', 'loopback', false],
  ['IPv4-translated', '::ffff:0:10.0.0.1', 'private', false],
  ['IPv4-translated', '::ffff:0:8.8.8.8', 'public', false],
  // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052): what DNS64 synthesises on IPv6-only networks.
  ['NAT64 64:ff9b::/96', '64:ff9b::127.0.0.1', 'loopback', false],
  ['NAT64 64:ff9b::/96', '64:ff9b::7f00:1', 'loopback', false],
  ['NAT64 64:ff9b::/96', '64:ff9b::10.1.2.3', 'private', false],
  ['NAT64 64:ff9b::/96', '64:ff9b::8.8.8.8', 'public', true],
  // NAT64 local-use prefix 64:ff9b:1::/48 (RFC 8215): local only, refused.
  ['NAT64 local-use', '64:ff9b:1::7f00:1', 'loopback', false],
  ['NAT64 local-use', '64:ff9b:1::a00:1', 'private', false],
  ['NAT64 local-use', '64:ff9b:1::808:808', 'public', false],
  // 6to4 2002:AABB:CCDD::/48 (RFC 3056): the IPv4 address in bits 16-48.
  ['6to4', '2002:7f00:1::1', 'loopback', false],
  ['6to4', '2002:c0a8:101:1::25', 'private', false],
  ['6to4', '2002:808:808::1', 'public', true],
  // Teredo 2001:0:SERVER:flags:port:~CLIENT (RFC 4380): the client inverted in the last 32 bits.
  ['Teredo (client)', '2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback', false], // ~127.0.0.1
  ['Teredo (client)', '2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private', false], // ~10.0.0.1
  ['Teredo (server)', '2001:0:a00:1:8000:63bf:f7f7:f7f7', 'private', false], // server 10.0.0.1
  ['Teredo', '2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'public', true], // ~8.8.8.8
  // ISATAP interface ids 0:5efe / 200:5efe + IPv4 (RFC 5214) inside a global prefix.
  ['ISATAP', '2a00:1450:4001:81c::5efe:7f00:1', 'loopback', false],
  ['ISATAP', '2a00:1450:4001:81c:200:5efe:a00:1', 'private', false],
  ['ISATAP', '2a00:1450:4001:81c:200:5efe:808:808', 'public', true],
];

describe('IPv6 forms that carry an IPv4 address', () => {
  it.each(rows)('%s %s (%s IPv4): allowed=%s', (_form, ip, embedded, allowed) => {
    const v = checkAddress(ip, NONE);
    expect(v.allowed).toBe(allowed);
    if (!allowed) {
      expect(v.reason).toMatch(/refused unless allowed by PROBE_ALLOWED_CIDRS/);
      if (embedded !== 'public') expect(v.reason).toMatch(/\d+\.\d+\.\d+\.\d+|64:ff9b:1::\/48/);
    }
  });

  it('names the embedded address and its range in the reason', () => {
    expect(checkAddress('2002:7f00:1::1', NONE)).toMatchObject({
      allowed: false,
      range: 'loopback',
      reason: expect.stringContaining('carrying 127.0.0.1, a loopback address'),
    });
    expect(checkAddress('::7f00:1', NONE)).toMatchObject({
      allowed: false,
      range: 'ipv4Compatible',
      reason: expect.stringContaining('IPv4-compatible'),
    });
    expect(checkAddress('64:ff9b::a01:203', NONE)).toMatchObject({
      allowed: false,
      range: 'private',
      reason: expect.stringContaining('10.1.2.3'),
    });
  });

  it('leaves plain addresses as they were', () => {
    expect(checkAddress('2a00:1450:4001:81c::1b', NONE)).toMatchObject({ allowed: true, range: 'unicast' });
    expect(checkAddress('8.8.8.8', NONE)).toMatchObject({ allowed: true, range: 'unicast' });
    expect(checkAddress('::', NONE)).toMatchObject({ allowed: false, range: 'unspecified' });
    expect(checkAddress('::1', NONE)).toMatchObject({ allowed: false, range: 'loopback' });
    expect(checkAddress('fe80::5efe:808:808', NONE)).toMatchObject({ allowed: false, range: 'linkLocal' });
    expect(checkAddress('fc00::1', NONE)).toMatchObject({ allowed: false, range: 'uniqueLocal' });
    expect(checkAddress('not-an-ip', NONE)).toMatchObject({ allowed: false, range: 'invalid' });
    expect(checkAddress('fe80::1%eth0', NONE)).toMatchObject({ allowed: false, range: 'linkLocal' });
  });

  it('reads IPv6 text the way the socket layer does, and only strict IPv4 text', () => {
    // ipaddr.js alone reads "::8.8.8.8" as the IPv4-mapped ::ffff:8.8.8.8; it is IPv4-compatible ::808:808.
    expect(checkAddress('::8.8.8.8', NONE)).toMatchObject({ allowed: false, range: 'ipv4Compatible' });
    expect(checkAddress('::FFFF:8.8.8.8', NONE)).toMatchObject({ allowed: true, range: 'unicast' });
    // Shorthand and octal IPv4 (inet_aton forms) are not addresses here: refused, never guessed.
    for (const odd of ['127.1', '010.0.0.1', '0x7f.0.0.1', '2130706433'])
      expect(checkAddress(odd, NONE)).toMatchObject({ allowed: false, range: 'invalid' });
  });
});

describe('PROBE_ALLOWED_CIDRS keeps its meaning', () => {
  const loopback = ['127.0.0.0/8'];
  it('an allowed IPv4 range covers the routable forms that carry it, not the deprecated one', () => {
    expect(checkAddress('127.0.0.1', loopback).allowed).toBe(true);
    expect(checkAddress('::ffff:127.0.0.1', loopback).allowed).toBe(true);
    expect(checkAddress('64:ff9b::127.0.0.1', loopback).allowed).toBe(true);
    expect(checkAddress('2002:7f00:1::1', loopback).allowed).toBe(true);
    expect(checkAddress('::127.0.0.1', loopback).allowed).toBe(false);
    expect(checkAddress('::ffff:0:127.0.0.1', loopback).allowed).toBe(false);
    expect(checkAddress('64:ff9b::10.0.0.1', loopback).allowed).toBe(false);
  });

  it('an allowed IPv6 range allows its addresses whatever they carry', () => {
    expect(checkAddress('::7f00:1', ['::/96']).allowed).toBe(true);
    expect(checkAddress('2002:7f00:1::1', ['2002::/16']).allowed).toBe(true);
    expect(checkAddress('fd00::25', ['fd00::/8']).allowed).toBe(true);
    // An IPv6 range does not allow IPv4 addresses, mapped or not.
    expect(checkAddress('::ffff:10.0.0.1', ['::ffff:0:0/96']).allowed).toBe(false);
  });
});
