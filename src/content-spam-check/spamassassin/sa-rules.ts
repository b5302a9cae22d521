/**
 * SpamAssassin's shipped regular-expression rules (header, body, rawbody, uri, full) and the meta
 * rules built on them, with their shipped scores (score set 0: no Bayes, no network tests), run
 * on a message without Perl. The rule files are copied from Debian's spamassassin 4.0.1
 * (/usr/share/spamassassin, Apache-2.0; data/spamassassin/ holds the files, LICENSE and NOTICE).
 *
 * What is not run, and why:
 *   - `eval:` tests (Perl functions of the plugins) other than the few ported (NATIVE, and
 *     EVAL_NATIVE: 60_welcomelist.cf's USER_IN_* address-list rules (From and To side), which read
 *     a recipient's prefs given per message, welcomelist.ts), and rules on SpamAssassin's
 *     pseudo-headers other than X-Spam-Relays-* (sa-message.ts builds those from our Received
 *     reading): no Perl here. A meta rule that reads one of them is left out too, rather than guessed.
 *   - network (`tflags net`) and Bayes (`learn`) rules: out of scope; spamd runs without them in
 *     our comparison as well, and meta rules read them as 0, as spamd does.
 *   - patterns that do not translate (perl-regex.ts) or that RE2 cannot run in linear time
 *     (look-arounds or back-references with an unbounded repeat).
 * Every pattern runs on src/common/text/linear-regex.ts (linear time whatever the rule file says);
 * literals one of which every match must contain (prefilter.ts) are looked for first, as
 * SpamAssassin's own sa-compile does.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasUnboundedRepeat, LinearRegex, toRe2Syntax } from '../../common/text/linear-regex';
import { parseCf, replaceTags, type CfConfig, type RuleType } from './cf-parser';
import { evalMeta, metaRefs, parseMeta, type MetaNode } from './meta-expr';
import { translatePerlRegex } from './perl-regex';
import { requiredLiterals } from './prefilter';
import type { SaMessage } from './sa-types';
import { welcomelistState } from './welcomelist';
import { addrGlob, type WelcomelistPrefs } from './welcomelist-prefs';

export type { SaMessage } from './sa-types';

type PatternType = Exclude<RuleType, 'meta' | 'mimeheader'>;

export interface SaPatternRule {
  name: string;
  type: PatternType;
  score: number;
  /** The translated pattern (JavaScript syntax) and flags; compiled on first use (`compiled`). */
  source: string;
  flags: string;
  /** Which engine runs it: V8 when it repeats nothing without bound, else the automaton. */
  engine: 'automaton' | 'v8-bounded';
  /** The pattern reads per line (^ or $ in it); otherwise the joined text is tried first. */
  anchored: boolean;
  /**
   * Every match contains one of these (prefilter.ts), lower-cased when the pattern is
   * case-insensitive: a text without any of them is not tried.
   */
  literals?: string[];
  /** The `i` flag (the literals are then looked up in the lower-cased text). */
  caseInsensitive: boolean;
  negate: boolean;
  /** header rules: which header, its modifier, the value when absent, or an existence test. */
  header?: { name: string; mod?: string; ifUnset?: string; exists?: boolean; cacheKey: string };
  maxHits: number;
  /** body rules with `tflags nosubject`: the Subject (first body line) is not read. */
  noSubject?: boolean;
}

export interface SaMetaRule {
  name: string;
  score: number;
  tree: MetaNode;
}

export interface SaRuleSet {
  patterns: SaPatternRule[];
  metas: SaMetaRule[];
  /** Header-existence tests (`exists:Name`). */
  exists: { name: string; score: number; header: string; negate: boolean }[];
  /** Rules ported by hand (see NATIVE and EVAL_NATIVE). */
  natives: { name: string; score: number; test: (msg: SaMessage, options: RunOptions) => boolean }[];
  describe: Map<string, string>;
  /** Rules left out, by reason (reported by the tests and the bench). */
  skipped: Record<string, number>;
  /** Names read as 0 by meta rules: network and Bayes rules, and rules no loaded plugin defines. */
  zero: Set<string>;
  /** Every rule that runs: its type and score. */
  byName: Map<string, { type: RuleType; score: number }>;
}

