import { RE2JS } from 're2js';

/**
 * Regular expressions that run in time linear in the input, whatever the pattern, for the pattern
 * tables applied to a stranger's text (bounce wording, reply wording, provider texts). V8's
 * engine backtracks, so a pattern such as `^\s*\|?\s*received: from` takes cubic time on a run of
 * newlines; re2js (a pure-JS port of RE2: automata, no backtracking) cannot. The native `re2`
 * package is not an option here (it downloads or compiles a binary at install).
 *
 * Patterns are written in JavaScript syntax, as in the data files, and translated so they match
 * what V8 would: `\s` and `\S` keep JavaScript's wider set of white space (RE2's `\s` is ASCII
 * only) and `.` keeps excluding every JavaScript line terminator. One difference is left: under
 * the m flag, `^` and `$` see a line break at "\n" only (JavaScript also at a lone "\r", U+2028
 * and U+2029); the analysers read text whose line breaks are "\n" or "\r\n".
 * Look-aheads and back-references do not exist in RE2: such a pattern fails to compile, at load
 * time. test/security/linear-regex.test.ts compares both engines on the Sisimai corpus.
 */

// ECMAScript WhiteSpace and LineTerminator (ECMA-262 §22.2.2.9, CharacterClassEscape \s).
const JS_SPACE =
  '\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';
const JS_NOT_LINE_END = '[^\\n\\r\\x{2028}\\x{2029}]';

/** JavaScript regex syntax -> RE2 syntax with JavaScript's meaning of `\s`, `\S` and `.`. */
export function toRe2Syntax(source: string, dotAll = false): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const n = source[i + 1];
      i++;
      if (n === undefined) throw new SyntaxError('pattern ends with a backslash');
      if (n === 's') out += inClass ? JS_SPACE : `[${JS_SPACE}]`;
      else if (n === 'S') {
        if (inClass) throw new SyntaxError('\\S inside a character class is not supported');
        out += `[^${JS_SPACE}]`;
      } else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(i + 1, i + 5))) {
        out += `\\x{${source.slice(i + 1, i + 5)}}`;
        i += 4;
      } else if (n === '/') out += '/';
      else out += `\\${n}`;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      if (source.startsWith('[^]', i)) throw new SyntaxError('[^] is not supported; use [\\s\\S]');
      inClass = true;
      out += c;
      // A leading "]" (or "^]") is a literal in RE2 but closes an empty class in JavaScript.
      if (source[i + 1] === ']' || source.startsWith('^]', i + 1)) throw new SyntaxError('empty character class');
      continue;
    }
    if (c === '.' && !dotAll) {
      out += JS_NOT_LINE_END;
      continue;
    }
    out += c;
  }
  return out;
}

/**
 * Whether the pattern repeats anything without bound (`*`, `+`, `{n,}` outside a character
 * class). Without such a repeat, every match attempt of a backtracking engine explores a number
 * of paths bounded by the pattern alone, so V8 is linear in the input too, and much faster.
 */
export function hasUnboundedRepeat(source: string): boolean {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') inClass = true;
    else if (c === '*' || c === '+') return true;
    else if (c === '{' && /^\{\d+,\}/.test(source.slice(i))) return true;
  }
  return false;
}

/** A compiled linear-time pattern with the subset of the RegExp API the analysers use. */
export class LinearRegex {
  /** The automaton engine, for patterns with an unbounded repeat. */
  private readonly re?: RE2JS;
  /** V8, for patterns without one (see hasUnboundedRepeat): linear as well. */
  private readonly v8?: RegExp;
  private readonly v8Global?: RegExp;

  /**
   * @param source pattern in JavaScript syntax (no look-aheads, no back-references)
   * @param flags any of "i", "m", "s" and "g" ("g" only marks the pattern as global for matchAll)
   */
  constructor(
    readonly source: string,
    readonly flags = '',
  ) {
    let f = 0;
    for (const flag of flags) {
      if (flag === 'i') f |= RE2JS.CASE_INSENSITIVE;
      else if (flag === 'm') f |= RE2JS.MULTILINE;
      else if (flag === 's') f |= RE2JS.DOTALL;
      else if (flag !== 'g') throw new SyntaxError(`flag ${flag} is not supported`);
    }
    if (!hasUnboundedRepeat(source)) {
      const plain = flags.replace('g', '');
      this.v8 = new RegExp(source, plain);
      this.v8Global = new RegExp(source, `${plain}g`);
      return;
    }
    if (/\(\?<[=!]/.test(source)) f |= RE2JS.LOOKBEHINDS;
    this.re = RE2JS.compile(toRe2Syntax(source, flags.includes('s')), f);
  }

  /** Which engine runs the pattern. */
  get engine(): 'automaton' | 'v8-bounded' {
    return this.re ? 'automaton' : 'v8-bounded';
  }

  /** Whether the pattern matches anywhere in the text (RegExp.prototype.test without lastIndex). */
  test(text: string): boolean {
    return this.re ? this.re.test(text) : this.v8!.test(text);
  }

  /** The first match, shaped like RegExpExecArray (index, groups; unmatched groups undefined). */
  exec(text: string): RegExpExecArray | null {
    // The boolean test runs on the lazy DFA; finding capture groups needs the slower NFA, so it
    // only runs when there is a match to report.
    if (!this.re) return this.v8!.exec(text);
    if (!this.re.test(text)) return null;
    return this.re.exec(text) as RegExpExecArray | null;
  }

  /** Every non-overlapping match, left to right (String.prototype.matchAll with a global regex). */
  matchAll(text: string): IterableIterator<RegExpMatchArray> {
    if (!this.re) return text.matchAll(this.v8Global!);
    return this.re.test(text) ? this.re.matchAll(text) : [][Symbol.iterator]();
  }

  /**
   * Every match replaced (String.prototype.replaceAll with a global regex); a string replacement
   * is inserted as is (no "$1" expansion), a function gets the match array.
   */
  replaceAll(text: string, replacement: string | ((m: RegExpMatchArray) => string)): string {
    let out = '';
    let last = 0;
    for (const m of this.matchAll(text)) {
      const at = m.index ?? 0;
      out += text.slice(last, at) + (typeof replacement === 'string' ? replacement : replacement(m));
      last = at + m[0].length;
    }
    return last === 0 ? (out === '' ? text : out + text.slice(last)) : out + text.slice(last);
  }

  /** The offset of the first match, or -1 (String.prototype.search). */
  search(text: string): number {
    return this.exec(text)?.index ?? -1;
  }

  toString(): string {
    return `/${this.source}/${this.flags}`;
  }
}

/** Compile a pattern for the linear-time engine (see the file comment). */
export function linearRegex(source: string | RegExp, flags?: string): LinearRegex {
  return typeof source === 'string'
    ? new LinearRegex(source, flags)
    : new LinearRegex(source.source, flags ?? source.flags);
}
