import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCf, replaceTags } from '../../src/content-spam-check/spamassassin/cf-parser';
import { evalMeta, parseMeta } from '../../src/content-spam-check/spamassassin/meta-expr';
import { translatePerlRegex } from '../../src/content-spam-check/spamassassin/perl-regex';
import { requiredLiterals } from '../../src/content-spam-check/spamassassin/prefilter';
import {
  compileRuleSet,
  loadRuleFiles,
  ruleFilesDir,
  runRuleSet,
  shippedRuleSet,
  splitMatchOperator,
  type SaMessage,
} from '../../src/content-spam-check/spamassassin/sa-rules';
import { relayHeaders } from '../../src/content-spam-check/spamassassin/sa-message';
import { hasUnboundedRepeat } from '../../src/common/text/linear-regex';

/** The small interpreter of SpamAssassin's rule files, piece by piece, then on the shipped files. */

const msg = (over: Partial<SaMessage> = {}): SaMessage => ({
  headers: [],
  bodyLines: [''],
  rawLines: [],
  uris: [],
  full: '',
  ...over,
});
const hdr = (name: string, value: string) => ({ name, key: name.toLowerCase(), value, raw: value });

describe('Perl patterns to JavaScript', () => {
  it('translates the Perl-only syntax the rules use and keeps the rest', () => {
    expect(translatePerlRegex('\\bfree\\s+money\\b', 'i')).toEqual({
      ok: true,
      source: '\\bfree\\s+money\\b',
      flags: 'i',
    });
    expect(translatePerlRegex('(?i)\\Afoo\\z', '')).toMatchObject({ ok: true, source: '^foo$', flags: 'i' });
    expect(translatePerlRegex('[[:alpha:]]\\x{e9}\\h', '')).toMatchObject({ source: '[A-Za-z]\\xe9[ \\t]' });
    // A "]" first in a class is a literal in Perl; in JavaScript it would end the class.
    expect(translatePerlRegex('[]x]', '')).toMatchObject({ source: '[\\]x]' });
    expect(translatePerlRegex('a b # note\n c', 'x')).toMatchObject({ source: 'abc' });
    expect(translatePerlRegex('(?<name>x)', '')).toMatchObject({ source: '(?:x)' });
  });

  it('refuses what it cannot keep the meaning of', () => {
    for (const p of ['a++', '(?>a)', '\\Qa.b\\E', '\\p{L}', '\\x{263a}', '\\Gx', '(?-i)a', '\\Ax'])
      expect(translatePerlRegex(p, p === '\\Ax' ? 'm' : '').ok, p).toBe(false);
  });

  it('reads the match operator with any delimiter', () => {
    expect(splitMatchOperator('/a\\/b/i')).toEqual({ pattern: 'a\\/b', flags: 'i', rest: '' });
    expect(splitMatchOperator('m{a{2}}i [if-unset: x]')).toEqual({
      pattern: 'a{2}',
      flags: 'i',
      rest: '[if-unset: x]',
    });
    expect(splitMatchOperator('m;/wp-(?:a|b)/;i')).toEqual({ pattern: '/wp-(?:a|b)/', flags: 'i', rest: '' });
    expect(splitMatchOperator('eval:check()')).toBeUndefined();
  });

  it('finds literals one of which every match contains, or none', () => {
    const lits = (src: string, i = false) => requiredLiterals(src, i);
    expect(lits('\\bviagra\\b')).toEqual(['viagra']);
    expect(lits('click\\s+here')).toEqual(['click']);
    expect(lits('(?:x|y)money back')).toEqual(['xmoney back', 'ymoney back']);
    expect(lits('(?:x|\\d)money back')).toEqual(['money back']);
    expect(lits('colou?r')).toEqual(['colour', 'color']);
    expect(lits('abcd*')).toEqual(['abc']);
    // One per branch of an alternation; a branch without one leaves the pattern without any.
    expect(lits('a|bcd')).toBeUndefined();
    expect(lits('\\b(?:free money|cash now)\\b')).toEqual(['free money', 'cash now']);
    expect(lits('(?:retouch|photos? edit\\w+)')).toEqual(['retouch', 'photos edit', 'photo edit']);
    expect(lits('(?:foo|\\w+bar)')).toEqual(['foo', 'bar']);
    expect(lits('(?:foo|\\w*)')).toBeUndefined();
    // Case folding: lower-cased for /i, small classes expanded, large ones read as any character.
    expect(lits('ViAgRa', true)).toEqual(['viagra']);
    expect(lits('[vV]iagra')).toEqual(['viagra', 'Viagra']);
    expect(lits('[vV]iagra', true)).toEqual(['viagra']);
    expect(lits('v[a-z]agra')).toEqual(['agra']);
    expect(lits('v[^x]agra')).toEqual(['agra']);
    // Zero-width pieces add nothing; opaque ones (back-references, (?i:) in a case-sensitive pattern) cut the run.
    expect(lits('^ab(?=x)cd$')).toEqual(['abcd']);
    expect(lits('abc(?i:DEF)')).toEqual(['abc']);
    expect(lits('(abc)\\1xyz')).toEqual(['abc']);
    expect(lits('x(?<!y)\\x41BC', false)).toEqual(['xABC']);
    expect(lits('(?:ab){0,2}')).toBeUndefined();
    expect(lits('(?:abc){2,}')).toEqual(['abc']);
    expect(lits('a\\{,3\\}bc')).toEqual(['a{,3}bc']);
    expect(lits('ad+res+')).toEqual(['dres']);
  });

  it('finds no literal in a counted repeat (the digits of {0,3} are not text)', () => {
    expect(requiredLiterals('x[_\\W]{0,3}y', false)).toBeUndefined();
  });
});

