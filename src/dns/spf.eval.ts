import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { DnsLookup, DnsResolver, DnsStatus, RRType } from '../infra/dns/resolver.port';
import { expandMacros, ipv6Nibbles, truncateDomain, type MacroContext } from './spf.macro';
import { isSpfRecord, macroStringError, parseSpf, type SpfMechanism, type SpfModifier } from './spf.parser';

/**
 * check_host() of RFC 7208 §4, written out because the audit needs what an evaluator normally
 * throws away: every record's raw text, the include/redirect tree, and the exact §4.6.4 counts.
 *
 * Two modes share one walk:
 * - evaluation (`ip` given): the standard algorithm; the 11th DNS-mechanism term or the 3rd void
 *   lookup is a permerror and stops evaluation.
 * - audit (`ip` omitted): nothing but `all` matches, so the walk follows the longest path a
 *   receiver can take, which is the path whose lookups count against the limit. It does not stop
 *   at limits or errors; it records them, so the user sees the whole tree and the real total.
 */
export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror';

export interface SpfTermTrace {
  raw: string;
  /** §4.6.4: this term counted as one DNS-mechanism lookup. */
  counted: boolean;
  /** The lookup returned NODATA/NXDOMAIN (§4.6.4 void lookup). */
  void?: boolean;
  target?: string;
  dnsStatus?: DnsStatus;
  matched?: boolean;
  /** Why the term was not resolved in audit mode (e.g. macros depend on the sender). */
  unresolved?: string;
  note?: string;
  child?: SpfNode;
}

export interface SpfNode {
  domain: string;
  via: 'root' | 'include' | 'redirect';
  status: DnsStatus | 'invalid-domain';
  error?: string;
  /** Every TXT string at the name, joined per record (§3.3), including non-SPF ones. */
  txt: string[];
  /** The records that start with v=spf1. */
  spfRecords: string[];
  syntaxErrors: string[];
  result: SpfResult;
  terms: SpfTermTrace[];
  /** Lookups counted inside this record (not its children). */
  lookups: number;
  /** §6.2 explanation, when the result is fail and the record has exp=. */
  explanation?: string;
}

export interface SpfEvaluation {
  result: SpfResult;
  reason: string;
  explanation?: string;
  matched?: string;
  lookups: number;
  voidLookups: number;
  limitExceeded?: { kind: 'lookups' | 'void'; at: string; domain: string };
  queries: number;
  tree: SpfNode;
}

export interface SpfEvalOptions {
  resolver: DnsResolver;
  /** Client IP; omit for audit mode. */
  ip?: string;
  sender?: string;
  helo?: string;
  receiver?: string;
  maxLookups?: number;
  maxVoid?: number;
  /** Audit mode: hard bound on lookups followed, so a hostile tree cannot make us loop. */
  auditCap?: number;
  now?: () => Date;
}

class Abort {
  constructor(
    readonly result: SpfResult,
    readonly reason: string,
  ) {}
}

const INDETERMINATE: DnsStatus[] = ['servfail', 'refused', 'timeout', 'error'];

/** §4.3: labels 1..63 octets, at least two labels, no domain literal. */
export function validDomain(d: string): boolean {
  const s = d.replace(/\.$/, '');
  if (!s || s.length > 253 || s.startsWith('[')) return false;
  const labels = s.split('.');
  return labels.length >= 2 && labels.every((l) => l.length >= 1 && l.length <= 63);
}

function validTarget(d: string): boolean {
  const labels = d.replace(/\.$/, '').split('.');
  return d.length <= 253 && labels.every((l) => l.length >= 1 && l.length <= 63);
}

function normaliseIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1]! : ip;
}

function inCidr(ip: string, net: string, bits: number): boolean {
  try {
    const a = ipaddr.parse(ip);
    const n = ipaddr.parse(net);
    if (a.kind() !== n.kind()) return false;
    return a.match(n as never, bits);
  } catch {
    return false;
  }
}