export interface SaHit {
  name: string;
  /** The rule type (meta for meta rules, header for exists: tests). */
  type: RuleType;
  score: number;
  description: string;
}

/**
 * Pseudo-headers SpamAssassin builds itself other than the relay lists (sa-message.ts builds
 * those): rules on them are not run.
 */
const PSEUDO_HEADER = /^x-spam-(?!relays-)/i;
const SUPPORTED_MODS = new Set(['raw', 'addr', 'name', 'first', 'last']);

/** Plugin functions that need DNS answers (SPF, DKIM keys, DMARC, DNS lists). */
const DNS_EVAL =
  /^eval:(?:check_dkim_valid|check_dkim_adsp|check_dkim_dependable|check_for_spf|check_dmarc|check_rbl|check_dns_sender|check_uridnsbl|check_askdns|check_hashbl)/;

function relays(msg: SaMessage, which: 'untrusted' | 'trusted'): string {
  return msg.headers.find((h) => h.key === `x-spam-relays-${which}`)?.value ?? '';
}

function inList(msg: SaMessage, field: 'from' | 'reply-to', globs: ((a: string) => boolean)[]): boolean {
  const addr = headerValue(msg, field, 'addr')?.toLowerCase();
  return !!addr && globs.some((g) => g(addr));
}

/**
 * Plugin evals run natively, by function name (with the 3.x `whitelist` names WLBLEval still
 * registers). The welcome lists are the recipient's prefs (RunOptions.prefs): without them no
 * list has an entry and the rules never fire, as in SpamAssassin without user_prefs.
 */
const EVAL_NATIVE: Record<string, (msg: SaMessage, options: RunOptions) => boolean> = {
  check_from_in_welcomelist: (msg, o) => !!o.prefs && welcomelistState(msg, o.prefs).welcomelist > 0,
  check_from_in_default_welcomelist: (msg, o) => !!o.prefs && welcomelistState(msg, o.prefs).defaultWelcomelist > 0,
  check_from_in_blocklist: (msg, o) => !!o.prefs && welcomelistState(msg, o.prefs).blocklist,
  check_to_in_welcomelist: (msg, o) => !!o.prefs && welcomelistState(msg, o.prefs).welcomelistTo,
  check_to_in_more_spam: (msg, o) => !!o.prefs && welcomelistState(msg, o.prefs).moreSpamTo,
  check_to_in_all_spam: (msg, o) => !!o.prefs && welcomelistState(msg, o.prefs).allSpamTo,
  check_to_in_blocklist: (msg, o) => !!o.prefs && welcomelistState(msg, o.prefs).blocklistTo,
};
EVAL_NATIVE.check_from_in_whitelist = EVAL_NATIVE.check_from_in_welcomelist!;
EVAL_NATIVE.check_from_in_default_whitelist = EVAL_NATIVE.check_from_in_default_welcomelist!;
EVAL_NATIVE.check_from_in_blacklist = EVAL_NATIVE.check_from_in_blocklist!;
EVAL_NATIVE.check_to_in_whitelist = EVAL_NATIVE.check_to_in_welcomelist!;
EVAL_NATIVE.check_to_in_blacklist = EVAL_NATIVE.check_to_in_blocklist!;

const OCTETS = / (?:by|ip)=(\d{1,12})\.(\d{1,12})\.(\d{1,12})\.(\d{1,12}) /g;

/**
 * Shipped rules ported by hand, with SpamAssassin's definition in words: their Perl pattern needs
 * a look-ahead or back-reference (no linear-time engine here) or their eval is a few lines.
 */
