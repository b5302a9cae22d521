import { isIP } from 'node:net';

/**
 * Strict SPF record parser (RFC 7208 §4.6 and the ABNF of §12). It never throws: it returns the
 * terms it understood and the syntax errors it saw, because "if there are any syntax errors
 * anywhere in the record, check_host() returns immediately with the result permerror" (§4.6)
 * but the audit still wants to show the user every term and every error.
 */
export type SpfQualifier = '+' | '-' | '~' | '?';
export type SpfMechanismName = 'all' | 'include' | 'a' | 'mx' | 'ptr' | 'ip4' | 'ip6' | 'exists';

export interface SpfMechanism {
  type: 'mechanism';
  raw: string;
  qualifier: SpfQualifier;
  /** Whether the qualifier was written explicitly (e.g. "+all" vs "all"). */
  explicitQualifier: boolean;
  name: SpfMechanismName;
  /** domain-spec for include/a/mx/ptr/exists (unexpanded macro-string), network for ip4/ip6. */
  value?: string;
  cidr4?: number;
  cidr6?: number;
  hasMacro: boolean;
}

export interface SpfModifier {
  type: 'modifier';
  raw: string;
  name: string;
  value: string;
  hasMacro: boolean;
}

export type SpfTerm = SpfMechanism | SpfModifier;

export interface ParsedSpf {
  terms: SpfTerm[];
  errors: string[];
  redirect?: SpfModifier;
  exp?: SpfModifier;
}

/** §4.5: a record is an SPF record when it is exactly "v=spf1" or starts with "v=spf1 ". */
export function isSpfRecord(txt: string): boolean {
  return /^v=spf1( |$)/i.test(txt);
}

const MECHANISMS = new Set<SpfMechanismName>(['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists']);
/** macro-expand / macro-literal of §7.1; `allowExpOnly` admits c, r, t (explanation strings only). */
export function macroStringError(s: string, allowExpOnly = false): string | null {
  const letters = allowExpOnly ? 'slodiphcrtv' : 'slodiphv';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = ch.charCodeAt(0);
    if (ch === '%') {
      const next = s[i + 1];
      if (next === '%' || next === '_' || next === '-') {
        i++;
        continue;
      }
      if (next !== '{') return `"%" must be followed by "{", "%", "_" or "-" (RFC 7208 §7.1) in "${s}"`;
      const end = s.indexOf('}', i);
      if (end < 0) return `unterminated macro in "${s}"`;
      const body = s.slice(i + 2, end);
      const re = new RegExp(`^[${letters}](\\d*)(r?)([.\\-+,/_=]*)$`, 'i');
      const m = re.exec(body);
      if (!m) return `invalid macro "%{${body}}" in "${s}"`;
      if (m[1] !== '' && Number(m[1]) === 0) return `macro digit transformer must be non-zero in "%{${body}}"`;
      if (m[1]!.length > 3) return `macro digit transformer too large in "%{${body}}"`;
      i = end;
      continue;
    }
    // macro-literal = %x21-24 / %x26-7E (visible ASCII); explanation text also allows spaces.
    if (!(code >= 0x21 && code <= 0x7e) && !(allowExpOnly && ch === ' ')) {
      return `character ${JSON.stringify(ch)} is not allowed in "${s}"`;
    }
  }
  return null;
}

// RFC 7208 §7.1 toplabel; [0-9]* (not [a-z0-9]*) before the first letter reads each label once.
const TOPLABEL = /^(?:[0-9]*[a-z][a-z0-9]*|[a-z0-9]+-[a-z0-9-]*[a-z0-9])$/i;

/** domain-spec = macro-string domain-end; domain-end = ( "." toplabel [ "." ] ) / macro-expand (§7.1). */
export function domainSpecError(spec: string): string | null {
  if (!spec) return 'empty domain-spec';
  const macroErr = macroStringError(spec);
  if (macroErr) return macroErr;
  if (/%\{[^{}]*\}$/.test(spec)) return null;
  const trimmed = spec.endsWith('.') ? spec.slice(0, -1) : spec;
  const dot = trimmed.lastIndexOf('.');
  if (dot < 0) return `"${spec}" is not a fully qualified domain name`;
  const top = trimmed.slice(dot + 1);
  if (!TOPLABEL.test(top)) return `"${spec}" does not end in a valid top label (RFC 7208 §7.1 toplabel)`;
  return null;
}

const QNUM = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)';
const IP4 = new RegExp(`^${QNUM}(\\.${QNUM}){3}$`);

function cidr(s: string | undefined, max: number): number | null | undefined {
  if (s === undefined) return undefined;
  // ip4-cidr-length = "/" ("0" / %x31-39 0*1DIGIT): no leading zeros.
  if (!/^(0|[1-9]\d{0,2})$/.test(s)) return null;
  const n = Number(s);
  return n > max ? null : n;
}