export function reverseName(ip: string): string {
  if (isIP(ip) === 6) return `${ipv6Nibbles(ip).reverse().join('.')}.ip6.arpa`;
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

class Walker {
  lookups = 0;
  voidLookups = 0;
  queries = 0;
  limitExceeded?: SpfEvaluation['limitExceeded'];
  readonly audit: boolean;
  readonly ip: string;
  readonly family: 4 | 6;
  readonly maxLookups: number;
  readonly maxVoid: number;
  private ptrCache?: Promise<string[]>;

  constructor(
    private readonly o: SpfEvalOptions,
    readonly sender: string,
    readonly helo: string,
  ) {
    this.audit = o.ip === undefined;
    this.ip = o.ip === undefined ? '' : normaliseIp(o.ip);
    this.family = isIP(this.ip) === 6 ? 6 : 4;
    this.maxLookups = o.maxLookups ?? 10;
    this.maxVoid = o.maxVoid ?? 2;
  }

  async q<T extends RRType>(name: string, type: T): Promise<DnsLookup<T>> {
    this.queries++;
    return this.o.resolver.query(name, type);
  }

  /** Count one DNS-mechanism term (§4.6.4); in evaluation mode the 11th is a permerror. */
  count(term: string, domain: string, trace: SpfTermTrace): void {
    this.lookups++;
    trace.counted = true;
    if (this.lookups > this.maxLookups && !this.limitExceeded) {
      this.limitExceeded = { kind: 'lookups', at: term, domain };
      if (!this.audit)
        throw new Abort(
          'permerror',
          `more than ${this.maxLookups} DNS-mechanism lookups (RFC 7208 §4.6.4), at "${term}" in ${domain}`,
        );
    }
    if (this.audit && this.lookups > (this.o.auditCap ?? 40))
      throw new Abort('permerror', `stopped following the tree after ${this.o.auditCap ?? 40} lookups`);
  }

  noteVoid(term: string, domain: string, trace: SpfTermTrace): void {
    this.voidLookups++;
    trace.void = true;
    if (this.voidLookups > this.maxVoid && !this.limitExceeded) {
      this.limitExceeded = { kind: 'void', at: term, domain };
      if (!this.audit)
        throw new Abort(
          'permerror',
          `more than ${this.maxVoid} void lookups (RFC 7208 §4.6.4), at "${term}" in ${domain}`,
        );
    }
  }

  macroCtx(domain: string): MacroContext {
    return {
      sender: this.sender,
      ip: this.ip,
      helo: this.helo,
      domain,
      receiver: this.o.receiver,
      now: this.o.now,
      ptr: async () => this.validatedName(domain),
    };
  }

  /** §5.5 / §7.3: PTR names of the client whose forward lookup contains the client IP (at most 10). */
  async validatedNames(): Promise<string[]> {
    this.ptrCache ??= (async () => {
      const ptr = await this.q(reverseName(this.ip), 'PTR');
      if (ptr.status !== 'noerror') return [];
      const names = ptr.answers.slice(0, 10).map((n) => n.replace(/\.$/, '').toLowerCase());
      const ok = await Promise.all(
        names.map(async (n) => {
          const fwd = await this.q(n, this.family === 6 ? 'AAAA' : 'A');
          return fwd.answers.some((a) => inCidr(this.ip, a, this.family === 6 ? 128 : 32)) ? n : null;
        }),
      );
      return ok.filter((n): n is string => n !== null);
    })();
    return this.ptrCache;
  }

  async validatedName(domain: string): Promise<string> {
    const names = await this.validatedNames();
    const d = domain.toLowerCase();
    return names.find((n) => n === d) ?? names.find((n) => n.endsWith(`.${d}`)) ?? names[0] ?? 'unknown';
  }

  async target(spec: string | undefined, domain: string): Promise<string> {
    if (spec === undefined) return domain;
    return truncateDomain(await expandMacros(spec, this.macroCtx(domain)));
  }

  async checkHost(domain: string, via: SpfNode['via'], depth: number): Promise<SpfNode> {
    const node: SpfNode = {
      domain,
      via,
      status: 'noerror',
      txt: [],
      spfRecords: [],
      syntaxErrors: [],
      result: 'none',
      terms: [],
      lookups: 0,
    };
    try {
      await this.evaluate(node, depth);
    } catch (e) {
      if (!(e instanceof Abort)) throw e;
      node.result = e.result;
      node.error ??= e.reason;
    }
    return node;
  }

  private async evaluate(node: SpfNode, depth: number): Promise<void> {
    const { domain } = node;
    if (!validDomain(domain)) {
      node.status = 'invalid-domain';
      throw new Abort('none', `"${domain}" is not a valid domain name (RFC 7208 §4.3)`);
    }
    // §4.4: the record lookup; a DNS error is temperror, never "no record".
    const txt = await this.q(domain, 'TXT');
    node.status = txt.status;
    if (INDETERMINATE.includes(txt.status))
      throw new Abort('temperror', `TXT lookup for ${domain}: ${txt.status}${txt.error ? ` (${txt.error})` : ''}`);
    node.txt = txt.answers.map((chunks) => chunks.join(''));
    node.spfRecords = node.txt.filter(isSpfRecord);
    if (node.spfRecords.length === 0) throw new Abort('none', `${domain} has no SPF record (${txt.status})`);
    // §4.5: more than one record is a permerror.
    if (node.spfRecords.length > 1)
      throw new Abort('permerror', `${domain} publishes ${node.spfRecords.length} SPF records (RFC 7208 §4.5)`);
    const parsed = parseSpf(node.spfRecords[0]!);
    node.syntaxErrors = parsed.errors;
    if (parsed.errors.length)
      throw new Abort('permerror', `syntax error in the SPF record of ${domain}: ${parsed.errors[0]}`);

    let firstError: Abort | undefined;
    for (const term of parsed.terms) {
      if (term.type !== 'mechanism') continue;
      const trace: SpfTermTrace = { raw: term.raw, counted: false };
      node.terms.push(trace);
      let matched = false;
      try {
        matched = await this.mechanism(term, domain, trace, node, depth);
      } catch (e) {
        if (!(e instanceof Abort) || !this.audit) throw e;
        trace.note = e.reason;
        firstError ??= e;
      }
      trace.matched = matched;
      if (matched) {
        node.result = ({ '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' } as const)[term.qualifier];
        if (node.result === 'fail' && parsed.exp && !this.audit)
          node.explanation = await this.explain(parsed.exp, domain);
        if (firstError) throw firstError;
        return;
      }
    }
    for (const term of parsed.terms) {
      if (term.type === 'modifier' && term.name !== 'redirect' && term.name !== 'exp')
        node.terms.push({ raw: term.raw, counted: false, note: 'unknown modifier, ignored (RFC 7208 §6)' });
    }
    if (parsed.redirect) {
      // §6.1: redirect applies only when no mechanism matched.
      const trace: SpfTermTrace = { raw: parsed.redirect.raw, counted: false };
      node.terms.push(trace);
      this.count(parsed.redirect.raw, domain, trace);
      node.lookups++;
      if (parsed.redirect.hasMacro && this.audit) {
        trace.unresolved = 'macro';
        throw firstError ?? new Abort('neutral', 'redirect target depends on the sender');
      }
      const target = await this.target(parsed.redirect.value, domain);
      trace.target = target;
      const child = await this.checkHost(target, 'redirect', depth + 1);
      trace.child = child;
      if (child.result === 'none') {
        if (child.status === 'nxdomain' || child.status === 'noerror')
          this.noteVoidIfEmpty(child, parsed.redirect.raw, domain, trace);
        throw new Abort('permerror', `redirect target ${target} has no SPF record (RFC 7208 §6.1)`);
      }
      node.result = child.result;
      if (child.explanation !== undefined) node.explanation = child.explanation;
      if (firstError) throw firstError;
      if (child.result === 'permerror' || child.result === 'temperror')
        throw new Abort(child.result, child.error ?? `redirect to ${target}: ${child.result}`);
      return;
    }
    if (firstError) throw firstError;
    node.result = 'neutral';
  }

  /** §6.2: any DNS problem or a malformed string just means "no explanation". */
  private async explain(exp: SpfModifier, domain: string): Promise<string | undefined> {
    try {
      const target = await this.target(exp.value, domain);
      const l = await this.q(target, 'TXT');
      if (l.status !== 'noerror' || l.answers.length !== 1) return undefined;
      const text = l.answers[0]!.join('');
      if (macroStringError(text, true)) return undefined;
      return await expandMacros(text, this.macroCtx(domain));
    } catch {
      return undefined;
    }
  }

  private noteVoidIfEmpty(child: SpfNode, raw: string, domain: string, trace: SpfTermTrace): void {
    if (child.txt.length === 0) {
      try {
        this.noteVoid(raw, domain, trace);
      } catch {
        /* the none->permerror below wins */
      }
    }
  }

  private async mechanism(
    m: SpfMechanism,
    domain: string,
    trace: SpfTermTrace,
    node: SpfNode,
    depth: number,
  ): Promise<boolean> {
    switch (m.name) {
      case 'all':
        return true;
      case 'ip4':
      case 'ip6':
        if (this.audit) return false;
        return inCidr(this.ip, m.value!, m.name === 'ip4' ? (m.cidr4 ?? 32) : (m.cidr6 ?? 128));
      default:
        break;
    }
    this.count(m.raw, domain, trace);
    node.lookups++;
    if (this.audit && m.hasMacro) {
      trace.unresolved = 'macro';
      return false;
    }
    if (this.audit && m.name === 'ptr') {
      trace.unresolved = 'ptr depends on the client address';
      return false;
    }
    const target = await this.target(m.value, domain);
    trace.target = target;
    // A target that cannot be a DNS name (empty or over-long label after expansion) cannot match;
    // for include it is "no record", hence permerror below.
    if (m.name !== 'include' && !validTarget(target)) {
      trace.note = `"${target}" is not a valid domain name`;
      return false;
    }
    const temp = (l: DnsLookup) => {
      trace.dnsStatus = l.status;
      if (INDETERMINATE.includes(l.status)) throw new Abort('temperror', `${l.type} lookup for ${l.name}: ${l.status}`);
    };

    switch (m.name) {
      case 'include': {
        if (depth >= 20) throw new Abort('permerror', 'include nesting too deep');
        const child = await this.checkHost(target, 'include', depth + 1);
        trace.child = child;
        // §5.2: the include result table.
        switch (child.result) {
          case 'pass':
            return true;
          case 'fail':
          case 'softfail':
          case 'neutral':
            return false;
          case 'temperror':
            throw new Abort('temperror', child.error ?? `include:${target} temperror`);
          case 'none':
            this.noteVoidIfEmpty(child, m.raw, domain, trace);
            throw new Abort('permerror', `include:${target} has no SPF record (RFC 7208 §5.2)`);
          case 'permerror':
            throw new Abort('permerror', child.error ?? `include:${target} permerror`);
        }
        break;
      }
      case 'a': {
        const addrs = await this.addresses(target, trace, temp);
        if (addrs === null) {
          this.noteVoid(m.raw, domain, trace);
          return false;
        }
        return addrs.some((a) => this.matchAddr(a, m));
      }
      case 'mx': {
        const mx = await this.q(target, 'MX');
        temp(mx);
        const hosts = mx.answers.map((r) => r.exchange.replace(/\.$/, '')).filter((h) => h !== '');
        if (mx.answers.length === 0) {
          this.noteVoid(m.raw, domain, trace);
          return false;
        }
        // §4.6.4: an mx mechanism may not look up more than 10 address records.
        if (hosts.length > 10)
          throw new Abort(
            'permerror',
            `mx:${target} has ${hosts.length} MX records; more than 10 is a permerror (RFC 7208 §4.6.4)`,
          );
        const found = await Promise.all(hosts.map((h) => this.addresses(h, { raw: '', counted: false }, () => {})));
        return found.some((list) => (list ?? []).some((a) => this.matchAddr(a, m)));
      }
      case 'ptr': {
        const names = await this.validatedNames();
        if (names.length === 0) {
          trace.dnsStatus = 'nxdomain';
        }
        const t = target.toLowerCase();
        return names.some((n) => n === t || n.endsWith(`.${t}`));
      }
      case 'exists': {
        // §5.7: always an A query, whatever the client's address family.
        const a = await this.q(target, 'A');
        temp(a);
        if (a.answers.length === 0) {
          this.noteVoid(m.raw, domain, trace);
          return false;
        }
        return true;
      }
    }
    return false;
  }

  /** Address records of a name; in audit mode both families (void only if both are empty). Null = void. */
  private async addresses(name: string, trace: SpfTermTrace, temp: (l: DnsLookup) => void): Promise<string[] | null> {
    if (this.audit) {
      const [a, aaaa] = await Promise.all([this.q(name, 'A'), this.q(name, 'AAAA')]);
      trace.dnsStatus = a.status;
      const all = [...a.answers, ...aaaa.answers];
      if (all.length) return all;
      temp(INDETERMINATE.includes(a.status) ? a : aaaa);
      return null;
    }
    const l = await this.q(name, this.family === 6 ? 'AAAA' : 'A');
    temp(l);
    return l.answers.length ? l.answers : null;
  }

  private matchAddr(addr: string, m: SpfMechanism): boolean {
    if (isIP(addr) === 6) return this.family === 6 && inCidr(this.ip, addr, m.cidr6 ?? 128);
    return this.family === 4 && inCidr(this.ip, addr, m.cidr4 ?? 32);
  }
}

/**
 * Evaluate SPF for `domain`. With `ip`, this is check_host(<ip>, <domain>, <sender>) and returns
 * the standard's result word; without it, an audit walk of the whole tree.
 */
export async function evaluateSpf(domain: string, o: SpfEvalOptions): Promise<SpfEvaluation> {
  const sender = o.sender ?? `postmaster@${domain}`;
  const w = new Walker(o, sender, o.helo ?? domain);
  const tree = await w.checkHost(domain.replace(/\.$/, ''), 'root', 0);
  return {
    result: tree.result,
    reason: tree.error ?? `${tree.result}`,
    ...(tree.explanation !== undefined ? { explanation: tree.explanation } : {}),
    lookups: w.lookups,
    voidLookups: w.voidLookups,
    ...(w.limitExceeded ? { limitExceeded: w.limitExceeded } : {}),
    queries: w.queries,
    tree,
  };
}