describe('meta expressions', () => {
  it("evaluates Perl's operators with Perl's precedence", () => {
    const hits: Record<string, number> = { A: 1, B: 0, C: 3 };
    const run = (e: string) => evalMeta(parseMeta(e)!, (n) => hits[n] ?? 0);
    expect(run('A && !B')).toBe(1);
    expect(run('(A || B) && C > 2')).toBe(1);
    expect(run('A + B + C >= 5')).toBe(0);
    expect(run('!A + !B > 1')).toBe(0);
    expect(run('C * 2 == 6')).toBe(1);
  });

  it('refuses function calls and junk instead of guessing', () => {
    expect(parseMeta('rules_matching(__X*)')).toBeUndefined();
    expect(parseMeta('A && (B')).toBeUndefined();
    expect(parseMeta('A ? B : C')).toBeUndefined();
  });
});

describe('rule files', () => {
  const cf = (text: string) => compileRuleSet(parseCf([{ name: 't.cf', text }]));

  it('reads rules, scores, if/ifplugin blocks and runs header, body, uri and meta rules', () => {
    const set = cf(
      [
        'body     T_MONEY  /\\bfree money\\b/i',
        'score    T_MONEY  2.5 2.0 1.0 1.0',
        'header   __SUBJ_X Subject =~ /^hello/',
        'header   NO_DATE  Date =~ /^$/ [if-unset: ]',
        'score    NO_DATE  0.5',
        'uri      BAD_URI  m{^https?://[^/]+\\.example/}i',
        'meta     BOTH     __SUBJ_X && T_MONEY',
        'score    BOTH     1.5',
        'ifplugin Mail::SpamAssassin::Plugin::NotLoaded',
        'body     UNREAD   /x/',
        'endif',
        'if (version >= 3.004000)',
        'body     READ     /always here/',
        'endif',
        'header   EVAL_R   eval:check_for_missing_to_header()',
        'meta     EVAL_M   EVAL_R && T_MONEY',
        'body     NETR     /x/',
        'tflags   NETR     net',
      ].join('\n'),
    );
    expect(set.patterns.map((p) => p.name).sort()).toEqual(['BAD_URI', 'NO_DATE', 'READ', 'T_MONEY', '__SUBJ_X']);
    expect(set.metas.map((m) => m.name)).toEqual(['BOTH']);
    expect(set.skipped).toMatchObject({ 'eval rule': 1, 'network or Bayes rule': 1 });
    const r = runRuleSet(
      set,
      msg({
        headers: [hdr('Subject', 'hello there')],
        bodyLines: ['hello there', 'get FREE MONEY now'],
        uris: ['http://spam.example/x'],
      }),
    );
    expect(r.hits.map((h) => `${h.name}=${h.score}`)).toEqual(['T_MONEY=2.5', 'BOTH=1.5', 'BAD_URI=1', 'NO_DATE=0.5']);
    expect(r.score).toBe(5.5);
  });

  it('scores a rule without a score line 1.0, a nice one -1.0, a T_ one 0.01 (Conf::Parser fix_tests)', () => {
    const set = cf(
      [
        'header PLAIN  Subject =~ /a/',
        'header GOOD   Subject =~ /a/',
        'tflags GOOD   nice publish',
        'header T_NEW  Subject =~ /a/',
        'header T_NEWN Subject =~ /a/',
        'tflags T_NEWN nice',
        'header SCORED Subject =~ /a/',
        'tflags SCORED nice',
        'score  SCORED -0.5',
      ].join('\n'),
    );
    const r = runRuleSet(set, msg({ headers: [hdr('Subject', 'a')] }));
    expect(Object.fromEntries(r.hits.map((h) => [h.name, h.score]))).toEqual({
      PLAIN: 1,
      GOOD: -1,
      T_NEW: 0.01,
      T_NEWN: -0.01,
      SCORED: -0.5,
    });
  });

  it('reads exists: on a pseudo-header as SpamAssassin gets it (ToCc is To and Cc)', () => {
    const set = cf(['header __TOCC exists:ToCc', 'meta NO_TOCC !__TOCC', 'score NO_TOCC 1'].join('\n'));
    const run = (...headers: [string, string][]) =>
      runRuleSet(set, msg({ headers: headers.map(([n, v]) => hdr(n, v)) })).hits.map((h) => h.name);
    expect(run(['Cc', 'a@example.com'])).toEqual([]);
    expect(run(['To', 'a@example.com'])).toEqual([]);
    expect(run(['Subject', 'x'])).toEqual(['NO_TOCC']);
  });

  it('knows MESSAGEID and ALL only in capitals, as PerMsgStatus::_get does', () => {
    const set = cf(
      [
        'header MALF  exists:MessageID',
        'header MID   exists:MESSAGEID',
        'header MIDRE MESSAGEID =~ /^<resent@/',
        'header ALLX  ALL =~ /^Subject: x$/m',
        'header ALLY  All =~ /x/',
      ].join('\n'),
    );
    const run = (...headers: [string, string][]) =>
      runRuleSet(set, msg({ headers: headers.map(([n, v]) => hdr(n, v)) }))
        .hits.map((h) => h.name)
        .sort();
    expect(run(['Message-ID', '<a@example.com>'], ['Resent-Message-ID', '<resent@example.com>'])).toEqual([
      'MID',
      'MIDRE',
    ]);
    expect(run(['MessageID', '<a@example.com>'], ['Subject', 'x'])).toEqual(['ALLX', 'MALF']);
  });

  it('expands ReplaceTags templates as the plugin does', () => {
    const c = parseCf([
      {
        name: 'r.cf',
        text: 'replace_tag V (?:v|\\\\/)\nreplace_tag I [i1l]\nreplace_inter W1 \\W?\nbody X /<inter W1><V><I>/\nreplace_rules X',
      },
    ]);
    expect(replaceTags('<inter W1><V><I>', c)).toBe('\\W?(?:v|\\\\/)\\W?[i1l]');
  });
});