function parseMechanism(raw: string, errors: string[]): SpfMechanism | null {
  let body = raw;
  let qualifier: SpfQualifier = '+';
  let explicitQualifier = false;
  if ('+-~?'.includes(body[0]!)) {
    qualifier = body[0] as SpfQualifier;
    explicitQualifier = true;
    body = body.slice(1);
  }
  const m = /^([a-z0-9]+)(?:([:/])(.*))?$/i.exec(body);
  const name = m?.[1]?.toLowerCase() as SpfMechanismName | undefined;
  if (!m || !name || !MECHANISMS.has(name)) {
    errors.push(`unknown mechanism "${raw}"`);
    return null;
  }
  const sep = m[2];
  const rest = m[3] ?? '';
  const mech: SpfMechanism = { type: 'mechanism', raw, qualifier, explicitQualifier, name, hasMacro: false };
  const fail = (why: string) => {
    errors.push(`"${raw}": ${why}`);
    return null;
  };

  switch (name) {
    case 'all':
      if (sep) return fail('"all" takes no argument');
      return mech;
    case 'include':
    case 'exists': {
      if (sep !== ':' || !rest) return fail(`"${name}" requires ":domain"`);
      const err = domainSpecError(rest);
      if (err) return fail(err);
      mech.value = rest;
      mech.hasMacro = rest.includes('%');
      return mech;
    }
    case 'ptr': {
      if (sep === '/') return fail('"ptr" takes no CIDR length');
      if (sep === ':') {
        const err = domainSpecError(rest);
        if (err) return fail(err);
        mech.value = rest;
        mech.hasMacro = rest.includes('%');
      }
      return mech;
    }
    case 'a':
    case 'mx': {
      // a / mx [ ":" domain-spec ] [ dual-cidr-length ], dual-cidr = [ "/" ip4 ] [ "//" ip6 ]
      let cidrPart = '';
      if (sep === ':') {
        // The dual-cidr-length is the numeric suffix; a "/" inside the domain-spec is a macro-literal
        // (the suite's "a:foo:bar/baz.example.com" is a valid domain-spec).
        const sm = /^(.*?)((?:\/\d*)?(?:\/\/\d*)?)$/.exec(rest)!;
        const spec = sm[1]!;
        cidrPart = sm[2]!;
        if (!spec) return fail('empty domain after ":"');
        const err = domainSpecError(spec);
        if (err) return fail(err);
        mech.value = spec;
        mech.hasMacro = spec.includes('%');
      } else if (sep === '/') {
        cidrPart = `/${rest}`;
      }
      if (cidrPart) {
        const dm = /^(?:\/([^/]*))?(?:\/\/([^/]*))?$/.exec(cidrPart);
        if (!dm) return fail(`invalid CIDR length "${cidrPart}"`);
        const c4 = cidr(dm[1], 32);
        const c6 = cidr(dm[2], 128);
        if (c4 === null || c6 === null) return fail(`invalid CIDR length "${cidrPart}"`);
        if (c4 !== undefined) mech.cidr4 = c4;
        if (c6 !== undefined) mech.cidr6 = c6;
      }
      return mech;
    }
    case 'ip4': {
      if (sep !== ':') return fail('"ip4" requires ":address"');
      const [addr, len, extra] = rest.split('/');
      if (extra !== undefined || !IP4.test(addr ?? '')) return fail(`"${rest}" is not an IPv4 network`);
      const c4 = cidr(len, 32);
      if (c4 === null) return fail(`invalid IPv4 CIDR length "/${len}"`);
      mech.value = addr;
      if (c4 !== undefined) mech.cidr4 = c4;
      return mech;
    }
    case 'ip6': {
      if (sep !== ':') return fail('"ip6" requires ":address"');
      const slash = rest.lastIndexOf('/');
      const addr = slash < 0 ? rest : rest.slice(0, slash);
      const len = slash < 0 ? undefined : rest.slice(slash + 1);
      if (isIP(addr) !== 6) return fail(`"${addr}" is not an IPv6 network`);
      const c6 = cidr(len, 128);
      if (c6 === null) return fail(`invalid IPv6 CIDR length "/${len}"`);
      mech.value = addr;
      if (c6 !== undefined) mech.cidr6 = c6;
      return mech;
    }
  }
}

/** Parse one SPF record text (the TXT character-strings already joined, §3.3). */
export function parseSpf(record: string): ParsedSpf {
  const out: ParsedSpf = { terms: [], errors: [] };
  // §3.1 / §4.6.1: the record is 7-bit ASCII and terms are separated by SP only.
  if (/[^\x20-\x7e]/.test(record))
    out.errors.push('the record contains characters outside printable 7-bit ASCII (RFC 7208 §3.1/§4.6.1)');
  if (!isSpfRecord(record)) {
    out.errors.push('the record does not start with "v=spf1"');
    return out;
  }
  const tokens = record
    .slice(6)
    .split(' ')
    .filter((t) => t !== '');
  for (const tok of tokens) {
    // modifier = name "=" macro-string, name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
    const mod = /^([a-z][a-z0-9_.-]*)=(.*)$/i.exec(tok);
    if (mod) {
      const name = mod[1]!.toLowerCase();
      const value = mod[2]!;
      const err = name === 'redirect' || name === 'exp' ? domainSpecError(value) : macroStringError(value);
      if (err) {
        out.errors.push(`"${tok}": ${err}`);
        continue;
      }
      const m: SpfModifier = { type: 'modifier', raw: tok, name, value, hasMacro: value.includes('%') };
      if (name === 'redirect' || name === 'exp') {
        // §6: redirect and exp each appear at most once.
        if (out[name]) out.errors.push(`"${name}=" appears more than once (RFC 7208 §6)`);
        out[name] = m;
      }
      out.terms.push(m);
      continue;
    }
    const mech = parseMechanism(tok, out.errors);
    if (mech) out.terms.push(mech);
  }
  return out;
}

/** Serialise terms back into record text (used to build suggested records). */
export function formatSpf(terms: Pick<SpfTerm, 'raw'>[]): string {
  return ['v=spf1', ...terms.map((t) => t.raw)].join(' ');
}
