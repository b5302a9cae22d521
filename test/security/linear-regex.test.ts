import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LinearRegex, linearRegex, toRe2Syntax } from '../../src/common/text/linear-regex';
import { bouncePatterns } from '../../src/reports/bounces/bounce-patterns';
import { reportsData } from '../../src/reports/data/data.loader';

/**
 * The linear-time engine must match what V8 matched before: same answer, same offsets, same
 * groups, for every pattern of the tables on real bounce text (the Sisimai corpus) and on the
 * characters where RE2 and JavaScript differ (Unicode blanks, line separators).
 */

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const corpusLines = [
  ...new Set(
    files(join(__dirname, '..', 'fixtures', 'sisimai'))
      .filter((f) => f.endsWith('.eml'))
      .flatMap((f) => readFileSync(f, 'latin1').split(/\r?\n/)),
  ),
].slice(0, 4000);

const edgeCases = [
  'User unknown\u00a0<u@example.com>',
  ' \u2028received: from x',
  '<u@example.com>:\u2003550 no such user',
  'line\u2029550 5.1.1 <a@b.example>... User unknown',
  '\u000b\f\t <a@b.example> on Mon, 1 Jan',
  'MAILER-DAEMON@example.net',
  '',
];

function tables(): { where: string; re: LinearRegex }[] {
  const out: { where: string; re: LinearRegex }[] = [];
  const walk = (v: unknown, where: string): void => {
    if (v instanceof LinearRegex) out.push({ where, re: v });
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${where}.${k}`);
  };
  walk(bouncePatterns(), 'bounce');
  walk(reportsData().textPatterns, 'text');
  walk(reportsData().providerPatterns, 'provider');
  return out;
}

describe('linear-time regex engine', () => {
  it('translates JavaScript classes to what V8 means by them', () => {
    expect(toRe2Syntax('\\s')).toContain('\\x{A0}');
    expect(toRe2Syntax('[^<>\\s]')).toMatch(/^\[\^<>.*\\x\{3000\}.*\]$/);
    expect(toRe2Syntax('a.b')).toBe('a[^\\n\\r\\x{2028}\\x{2029}]b');
    expect(toRe2Syntax('a.b', true)).toBe('a.b');
    expect(() => linearRegex('a(?!b)+')).toThrow();
    expect(linearRegex('x\\s+y').test('x\u00a0y')).toBe(true);
    expect(linearRegex('x.+y').test('x\u2028y')).toBe(false);
    // A pattern without an unbounded repeat stays on V8; one with it goes to the automaton.
    expect(linearRegex('bounce|returned', 'i').engine).toBe('v8-bounded');
    expect(linearRegex('^\\s*received: from', 'im').engine).toBe('automaton');
  });

  it('matches as V8 does on real bounce lines, for every pattern of the tables', () => {
    const inputs = [...corpusLines, ...edgeCases];
    expect(inputs.length).toBeGreaterThan(1000);
    const mismatches: string[] = [];
    for (const { where, re } of tables()) {
      const v8 = new RegExp(re.source, re.flags.replace('g', ''));
      for (const s of inputs) {
        const want = v8.exec(s);
        const got = re.exec(s);
        const same =
          want === null
            ? got === null
            : got !== null && got.index === want.index && JSON.stringify([...got]) === JSON.stringify([...want]);
        if (!same || re.test(s) !== v8.test(s))
          mismatches.push(
            `${where} ${JSON.stringify(s.slice(0, 120))}: V8 ${JSON.stringify(want)} vs ${JSON.stringify(got)}`,
          );
      }
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
  });

  it('finds every match as String.prototype.matchAll does', () => {
    const re = linearRegex(/<?([a-z0-9._%+=/!#$&'*-]+@[a-z0-9][a-z0-9.-]*\.[a-z]{2,})>?/i);
    const text = 'to <a@b.example>, c@d.example and  e@f.example.';
    expect([...re.matchAll(text)].map((m) => [m.index, m[1]])).toEqual(
      [...text.matchAll(new RegExp(re.source, 'gi'))].map((m) => [m.index, m[1]]),
    );
    expect(linearRegex(/a+/g).replaceAll('xaay a', '_')).toBe('x_y _');
  });
});