const NATIVE: Record<string, (msg: SaMessage) => boolean> = {
  // 20_head_tests.cf RCVD_ILLEGAL_IP: an untrusted relay's IP or "by" address is in 0/8,
  // 224-255/8 or a documentation range (RFC 5737), or has an octet above 255.
  RCVD_ILLEGAL_IP: (msg) => {
    for (const m of relays(msg, 'untrusted').matchAll(OCTETS)) {
      const o = m.slice(1, 5).map(Number) as [number, number, number, number];
      const net = `${o[0]}.${o[1]}.${o[2]}`;
      if (o.some((x) => x > 255) || o[0] === 0 || o[0] >= 224) return true;
      if (net === '192.0.2' || net === '198.51.100' || net === '203.0.113') return true;
    }
    return false;
  },
  // 72_active.cf __HELO_NOT_RDNS: the first external relay has a reverse-DNS name and greeted
  // with a name that does not start with it (compared without case).
  __HELO_NOT_RDNS: (msg) => {
    const first = relays(msg, 'untrusted').split(' ]')[0] ?? '';
    const rdns = / rdns=(\S+) helo=(\S*)/.exec(first);
    return !!rdns && rdns[2] !== '' && !rdns[2]!.toLowerCase().startsWith(rdns[1]!.toLowerCase());
  },
  // RelayEval check_no_relays (NO_RELAYS): no Received field names a client.
  NO_RELAYS: (msg) => relays(msg, 'trusted') === '' && relays(msg, 'untrusted') === '',
  // HeaderEval check_all_trusted (ALL_TRUSTED): relays were seen and all of them are trusted.
  ALL_TRUSTED: (msg) => relays(msg, 'trusted') !== '' && relays(msg, 'untrusted') === '',
};

/** The pattern text and modifiers of a Perl match operator (`/re/i`, `m{re}i`, `m;re;`). */
export function splitMatchOperator(text: string): { pattern: string; flags: string; rest: string } | undefined {
  let i = 0;
  if (text[0] === 'm' && text.length > 1 && !/[\w\s]/.test(text[1]!)) i = 1;
  else if (text[0] !== '/') return undefined;
  const open = text[i]!;
  const close = ({ '{': '}', '(': ')', '[': ']', '<': '>' } as Record<string, string>)[open] ?? open;
  let depth = 0;
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j]!;
    if (c === '\\') {
      j++;
      continue;
    }
    if (c === open && close !== open) depth++;
    else if (c === close) {
      if (depth > 0) {
        depth--;
        continue;
      }
      const flags = /^[a-z]*/.exec(text.slice(j + 1))![0];
      return { pattern: text.slice(i + 1, j), flags, rest: text.slice(j + 1 + flags.length).trim() };
    }
  }
  return undefined;
}

function scoreOf(cfg: CfConfig, name: string): number {
  const s = cfg.scores.get(name);
  if (s !== undefined) return s;
  if (name.startsWith('__')) return 0;
  // Mail::SpamAssassin::Conf::Parser fix_tests: a rule without a score line scores 1.0 (T_ rules,
  // in testing, 0.01), negated for a rule with `tflags nice` (NICE_REPLY_A, MAILING_LIST_MULTI: -1).
  const base = name.startsWith('T_') ? 0.01 : 1.0;
  return /\bnice\b/.test(cfg.tflags.get(name) ?? '') ? -base : base;
}