describe.skipIf(!existsSync('/usr/share/spamassassin/72_active.cf'))(
  'the files in data/ are those Debian ships',
  () => {
    it('match /usr/share/spamassassin byte for byte', () => {
      const ours = loadRuleFiles(ruleFilesDir());
      const shipped = new Map(loadRuleFiles('/usr/share/spamassassin').map((f) => [f.name, f.text]));
      for (const f of ours) expect(f.text === shipped.get(f.name), f.name).toBe(true);
    });
  },
);

describe('the relay pseudo-headers (Received.pm)', () => {
  const relays = (received: string[]) =>
    Object.fromEntries(relayHeaders(received).map((r) => [r.name, r.value.replace(/ ident=.*? msa=0 \]/g, ' ]')]));

  it('skips a mail fetcher handover and, met while still trusted, restarts the parse below it', () => {
    // Top down, as in SpamAssassin's sample ham/002: local delivery, fetchmail, then the real path.
    const r = relays([
      'from localhost (localhost.localdomain [127.0.0.1]) by stinkpad.example (Postfix) with ESMTP id 3AF5610710',
      'from dogma.example [212.17.35.15] by localhost with IMAP (fetchmail-5.7.4) for jm@localhost (single-drop)',
      'from list1.example (fw2.example [216.136.171.252]) by dogma.example (8.11.6/8.11.6) with ESMTP id fB69MYV1',
    ]);
    expect(r['X-Spam-Relays-Trusted']).toBe('');
    expect(r['X-Spam-Relays-Untrusted']).toBe(
      '[ ip=216.136.171.252 rdns=fw2.example helo=list1.example by=dogma.example ]',
    );
  });

  it('keeps the relays above a fetcher handover met below the trust boundary', () => {
    const r = relays([
      'from mx.example (mx.example [198.51.100.7]) by in.example with ESMTP id A1',
      'from pop.example [203.0.113.9] by localhost with POP3 (fetchmail-6.2.1) for u@localhost',
    ]);
    expect(r['X-Spam-Relays-Untrusted']).toBe('[ ip=198.51.100.7 rdns=mx.example helo=mx.example by=in.example ]');
  });
});

describe('the shipped rule set', () => {
  it('compiles most rules, every pattern on a linear-time engine', () => {
    const set = shippedRuleSet();
    const skipped = Object.entries(set.skipped).sort((a, b) => b[1] - a[1]);
    console.log(
      `SpamAssassin rules run: ${set.patterns.length} patterns, ${set.exists.length} exists tests, ${set.metas.length} metas; left out: ${skipped.map(([k, v]) => `${k} ${v}`).join(', ')}`,
    );
    expect(set.patterns.length).toBeGreaterThan(800);
    expect(set.metas.length).toBeGreaterThan(200);
    for (const p of set.patterns) expect(p.engine === 'automaton' || !hasUnboundedRepeat(p.source), p.name).toBe(true);
  });
});
