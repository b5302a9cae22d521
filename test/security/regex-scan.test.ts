import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSync, type Diagnostics } from 'recheck';
import { describe, expect, it } from 'vitest';
import { hasUnboundedRepeat, LinearRegex, linearRegex } from '../../src/common/text/linear-regex';
import { PHRASE_PATTERNS } from '../../src/content-spam-check/analysis/text.analysis';
import { compiled, shippedRuleSet } from '../../src/content-spam-check/spamassassin/sa-rules';
import { bouncePatterns } from '../../src/reports/bounces/bounce-patterns';
import { reportsData } from '../../src/reports/data/data.loader';
import { collectSourceRegexes, jsonTables, PLACEHOLDER, regexesIn, type FoundRegex } from './regex-inventory';

/**
 * ReDoS scan: every regular expression the service runs with V8's backtracking engine must take
 * time linear in its input. Sources: each regex literal and RegExp(...) in src/ (found with the
 * TypeScript compiler API), and the patterns compiled from the data tables. A pattern passes when
 *   - it repeats nothing without bound (no `*`, `+`, `{n,}`): each match attempt then explores a
 *     number of paths bounded by the pattern alone, so the search is linear (hasUnboundedRepeat);
 *   - or recheck (an automaton-theory and fuzzing ReDoS checker, pinned in devDependencies)
 *     finds it safe.
 * Patterns of the data tables applied to a stranger's text run on the linear-time engine
 * (src/common/text/linear-regex.ts) instead; the scan checks that they do.
 * A flagged pattern that is provably harmless stays only with a reason in ALLOWED below.
 */

const ROOT = join(__dirname, '..', '..');

/**
 * recheck with a fixed seed (its fuzzer is random) and step limits only: its per-attack, incubation
 * and seeding time limits (1 s, 250 ms, 100 ms by default) made the verdict depend on the machine's
 * load (at load 20 a linear pattern's attack ran out of time and was reported vulnerable). Without
 * them the same pattern gets the same verdict on any machine; `timeout` only bounds the whole check
 * (an undecided pattern fails the scan and is not cached).
 */
function diagnose(source: string, flags: string): Diagnostics {
  const t0 = Date.now();
  const d = checkSync(source, flags, {
    randomSeed: 1,
    timeout: 60_000,
    attackTimeout: null,
    incubationTimeout: null,
    seedingTimeout: null,
  });
  if (process.env.SCAN_DEBUG) console.log(`SCANTIME ${Date.now() - t0} ${d.status} ${d.checker} /${source}/${flags}`);
  return d;
}

type Verdict = { linear: true; how: string } | { linear: false; why: string };

/**
 * recheck takes about a second per pattern (a minute and a half for src/): verdicts are kept in
 * node_modules/.cache between runs, keyed by recheck's version, pattern and flags. With its fixed
 * seed recheck is deterministic, so the cache changes no outcome; a fresh checkout (CI) runs all.
 */
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'regex-scan');
const RECHECK_VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'node_modules', 'recheck', 'package.json'), 'utf8')) as { version: string }
).version;
// "-steps": verdicts taken with step limits only (see diagnose); earlier files held load-dependent ones.
const CACHE_FILE = join(CACHE_DIR, `verdicts-${RECHECK_VERSION}-steps.json`);
const cached: Record<string, Verdict> = (() => {
  try {
    return JSON.parse(readFileSync(CACHE_FILE, 'utf8')) as Record<string, Verdict>;
  } catch {
    return {};
  }
})();
function saveCache(): void {
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(CACHE_FILE, JSON.stringify(Object.fromEntries(verdicts)));
}

const verdicts = new Map<string, Verdict>(Object.entries(cached));
function verdict(source: string, flags: string, fresh = false): Verdict {
  const key = `/${source}/${flags}`;
  let v = fresh ? undefined : verdicts.get(key);
  if (!v) {
    if (!hasUnboundedRepeat(source)) v = { linear: true, how: 'no unbounded repeat' };
    else {
      const d = diagnose(source, flags.replace(/[gy]/g, ''));
      if (d.status === 'safe') v = { linear: true, how: `recheck ${d.checker}` };
      else if (d.status === 'vulnerable')
        v = { linear: false, why: `${d.complexity.summary}, e.g. ${d.attack.pattern}` };
      else v = { linear: false, why: `recheck could not decide (${d.error.kind})` };
    }
    // "could not decide" (recheck's overall timeout) depends on the machine: not kept.
    if (v.linear || !v.why.startsWith('recheck could not decide')) verdicts.set(key, v);
  }
  return v;
}

