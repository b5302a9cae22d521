/**
 * A BIND master-file subset (RFC 1035 §5) for the fixture DNS server.
 *
 * Supported: `$ORIGIN`, `$TTL`, `;` comments, `( ... )` continuation, `@`, relative and absolute
 * owner names, a blank owner meaning "the previous owner" (§5.1), optional TTL (with s/m/h/d/w units)
 * and class in either order, quoted strings with `\"`, `\\` and `\DDD` escapes, and the types
 * A AAAA MX TXT SPF CNAME PTR NS SOA TLSA CAA DS DNSKEY RRSIG (RRSIG times as YYYYMMDDHHmmSS in UTC or
 * seconds, RFC 4034 §3.2; signatures are whatever base64 the fixture writes: nothing verifies them).
 *
 * Records come out in dns-packet's answer shape, so the server encodes them without conversion.
 * TXT/SPF data is a Buffer[] of character-strings: quoted strings are kept as raw bytes (the text is
 * UTF-8, `\DDD` gives any byte), strings longer than 255 bytes are split into 255-byte chunks (BIND
 * refuses them; fixtures for "long TXT" checks are easier to write this way).
 */

export interface FixtureRecord {
  /** Absolute owner name without the trailing dot, as written (case kept). */
  name: string;
  /** Upper-case mnemonic, e.g. "TXT". */
  type: string;
  ttl: number;
  /** dns-packet data shape: string (A/AAAA/CNAME/PTR/NS), Buffer[] (TXT/SPF), {preference, exchange} (MX), ... */
  data: unknown;
}

interface Token {
  bytes: Buffer;
  text: string;
  quoted: boolean;
}

interface Line {
  tokens: Token[];
  /** The line began with whitespace: the owner is the previous one (RFC 1035 §5.1). */
  blankOwner: boolean;
  lineNo: number;
}

export class ZoneParseError extends Error {}

const CLASSES = new Set(['IN', 'CH', 'HS', 'CS']);
const TTL_RE = /^(\d+[smhdw]?)+$/i;

function parseTtl(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  const mult: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  for (const m of s.toLowerCase().matchAll(/(\d+)([smhdw])/g)) total += Number(m[1]) * mult[m[2]!]!;
  return total;
}

/** Splits the text into logical lines of tokens, honouring quotes, escapes, comments and parentheses. */
function tokenize(text: string): Line[] {
  const lines: Line[] = [];
  let cur: Line | undefined;
  let depth = 0;
  let lineNo = 1;
  let i = 0;
  const newLine = (blank: boolean): Line => ({ tokens: [], blankOwner: blank, lineNo });
  let atLineStart = true;

  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      lineNo++;
      i++;
      if (depth === 0) {
        if (cur && cur.tokens.length) lines.push(cur);
        cur = undefined;
        atLineStart = true;
      }
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      if (atLineStart && depth === 0 && !cur) cur = newLine(true);
      atLineStart = false;
      i++;
      continue;
    }
    atLineStart = false;
    if (!cur) cur = newLine(false);
    if (c === ';') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '(') {
      depth++;
      i++;
      continue;
    }
    if (c === ')') {
      if (depth === 0) throw new ZoneParseError(`line ${lineNo}: unbalanced ")"`);
      depth--;
      i++;
      continue;
    }
    const quoted = c === '"';
    if (quoted) i++;
    const parts: Buffer[] = [];
    let raw = '';
    while (i < text.length) {
      const ch = text[i]!;
      if (quoted ? ch === '"' : /[\s;()"]/.test(ch)) break;
      if (ch === '\n') lineNo++;
      if (ch === '\\') {
        const dec = /^\d{3}/.exec(text.slice(i + 1, i + 4));
        if (dec) {
          const v = Number(dec[0]);
          if (v > 255) throw new ZoneParseError(`line ${lineNo}: bad escape \\${dec[0]}`);
          parts.push(Buffer.from([v]));
          raw += String.fromCharCode(v);
          i += 4;
          continue;
        }
        const next = text[i + 1];
        if (next === undefined) throw new ZoneParseError(`line ${lineNo}: dangling backslash`);
        parts.push(Buffer.from(next, 'utf8'));
        raw += next;
        i += 2;
        continue;
      }
      // Code points above the BMP are two UTF-16 units: keep them together.
      const cp = text.codePointAt(i)!;
      const s = String.fromCodePoint(cp);
      parts.push(Buffer.from(s, 'utf8'));
      raw += s;
      i += s.length;
    }
    if (quoted) {
      if (text[i] !== '"') throw new ZoneParseError(`line ${lineNo}: unterminated quoted string`);
      i++;
    }
    cur.tokens.push({ bytes: Buffer.concat(parts), text: raw, quoted });
  }
  if (depth !== 0) throw new ZoneParseError('unbalanced "(" at end of zone');
  if (cur && cur.tokens.length) lines.push(cur);
  return lines;
}