export function compileRuleSet(cfg: CfConfig): SaRuleSet {
  const set: SaRuleSet = {
    patterns: [],
    metas: [],
    exists: [],
    describe: cfg.describe,
    natives: [],
    skipped: {},
    zero: new Set(),
    byName: new Map(),
  };
  const skip = (why: string) => {
    set.skipped[why] = (set.skipped[why] ?? 0) + 1;
  };
  const runnable = new Set<string>();
  const metaDefs: { name: string; expr: string }[] = [];
  for (const r of cfg.rules.values()) {
    const score = scoreOf(cfg, r.name);
    const tflags = cfg.tflags.get(r.name) ?? '';
    // SpamAssassin does not run a rule scored 0 (sub-rules, "__", are run for the metas).
    if (score === 0 && !r.name.startsWith('__')) {
      skip('score 0');
      set.zero.add(r.name);
      continue;
    }
    // A network or Bayes test finds nothing here (nor in the spamd we compare with); a meta rule
    // flagged `net` still runs (its score in set 0 says whether it counts).
    if (r.type !== 'meta' && (/\bnet\b/.test(tflags) || /\blearn\b/.test(tflags))) {
      skip('network or Bayes rule');
      set.zero.add(r.name);
      continue;
    }
    if (r.type === 'meta') {
      metaDefs.push({ name: r.name, expr: r.def });
      continue;
    }
    if (r.type === 'mimeheader') {
      skip('mimeheader rule');
      continue;
    }
    const listEval = /^eval:check_(from|replyto)_in_list\(\s*'(\w+)'\s*\)$/.exec(r.def);
    if (listEval) {
      // enlist_addrlist fills the list through Conf::Parser add_to_addrlist, as welcomelist_from does.
      const globs = (cfg.addrlists.get(listEval[2]!) ?? []).map((g) => addrGlob(g).test);
      const field = listEval[1] === 'from' ? 'from' : 'reply-to';
      set.natives.push({ name: r.name, score, test: (msg) => inList(msg, field, globs) });
      runnable.add(r.name);
      continue;
    }
    const evalName = /^eval:(\w+)\(\s*\)$/.exec(r.def)?.[1];
    const native = NATIVE[r.name] ?? (evalName !== undefined ? EVAL_NATIVE[evalName] : undefined);
    if (native) {
      set.natives.push({ name: r.name, score, test: native });
      runnable.add(r.name);
      continue;
    }
    if (DNS_EVAL.test(r.def)) {
      // These need DNS answers; the spamd we compare with (and SpamAssassin without DNS) reads them as false.
      skip('eval rule that needs DNS');
      set.zero.add(r.name);
      continue;
    }
    if (/^eval:|\seval:/.test(r.def) || r.def.startsWith('eval:')) {
      skip('eval rule');
      continue;
    }
    let header: SaPatternRule['header'];
    let negate = false;
    let text = r.def;
    if (r.type === 'header') {
      const ex = /^exists:(\S+)$/.exec(text);
      if (ex) {
        if (PSEUDO_HEADER.test(ex[1]!)) {
          skip('pseudo-header rule');
          continue;
        }
        set.exists.push({ name: r.name, score, header: ex[1]!, negate: false });
        runnable.add(r.name);
        continue;
      }
      const opAt = Math.max(text.indexOf('=~'), text.indexOf('!~'));
      if (opAt <= 0) {
        skip('header rule form');
        continue;
      }
      const [hname, mod] = text.slice(0, opAt).trim().split(':') as [string, string | undefined];
      if (PSEUDO_HEADER.test(hname)) {
        skip('pseudo-header rule');
        continue;
      }
      if (mod !== undefined && !SUPPORTED_MODS.has(mod)) {
        skip('header modifier');
        continue;
      }
      negate = text[opAt] === '!';
      text = text.slice(opAt + 2).trim();
      header = {
        name: hname,
        ...(mod ? { mod } : {}),
        cacheKey: `${hname === 'ALL' || hname === 'MESSAGEID' ? hname : hname.toLowerCase()}\0${mod ?? ''}`,
      };
    }
    const op = splitMatchOperator(text);
    if (!op) {
      skip('pattern form');
      continue;
    }
    if (header && op.rest) {
      const unset = op.rest.startsWith('[') && op.rest.endsWith(']') ? op.rest.slice(1, -1).trim() : '';
      if (!unset.startsWith('if-unset:')) {
        skip('header rule form');
        continue;
      }
      header.ifUnset = unset.slice('if-unset:'.length).trim();
    }
    const pattern = cfg.replaceRules.has(r.name) ? replaceTags(op.pattern, cfg) : op.pattern;
    const t = translatePerlRegex(pattern, op.flags);
    if (!t.ok) {
      skip(`pattern: ${t.why}`);
      continue;
    }
    const engine = hasUnboundedRepeat(t.source) ? 'automaton' : 'v8-bounded';
    // RE2 has no look-aheads or back-references (re2js adds look-behinds): such a pattern with an
    // unbounded repeat has no linear-time engine here. (Other RE2 refusals show at first use.)
    if (engine === 'automaton' && /\(\?[=!]|\\[1-9]/.test(t.source)) {
      skip('pattern: not linear-time (look-ahead or back-reference with an unbounded repeat)');
      continue;
    }
    if (engine === 'automaton') {
      try {
        toRe2Syntax(t.source, t.flags.includes('s'));
      } catch (e) {
        skip(`pattern: RE2 syntax (${(e as Error).message})`);
        continue;
      }
    }
    const multiple = /\bmultiple\b/.test(tflags);
    const maxhits = Number(/\bmaxhits=(\d+)/.exec(tflags)?.[1] ?? 0);
    const caseInsensitive = t.flags.includes('i');
    const literals = requiredLiterals(t.source, caseInsensitive);
    set.patterns.push({
      name: r.name,
      type: r.type as PatternType,
      score,
      source: t.source,
      flags: t.flags,
      engine,
      anchored: /[\^$]/.test(t.source),
      ...(literals ? { literals } : {}),
      caseInsensitive,
      negate,
      ...(header ? { header } : {}),
      maxHits: multiple ? maxhits || 1000 : 1,
      ...(/\bnosubject\b/.test(tflags) ? { noSubject: true } : {}),
    });
    runnable.add(r.name);
  }
  // Names that are defined nowhere (their plugin is not loaded, or a typo) read as 0 in metas.
  // A meta runs only when every name it reads runs here or is known to read as 0.
  const parsed = new Map<string, MetaNode>();
  for (const m of metaDefs) {
    const tree = parseMeta(m.expr);
    if (tree) parsed.set(m.name, tree);
    else skip('meta: expression');
  }
  const ok = new Map<string, boolean>();
  const usable = (name: string, seen: Set<string>): boolean => {
    if (runnable.has(name) || set.zero.has(name)) return true;
    if (!cfg.rules.has(name)) {
      set.zero.add(name);
      return true;
    }
    const tree = parsed.get(name);
    if (!tree || seen.has(name)) return false;
    const known = ok.get(name);
    if (known !== undefined) return known;
    seen.add(name);
    const v = [...metaRefs(tree)].every((n) => usable(n, seen));
    seen.delete(name);
    ok.set(name, v);
    return v;
  };
  for (const [name, tree] of parsed) {
    if (usable(name, new Set())) set.metas.push({ name, score: scoreOf(cfg, name), tree });
    else skip('meta: reads an eval or unsupported rule');
  }
  for (const p of set.patterns) set.byName.set(p.name, { type: p.type, score: p.score });
  for (const e of set.exists) set.byName.set(e.name, { type: 'header', score: e.score });
  for (const n of set.natives) set.byName.set(n.name, { type: 'header', score: n.score });
  for (const m of set.metas) set.byName.set(m.name, { type: 'meta', score: m.score });
  return set;
}

// ---------------------------------------------------------------------------------------------

function headerValue(msg: SaMessage, name: string, mod: string | undefined): string | undefined {
  const key = name.toLowerCase();
  const raw = mod === 'raw';
  const pick = (k: string) => msg.headers.filter((h) => h.key === k).map((h) => (raw ? h.raw : h.value));
  let values: string[];
  // PerMsgStatus::_get: ALL and MESSAGEID are pseudo-headers only in capitals (a `MessageID:`
  // field is a malformed header, MSGID_HDR_MALF's `exists:MessageID`); ToCc and EnvelopeFrom in any case.
  if (name === 'ALL') values = msg.headers.map((h) => `${h.name}: ${raw ? h.raw : h.value}`);
  else if (key === 'tocc') values = [...pick('to'), ...pick('cc')];
  else if (name === 'MESSAGEID')
    values = [
      ...pick('x-message-id'),
      ...pick('resent-message-id'),
      ...pick('x-original-message-id'),
      ...pick('message-id'),
    ].filter((v) => v !== '');
  else if (key === 'envelopefrom') values = [...pick('return-path'), ...pick('x-envelope-from')].slice(0, 1);
  else values = pick(key);
  if (values.length === 0) return undefined;
  if (mod === 'first') values = values.slice(0, 1);
  if (mod === 'last') values = values.slice(-1);
  if (mod === 'addr' || mod === 'name') {
    const v = values[0]!;
    const angle = /<([^<>]*)>/.exec(v);
    if (mod === 'addr')
      return angle ? angle[1]!.trim() : (v.split(/[\s,;"()<>]/).find((w) => w.includes('@')) ?? v.trim());
    const name = angle ? v.slice(0, angle.index) : (/\(([^()]*)\)/.exec(v)?.[1] ?? '');
    return name.trim().replace(/^"(.*)"$/, '$1');
  }
  return values.join('\n');
}

const compiledCache = new WeakMap<SaPatternRule, LinearRegex | null>();
/** The rule's compiled pattern (null when RE2 refuses it: the rule never fires). */
export function compiled(rule: SaPatternRule): LinearRegex | null {
  let re = compiledCache.get(rule);
  if (re === undefined) {
    try {
      re = new LinearRegex(rule.source, rule.flags);
    } catch {
      re = null;
    }
    compiledCache.set(rule, re);
  }
  return re;
}

/** Whether the text contains one of the rule's literals (always true for a rule without them). */
function mayMatch(rule: SaPatternRule, text: string, prefilter: boolean): boolean {
  const lits = prefilter ? rule.literals : undefined;
  if (lits === undefined) return true;
  for (let i = 0; i < lits.length; i++) if (text.includes(lits[i]!)) return true;
  return false;
}

/**
 * Matches of the rule in the texts (up to its maxhits), or -1 when its pattern cannot run.
 * `filterText` (the texts joined, lower-cased for a case-insensitive rule) is searched for the
 * rule's literals first; undefined skips that step.
 */
function countHits(
  rule: SaPatternRule,
  texts: string[],
  joined: string | undefined,
  filterText: string | undefined,
  prefilter: boolean,
): number {
  // A negated rule fires on no match, so it must know first that its pattern runs at all.
  if (rule.negate && !compiled(rule)) return -1;
  if (filterText !== undefined && !mayMatch(rule, filterText, prefilter)) return 0;
  const re = compiled(rule);
  if (!re) return -1;
  // A pattern without ^ or $ that matches a line matches the joined lines: one try rules most out.
  if (joined !== undefined && texts.length > 1 && !rule.anchored && !re.test(joined)) return 0;
  let n = 0;
  for (const t of texts) {
    if (rule.maxHits === 1) {
      if (re.test(t)) return 1;
      continue;
    }
    for (const _m of re.matchAll(t)) {
      void _m;
      if (++n >= rule.maxHits) return n;
    }
  }
  return n;
}

export interface RunOptions {
  /**
   * Look for each rule's literals (prefilter.ts) before running its pattern (default true). Off,
   * every pattern runs: the tests compare both ways on every corpus message to show the prefilter
   * changes nothing.
   */
  prefilter?: boolean;
  /** The recipient's welcome lists (welcomelist-prefs.ts), per message; the rule set stays compiled once. */
  prefs?: WelcomelistPrefs;
}

const metaIndexes = new WeakMap<SaRuleSet, Map<string, SaMetaRule>>();
/** The set's meta rules by name, built once per rule set rather than per message. */
function metaIndex(set: SaRuleSet): Map<string, SaMetaRule> {
  let index = metaIndexes.get(set);
  if (!index) {
    index = new Map(set.metas.map((m) => [m.name, m]));
    metaIndexes.set(set, index);
  }
  return index;
}

/** Run the rule set; the hits with a non-zero score, and every rule's count (for the metas). */
export function runRuleSet(
  set: SaRuleSet,
  msg: SaMessage,
  options: RunOptions = {},
): { hits: SaHit[]; score: number; counts: Map<string, number> } {
  const prefilter = options.prefilter !== false;
  const counts = new Map<string, number>();
  const joined: Record<PatternType, { texts: string[]; afterSubject?: string[]; all: string; lower: string }> = {
    body: { texts: msg.bodyLines, afterSubject: msg.bodyLines.slice(1), all: '', lower: '' },
    rawbody: { texts: msg.rawLines, all: '', lower: '' },
    uri: { texts: msg.uris, all: '', lower: '' },
    full: { texts: [msg.full], all: '', lower: '' },
    header: { texts: [], all: '', lower: '' },
  };
  for (const k of ['body', 'rawbody', 'uri', 'full'] as const) {
    const j = joined[k];
    j.all = j.texts.join('\n');
    j.lower = j.all.toLowerCase();
  }
  const headerCache = new Map<string, { value: string; lower: string } | null>();
  for (const e of set.exists) {
    // Check.pm: `exists:Name` is `defined $pms->get('Name')`, so the pseudo-headers (ToCc,
    // MESSAGEID, EnvelopeFrom, ALL) exist when what they gather does.
    const has = headerValue(msg, e.header, undefined) !== undefined;
    if (has !== e.negate) counts.set(e.name, 1);
  }
  for (const n of set.natives) if (n.test(msg, options)) counts.set(n.name, 1);
  for (const r of set.patterns) {
    let n: number;
    if (r.type === 'header') {
      const h = r.header!;
      const key = h.cacheKey;
      let got = headerCache.get(key);
      if (got === undefined) {
        const v = headerValue(msg, h.name, h.mod);
        got = v === undefined ? null : { value: v, lower: v.toLowerCase() };
        headerCache.set(key, got);
      }
      const value = got ? got.value : (h.ifUnset ?? '');
      const filterText =
        !prefilter || r.literals === undefined
          ? undefined
          : r.caseInsensitive
            ? got
              ? got.lower
              : value.toLowerCase()
            : value;
      const matched = countHits(r, [value], undefined, filterText, prefilter);
      n = matched < 0 ? 0 : r.negate ? (matched ? 0 : 1) : matched;
    } else {
      const j = joined[r.type];
      const filterText = !prefilter || r.literals === undefined ? undefined : r.caseInsensitive ? j.lower : j.all;
      n = Math.max(
        0,
        countHits(r, r.noSubject ? (j.afterSubject ?? j.texts.slice(1)) : j.texts, j.all, filterText, prefilter),
      );
    }
    if (n > 0) counts.set(r.name, n);
  }
  const metaByName = metaIndex(set);
  const metaValue = new Map<string, number>();
  const get = (name: string, depth: number): number => {
    const c = counts.get(name);
    if (c !== undefined) return c;
    const m = metaByName.get(name);
    if (!m || depth > 50) return 0;
    const known = metaValue.get(name);
    if (known !== undefined) return known;
    metaValue.set(name, 0);
    const v = evalMeta(m.tree, (n) => get(n, depth + 1));
    metaValue.set(name, v);
    return v;
  };
  for (const m of set.metas) if (get(m.name, 0)) counts.set(m.name, 1);
  const hits: SaHit[] = [];
  for (const [name, c] of counts) {
    const rule = set.byName.get(name);
    if (rule && c > 0 && rule.score !== 0 && !name.startsWith('__'))
      hits.push({ name, type: rule.type, score: rule.score, description: set.describe.get(name) ?? '' });
  }
  hits.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  const score = Math.round(hits.reduce((a, h) => a + h.score, 0) * 1000) / 1000;
  return { hits, score, counts };
}

/** The rule files next to the sources (data/spamassassin/*.cf), in SpamAssassin's load order. */
export function ruleFilesDir(): string {
  const candidates = [
    join(__dirname, '..', 'data', 'spamassassin'),
    join(__dirname, '..', '..', '..', '..', 'src', 'content-spam-check', 'data', 'spamassassin'),
    join(process.cwd(), 'src', 'content-spam-check', 'data', 'spamassassin'),
  ];
  const found = candidates.find((d) => existsSync(join(d, '50_scores.cf')));
  if (!found) throw new Error(`SpamAssassin rule files not found (looked in ${candidates.join(', ')})`);
  return found;
}

export function loadRuleFiles(dir: string): { name: string; text: string }[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.cf'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'latin1') }));
}

let shipped: SaRuleSet | undefined;
/** The shipped rules, read and compiled once. */
export function shippedRuleSet(): SaRuleSet {
  shipped ??= compileRuleSet(parseCf(loadRuleFiles(ruleFilesDir())));
  return shipped;
}