/**
 * Flagged patterns kept on purpose, keyed by the pattern as written (a changed pattern is
 * reviewed again). Each reason says why its input cannot make it slow.
 */
const ALLOWED: Record<string, string> = {
  '/<style[^>]*>([\\s\\S]*?)<\\/style>/gi':
    'src/api/security-headers.ts: reads our own Swagger /docs page, built at start-up',
  '/<script(?![^>]*\\ssrc\\s*=)[^>]*>([\\s\\S]*?)<\\/script>/gi':
    'src/api/security-headers.ts: reads our own Swagger /docs page, built at start-up',
  '/<[^>]+>/': 'src/cli/main.ts: reads the usage strings of our own check kinds',
  '/([A-Za-z0-9])((?:<(?:!--(?:(?!-->)[^]){0,300}--|!(?!--)[^<>]{0,200}|\\?[^<>]{0,200}|\\/[^<>]{0,200}|[A-Za-z][^<>]{0,200})>)+)(?=[A-Za-z0-9])/g':
    'src/content-spam-check/analysis/obfuscation.analysis.ts SPLIT: every tag has one reading and at most 300 characters, so an attempt reads a bounded stretch per tag (linear, with that constant); recheck takes the large bounded repeats for a polynomial. worst-input.test.ts runs it on "a<!--" and "<!--<" runs',
  '/<(?:!--(?:(?!-->)[^]){0,300}--|!(?!--)[^<>]*|\\?[^<>]*|(\\/)?(?:([A-Za-z][A-Za-z0-9:-]*)(?![A-Za-z0-9:-]))?[^<>]*)>/g':
    'src/content-spam-check/analysis/obfuscation.analysis.ts TAG: as SPLIT (comments bounded at 300), and it only reads a run SPLIT matched',
  '/-----BEGIN CERTIFICATE-----[\\s\\S]+?-----END CERTIFICATE-----/g':
    "src/probe/probe.settings.ts: reads the operator's PEM bundle from the configuration",
  '/^SPAMD\\/[\\d.]+\\s+(\\d+)\\s+(.*)$/':
    'src/infra/spam/spamd.client.ts: one line (no line break, which the attack needs) of the reply of the spamd the operator configured',
  '/^\\s*(-?\\d+(?:\\.\\d+)?)\\s+([A-Z0-9_]+)\\s*(.*)$/':
    'src/infra/spam/spamd.client.ts: one line (no line break, which the attack needs) of the report of the spamd the operator configured',
};

/**
 * RegExp(...) calls whose pattern is built at run time, and how their real patterns are covered.
 * "placeholder": the interpolated values are literal text (escaped or fixed words), scanned as one
 * literal character. "table": the strings come from a data table whose compiled patterns this
 * test walks. Keyed by file and the pattern argument as written.
 */
const DYNAMIC: Record<string, string> = {
  'src/common/text/linear-regex.ts: source':
    'table: only patterns without an unbounded repeat reach V8 here (hasUnboundedRepeat), linear by construction',
  "src/content-spam-check/analysis/text.analysis.ts: `(?:^|[^a-z0-9])${entry.phrase.toLowerCase().replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&').replace(/ /g, '\\\\s+')}(?![a-z0-9])`":
    'table: spam-phrases.v2.json, scanned through PHRASE_PATTERNS',
  'src/content-spam-check/analysis/text.analysis.ts: entry.pattern':
    'table: spam-phrases.v2.json, scanned through PHRASE_PATTERNS',
  "src/dns/spf.macro.ts: `[${delims.replace(/[-\\\\\\]^]/g, '\\\\$&')}]`":
    'placeholder: a character class of escaped delimiter characters',
  'src/dns/spf.parser.ts: `^[${letters}](\\\\d*)(r?)([.\\\\-+,/_=]*)$`':
    'placeholder: a character class of fixed macro letters',
  'src/infra/limits/redis-settings.ts: `^${name}:(.*)$`': 'placeholder: a fixed INFO field name of our own',
  'src/reports/bounces/bounce.engine.ts: `^\\\\s*(?:out:|<<<)\\\\s*${code}[ -]`':
    'placeholder: a three-digit reply code',
  "src/reports/bounces/mime.parser.ts: `^${delimiter.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&')}(?:--)?[ \\\\t]*\\\\r?$`":
    'placeholder: the escaped MIME boundary',
  'src/reports/logs/log-line.parser.ts: `(?:^|[ ,])${key}=(<[^>]*>|[^,\\\\s]+)`':
    'placeholder: a fixed field name (to, relay, dsn)',
};

