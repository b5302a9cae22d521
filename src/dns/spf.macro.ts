import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * SPF macro expansion (RFC 7208 §7). Pure: the one value that needs DNS, %{p}, is resolved by the
 * caller and passed in through `ptr()` (lazily, because §7.3 discourages its use and it costs
 * lookups).
 */
export interface MacroContext {
  sender: string;
  ip: string;
  helo: string;
  domain: string;
  /** Receiving MTA's domain, %{r} (explanations only); "unknown" by default (§7.3). */
  receiver?: string;
  now?: () => Date;
  /** Resolves %{p}: the validated domain name of `ip` (§7.3), or "unknown". */
  ptr?: () => Promise<string>;
}

/** %{i} for IPv6 is the 32 nibbles dot-separated (§7.3). */
export function expandIp(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  return ipv6Nibbles(ip).join('.');
}

export function ipv6Nibbles(ip: string): string[] {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups.
  const last = (t.length ? t : h)[(t.length ? t : h).length - 1];
  const expandV4 = (arr: string[]) => {
    const v4 = arr[arr.length - 1];
    if (v4 && v4.includes('.')) {
      const o = v4.split('.').map(Number);
      arr.splice(arr.length - 1, 1, ((o[0]! << 8) | o[1]!).toString(16), ((o[2]! << 8) | o[3]!).toString(16));
    }
  };
  if (last?.includes('.')) {
    if (t.length) expandV4(t);
    else expandV4(h);
  }
  const fill = tail !== undefined ? 8 - h.length - t.length : 0;
  const groups = [...h, ...Array<string>(fill).fill('0'), ...t];
  return groups.flatMap((g) => g.padStart(4, '0').split(''));
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;
function urlEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(b);
    out += b < 0x80 && UNRESERVED.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

async function letterValue(letter: string, ctx: MacroContext): Promise<string> {
  const at = ctx.sender.lastIndexOf('@');
  switch (letter) {
    case 's':
      return ctx.sender;
    case 'l':
      return at > 0 ? ctx.sender.slice(0, at) : 'postmaster';
    case 'o':
      return at >= 0 ? ctx.sender.slice(at + 1) : ctx.sender;
    case 'd':
      return ctx.domain;
    case 'i':
      return expandIp(ctx.ip);
    case 'p':
      return ctx.ptr ? ctx.ptr() : 'unknown';
    case 'v':
      return isIP(ctx.ip) === 6 ? 'ip6' : 'in-addr';
    case 'h':
      return ctx.helo;
    // %{c} is the "easily readable" form (RFC 5952 for IPv6), %{i} keeps the digits as given.
    case 'c':
      return isIP(ctx.ip) === 6 ? ipaddr.parse(ctx.ip).toString() : ctx.ip;
    case 'r':
      return ctx.receiver ?? 'unknown';
    case 't':
      return String(Math.floor((ctx.now ? ctx.now() : new Date()).getTime() / 1000));
    default:
      throw new Error(`unknown macro letter ${letter}`);
  }
}

/**
 * Expand a macro-string that the parser already validated. §7.3: split on the delimiters
 * (default "."), reverse if "r", keep the right-most N parts, join with ".", and URL-escape when
 * the letter is upper case.
 */
export async function expandMacros(s: string, ctx: MacroContext): Promise<string> {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const next = s[i + 1];
    if (next === '%') {
      out += '%';
      i++;
      continue;
    }
    if (next === '_') {
      out += ' ';
      i++;
      continue;
    }
    if (next === '-') {
      out += '%20';
      i++;
      continue;
    }
    const end = s.indexOf('}', i);
    const m = /^([a-z])(\d*)(r?)([^]*)$/i.exec(s.slice(i + 2, end))!;
    const letter = m[1]!;
    let value = await letterValue(letter.toLowerCase(), ctx);
    const delims = m[4] || '.';
    const splitter = new RegExp(`[${delims.replace(/[-\\\]^]/g, '\\$&')}]`);
    let parts = value.split(splitter);
    if (m[3]) parts = parts.reverse();
    if (m[2]) parts = parts.slice(-Number(m[2]));
    value = parts.join('.');
    if (letter !== letter.toLowerCase()) value = urlEscape(value);
    out += value;
    i = end;
  }
  return out;
}

/** §4.8 / §7.3: an expanded domain longer than 253 octets loses left-hand labels until it fits. */
export function truncateDomain(d: string): string {
  let out = d.replace(/\.$/, '');
  while (out.length > 253 && out.includes('.')) out = out.slice(out.indexOf('.') + 1);
  return out;
}