function absolute(name: string, origin: string): string {
  if (name === '@') return origin;
  if (name.endsWith('.')) return name === '.' ? '' : name.slice(0, -1);
  return origin ? `${name}.${origin}` : name;
}

/** Character-strings are at most 255 bytes (RFC 1035 §3.3): longer input is split. */
export function chunk255(b: Buffer): Buffer[] {
  if (b.length <= 255) return [b];
  const out: Buffer[] = [];
  for (let o = 0; o < b.length; o += 255) out.push(b.subarray(o, o + 255));
  return out;
}

/** RFC 4034 §3.2: YYYYMMDDHHmmSS (UTC) or an unsigned decimal number of seconds, modulo 2^32. */
function rrsigTime(s: string, lineNo: number): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  const secs = m
    ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000
    : /^\d+$/.test(s)
      ? Number(s)
      : NaN;
  if (!Number.isFinite(secs)) throw new ZoneParseError(`line ${lineNo}: bad RRSIG time ${s}`);
  return secs % 2 ** 32;
}

/** A Date in RRSIG presentation format (RFC 4034 §3.2), for fixtures with times relative to now. */
export function rrsigTimeText(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function rdata(type: string, toks: Token[], origin: string, lineNo: number): unknown {
  const need = (n: number): void => {
    if (toks.length < n) throw new ZoneParseError(`line ${lineNo}: ${type} needs ${n} fields`);
  };
  const t = (k: number): string => toks[k]!.text;
  switch (type) {
    case 'A':
    case 'AAAA':
      need(1);
      return t(0);
    case 'CNAME':
    case 'PTR':
    case 'NS':
      need(1);
      return absolute(t(0), origin);
    case 'MX':
      need(2);
      return { preference: Number(t(0)), exchange: absolute(t(1), origin) };
    case 'TXT':
    case 'SPF':
      return toks.flatMap((tok) => chunk255(tok.bytes));
    case 'SOA':
      need(7);
      return {
        mname: absolute(t(0), origin),
        rname: absolute(t(1), origin),
        serial: Number(t(2)),
        refresh: parseTtl(t(3)),
        retry: parseTtl(t(4)),
        expire: parseTtl(t(5)),
        minimum: parseTtl(t(6)),
      };
    case 'TLSA':
      need(4);
      return {
        usage: Number(t(0)),
        selector: Number(t(1)),
        matchingType: Number(t(2)),
        certificate: Buffer.from(
          toks
            .slice(3)
            .map((x) => x.text)
            .join(''),
          'hex',
        ),
      };
    case 'CAA':
      need(3);
      return { flags: Number(t(0)), tag: t(1), value: t(2) };
    case 'DS':
      need(4);
      return {
        keyTag: Number(t(0)),
        algorithm: Number(t(1)),
        digestType: Number(t(2)),
        digest: Buffer.from(
          toks
            .slice(3)
            .map((x) => x.text)
            .join(''),
          'hex',
        ),
      };
    case 'DNSKEY':
      need(4);
      return {
        flags: Number(t(0)),
        algorithm: Number(t(2)),
        key: Buffer.from(
          toks
            .slice(3)
            .map((x) => x.text)
            .join(''),
          'base64',
        ),
      };
    case 'RRSIG':
      need(9);
      return {
        typeCovered: t(0).toUpperCase(),
        algorithm: Number(t(1)),
        labels: Number(t(2)),
        originalTTL: parseTtl(t(3)),
        expiration: rrsigTime(t(4), lineNo),
        inception: rrsigTime(t(5), lineNo),
        keyTag: Number(t(6)),
        signersName: absolute(t(7), origin),
        signature: Buffer.from(
          toks
            .slice(8)
            .map((x) => x.text)
            .join(''),
          'base64',
        ),
      };
    default:
      throw new ZoneParseError(`line ${lineNo}: unsupported type ${type}`);
  }
}

/**
 * Parses zone text into records. `origin` is the starting `$ORIGIN` (without the trailing dot);
 * relative names with no origin are taken as absolute.
 */
export function parseZone(text: string, opts: { origin?: string; defaultTtl?: number } = {}): FixtureRecord[] {
  let origin = (opts.origin ?? '').replace(/\.$/, '');
  let defaultTtl = opts.defaultTtl ?? 3600;
  let owner: string | undefined;
  const out: FixtureRecord[] = [];

  for (const line of tokenize(text)) {
    const toks = [...line.tokens];
    const first = toks[0]!;
    if (!line.blankOwner && !first.quoted && first.text.startsWith('$')) {
      const dir = first.text.toUpperCase();
      if (dir === '$ORIGIN') origin = absolute(toks[1]?.text ?? '.', origin);
      else if (dir === '$TTL') defaultTtl = parseTtl(toks[1]?.text ?? '');
      else throw new ZoneParseError(`line ${line.lineNo}: unsupported directive ${first.text}`);
      continue;
    }
    if (!line.blankOwner) {
      owner = absolute(toks.shift()!.text, origin);
    } else if (owner === undefined) {
      throw new ZoneParseError(`line ${line.lineNo}: blank owner with no previous owner`);
    }
    let ttl: number | undefined;
    while (toks.length && !toks[0]!.quoted) {
      const v = toks[0]!.text;
      if (CLASSES.has(v.toUpperCase())) toks.shift();
      else if (TTL_RE.test(v)) ttl = parseTtl(toks.shift()!.text);
      else break;
    }
    const typeTok = toks.shift();
    if (!typeTok) throw new ZoneParseError(`line ${line.lineNo}: missing type`);
    const type = typeTok.text.toUpperCase();
    // RFC 2308 §4: a record without a TTL takes $TTL (default 3600 here).
    out.push({ name: owner!, type, ttl: ttl ?? defaultTtl, data: rdata(type, toks, origin, line.lineNo) });
  }
  return out;
}

/** A fault to install on the fixture server: `type` undefined means every type of the name. */
export interface FixtureFault {
  name: string;
  mode: 'servfail' | 'timeout' | 'refused' | 'nxdomain' | null;
  type?: string;
}

/**
 * YAML strings from the openspf suite carry bytes as `\xNN` escapes, which YAML decodes to code
 * points U+0000..U+00FF: those are bytes (latin1). Anything wider is real Unicode text: UTF-8.
 */
export function suiteBytes(s: string): Buffer {
  // Every code unit fits in one byte (the suite writes raw bytes as \u00XX), so latin1 round-trips.
  // eslint-disable-next-line no-control-regex
  return /^[\u0000-\u00ff]*$/.test(s) ? Buffer.from(s, 'latin1') : Buffer.from(s, 'utf8');
}

/**
 * Converts the `zonedata` of the openspf RFC 7208/4408 suites into records and faults, following
 * the conventions of the suite's reference driver (pyspf `test/testspf.py`):
 * - `TXT`/`SPF`: a string is one character-string, a list several, `[]` an empty RDATA;
 *   `TXT: NONE` means "no TXT record" but counts as listed;
 * - `TIMEOUT`: queries for the name time out, except for types listed before it;
 * - SPF records are also served as TXT when the name lists no TXT at all ("auto-magic
 *   duplication", see the suite's header), unless `spfToTxt` is false.
 */
export function zoneFromSuiteData(
  zonedata: Record<string, unknown[]>,
  opts: { spfToTxt?: boolean; ttl?: number } = {},
): { records: FixtureRecord[]; faults: FixtureFault[] } {
  const records: FixtureRecord[] = [];
  const faults: FixtureFault[] = [];
  const ttl = opts.ttl ?? 300;
  for (const [rawName, entries] of Object.entries(zonedata ?? {})) {
    const name = rawName.replace(/\.$/, '');
    const listed = new Set<string>();
    const own: FixtureRecord[] = [];
    for (const entry of entries ?? []) {
      if (entry === 'TIMEOUT') {
        faults.push({ name, mode: 'timeout' });
        // Types listed before TIMEOUT still answer (pyspf driver semantics).
        for (const t of listed) faults.push({ name, mode: null, type: t });
        continue;
      }
      if (!entry || typeof entry !== 'object') continue;
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        const type = k.toUpperCase();
        listed.add(type);
        if (type === 'RCODE') {
          const mode = v === 3 ? 'nxdomain' : v === 5 ? 'refused' : 'servfail';
          faults.push({ name, mode });
          continue;
        }
        if (v === 'NONE') continue;
        let data: unknown;
        switch (type) {
          case 'TXT':
          case 'SPF': {
            const parts = Array.isArray(v) ? v : [v];
            data = parts.flatMap((p) => chunk255(suiteBytes(String(p))));
            break;
          }
          case 'MX': {
            const [pref, host] = v as [number, string];
            data = { preference: Number(pref), exchange: String(host).replace(/\.$/, '') };
            break;
          }
          case 'CNAME':
          case 'PTR':
          case 'NS':
            data = String(v).replace(/\.$/, '');
            break;
          default:
            data = String(v);
        }
        own.push({ name, type, ttl, data });
      }
    }
    records.push(...own);
    if (opts.spfToTxt !== false && !listed.has('TXT')) {
      for (const r of own) if (r.type === 'SPF') records.push({ ...r, type: 'TXT' });
    }
  }
  return { records, faults };
}