/** JSON files in src/ and what regular expressions they hold. */
const TABLES: Record<string, string> = {
  'src/reports/data/bounce-patterns.json': 'patterns: bouncePatterns(), linear engine',
  'src/reports/data/provider-patterns.json': 'patterns: reportsData().providerPatterns, linear engine',
  'src/reports/data/reply-text-patterns.json': 'patterns: reportsData().textPatterns, linear engine',
  'src/content-spam-check/data/spam-phrases.v2.json': 'patterns: PHRASE_PATTERNS, V8, scanned',
  'src/reports/data/categories.json': 'none: category texts',
  'src/content-spam-check/data/mail-providers.v1.json': 'none: domain names',
  'src/content-spam-check/data/url-shorteners.v1.json': 'none: domain names',
  'src/probe/data/mta-vulnerabilities.v1.json':
    'none: versions, CVE ids and references (the banner patterns are literals in mta-software.ts)',
};

const siteKey = (r: FoundRegex): string => `${r.dynamic!.file}: ${r.dynamic!.argText}`;

describe('ReDoS scan', () => {
  it('the scanner flags super-linear patterns and passes linear ones', () => {
    // Exponential, the textbook case.
    // `fresh`: recheck runs now, whatever the verdict cache holds.
    expect(verdict('^(a+)+$', '', true).linear).toBe(false);
    // The two patterns of the issue: cubic on newlines, quadratic on blanks.
    expect(verdict('^\\s*\\|?\\s*received: from', 'im', true).linear).toBe(false);
    expect(verdict('\\s*\\(in reply to [^)]*\\)\\s*', 'gi', true).linear).toBe(false);
    // Their rewrites, and a plain pattern.
    expect(verdict('^[ \\t]*(?:\\|[ \\t]*)?received: from', 'im', true)).toMatchObject({ linear: true });
    expect(verdict('\\(in reply to [^()]*\\)', 'gi', true)).toMatchObject({ linear: true });
    expect(verdict('^[a-z]+@[a-z]+$', 'i', true)).toMatchObject({ linear: true });
    // The syntactic rule: bounded repeats only.
    expect(hasUnboundedRepeat('^(a+)+$')).toBe(true);
    expect(hasUnboundedRepeat('a{2,}')).toBe(true);
    expect(hasUnboundedRepeat('x.{0,40}y|[*+]\\+\\*')).toBe(false);
  });

  it('finds the regular expressions of src/, literals and RegExp calls', () => {
    const found = collectSourceRegexes(ROOT);
    expect(found.length).toBeGreaterThan(300);
    // A literal, a constructor with a constant pattern, and a dynamic site, each from a known file.
    expect(
      found.some(
        (r) => r.where.startsWith('src/reports/logs/log-line.parser.ts') && r.source.startsWith('^(?:<\\d+>)?'),
      ),
    ).toBe(true);
    expect(
      found.some((r) => r.where.startsWith('src/dns/spf.parser.ts') && r.source.includes('(\\.') && !r.dynamic),
    ).toBe(true);
    expect(
      found.some(
        (r) => r.dynamic?.file === 'src/reports/logs/log-line.parser.ts' && r.source.includes(`${PLACEHOLDER}=`),
      ),
    ).toBe(true);
  });

  it('every RegExp built at run time is listed with how its patterns are covered', () => {
    const sites = [
      ...new Set(
        collectSourceRegexes(ROOT)
          .filter((r) => r.dynamic)
          .map(siteKey),
      ),
    ].sort();
    expect(sites).toEqual(Object.keys(DYNAMIC).sort());
  });

  it('every JSON table in src/ is accounted for', () => {
    expect(jsonTables(ROOT)).toEqual(Object.keys(TABLES).sort());
    for (const [file, what] of Object.entries(TABLES)) {
      if (!what.startsWith('none')) continue;
      // A table said to hold no patterns has no field named like one.
      expect(readFileSync(join(ROOT, file), 'utf8'), file).not.toMatch(/"(?:pattern|regex|regexp|re)"\s*:/i);
    }
  });

  it('the pattern tables applied to strangers run in linear time', () => {
    const tables = [
      ...collectLinear(bouncePatterns(), 'bounce-patterns.json'),
      ...collectLinear(reportsData().providerPatterns, 'provider-patterns.json'),
      ...collectLinear(reportsData().textPatterns, 'reply-text-patterns.json'),
    ];
    expect(tables.length).toBeGreaterThan(100);
    for (const { where, re } of tables) {
      // The engine choice is the proof: automaton, or V8 without unbounded repeats.
      expect(re.engine === 'automaton' || !hasUnboundedRepeat(re.source), where).toBe(true);
    }
    // The file the issue measured: the cubic marker pattern is among them, on the automaton.
    expect(
      bouncePatterns().originalMessageMarkers.some(
        (m) => m.source.includes('received: from') && m.engine === 'automaton',
      ),
    ).toBe(true);
    expect(linearRegex('^\\s*\\|?\\s*received: from', 'im').test(`${'\n'.repeat(4096)}x`)).toBe(false);
    // SpamAssassin's shipped rules (src/content-spam-check/spamassassin) compile on the same engine.
    const sa = shippedRuleSet().patterns;
    expect(sa.length).toBeGreaterThan(800);
    for (const p of sa) {
      const re = compiled(p);
      if (re) expect(re.engine === 'automaton' || !hasUnboundedRepeat(re.source), p.name).toBe(true);
    }
  });

  it('every regular expression V8 runs is linear, or allowed with a reason', () => {
    const all: FoundRegex[] = [
      ...collectSourceRegexes(ROOT).filter(
        (r) => !r.linearEngine && (!r.dynamic || DYNAMIC[siteKey(r)]?.startsWith('placeholder')),
      ),
      ...PHRASE_PATTERNS.flatMap((re, i) => regexesIn(phraseShape(re, i), `spam-phrases.v2.json#${i}`)),
    ];
    const flagged = new Map<string, string[]>();
    for (const r of all) {
      const key = `/${r.source}/${r.flags}`;
      // Allowed patterns are known to be flagged; checking them again would only cost time.
      if (ALLOWED[key]) continue;
      const v = verdict(r.source, r.flags);
      if (v.linear) continue;
      flagged.set(key, [...(flagged.get(key) ?? []), `${r.where}: ${v.why}`]);
    }
    saveCache();
    const report = [...flagged].map(([k, w]) => `${k}\n    ${w.join('\n    ')}`).join('\n');
    expect(report, `super-linear patterns:\n${report}`).toBe('');
    // An allowance for a pattern that is gone is stale: the list stays minimal.
    const used = new Set(all.map((r) => `/${r.source}/${r.flags}`));
    const stale = Object.keys(ALLOWED).filter((k) => !used.has(k));
    expect(stale).toEqual([]);
  }, 900_000);
});

const PHRASE_HEAD = '(?:^|[^a-z0-9])';
const PHRASE_TAIL = '(?![a-z0-9])';

/**
 * A literal phrase of spam-phrases.v2.json compiles to PHRASE_HEAD + its words, escaped, joined by
 * \s+ + PHRASE_TAIL. Its words only decide which literal letters appear, not how the engine can
 * backtrack, so each run of letters is scanned as one "x": the hundred phrases reduce to a few
 * shapes (recheck takes about a second per pattern). Pattern entries are scanned as written.
 */
function phraseShape(re: RegExp, i: number): RegExp {
  const entry = (
    JSON.parse(readFileSync(join(ROOT, 'src/content-spam-check/data/spam-phrases.v2.json'), 'utf8')) as {
      phrases: { pattern?: string }[];
    }
  ).phrases[i];
  if (entry?.pattern !== undefined) return re;
  expect(re.source.startsWith(PHRASE_HEAD) && re.source.endsWith(PHRASE_TAIL), re.source).toBe(true);
  const words = re.source.slice(PHRASE_HEAD.length, -PHRASE_TAIL.length);
  // Only letters, escaped characters, other literal characters and \s+ between words.
  expect(words, re.source).toMatch(/^(?:\\s\+|\\[^a-zA-Z0-9]|[^\\[\](){}*+?|^$.])+$/);
  return new RegExp(PHRASE_HEAD + words.replace(/(?<!\\)[a-z]+/gi, 'x') + PHRASE_TAIL, re.flags);
}

function collectLinear(value: unknown, where: string, seen = new Set<unknown>()): { where: string; re: LinearRegex }[] {
  if (value instanceof LinearRegex) return [{ where, re: value }];
  if (value instanceof RegExp) throw new Error(`${where}: compiled for V8's backtracking engine, not the linear one`);
  if (value === null || typeof value !== 'object' || seen.has(value)) return [];
  seen.add(value);
  return Object.entries(value).flatMap(([k, v]) => collectLinear(v, `${where}.${k}`, seen));
}
