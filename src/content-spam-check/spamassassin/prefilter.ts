/**
 * A literal prefilter for the translated SpamAssassin patterns: for a pattern, a short list of
 * strings such that every match contains at least one of them (each branch of an alternation
 * gives its own), so a text that contains none of them cannot match and the pattern need not run.
 * This is the idea of SpamAssassin's sa-compile and of RE2's prefilter (Russ Cox, "Regular
 * Expression Matching with a Trigram Index"), reduced to one OR-list of substrings.
 * Hand-written because the packages that do this analyse RE2's or Rust's syntax tree, not
 * JavaScript pattern text, and none ships for Node without a native build.
 *
 * Soundness rules (never a false "cannot match"): anything not understood (a back-reference, an
 * inline (?i:) group in a case-sensitive pattern, an unknown escape) is read as "any text"; zero
 * width assertions (^ $ \b \B look-arounds) consume nothing and add nothing; an optional item
 * (?, *, {0,n}) may be empty. For a case-insensitive pattern the strings are lower-cased and the
 * caller tests them on the lower-cased text: the texts are byte strings (latin1), where
 * toLowerCase relates exactly the characters that V8's and RE2's case folding relate.
 */

/** What a piece of pattern can match: `exact` all its strings when few, else `any` (an OR-list). */
interface Info {
  /** Every string the piece matches, when at most MAX_EXACT (contains '' if it can be empty). */
  exact?: string[];
  /** Every match contains one of these; undefined: no constraint. */
  any?: string[];
  /** Not exact, but every match starts with one of `prefix` and ends with one of `suffix` (x+). */
  prefix?: string[];
  suffix?: string[];
}

const MAX_EXACT = 16;
const MAX_ANY = 64;
const MIN_LEN = 3;
const NOTHING: Info = {};
const EMPTY: Info = { exact: [''] };

class Unsupported extends Error {}

const dedupe = (xs: string[]): string[] => [...new Set(xs)];

function anyOf(info: Info): string[] | undefined {
  if (info.exact) return info.exact.includes('') ? undefined : info.exact;
  return info.any;
}

/**
 * The better of two OR-lists: the longer shortest string up to 4 characters (then a string is
 * rare enough in mail), then the shorter list (alternations add up the lists of their branches),
 * then the longer shortest string.
 */
function better(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!a) return b;
  if (!b) return a;
  const ma = Math.min(...a.map((s) => s.length));
  const mb = Math.min(...b.map((s) => s.length));
  if (Math.min(ma, 4) !== Math.min(mb, 4)) return ma > mb ? a : b;
  if (a.length !== b.length) return a.length < b.length ? a : b;
  return ma >= mb ? a : b;
}

class Parser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly fold: boolean,
  ) {}

  parse(): Info {
    const info = this.alternation();
    if (this.i !== this.src.length) throw new Unsupported('trailing text');
    return info;
  }

  private ch(c: string): string {
    return this.fold ? c.toLowerCase() : c;
  }

  private alternation(): Info {
    const branches = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      branches.push(this.sequence());
    }
    if (branches.length === 1) return branches[0]!;
    if (branches.every((b) => b.exact)) {
      const all = dedupe(branches.flatMap((b) => b.exact!));
      if (all.length <= MAX_EXACT) return { exact: all };
    }
    const lists = branches.map(anyOf);
    if (lists.some((l) => !l)) return NOTHING;
    const all = dedupe(lists.flatMap((l) => l!));
    return all.length <= MAX_ANY ? { any: all } : NOTHING;
  }

  private sequence(): Info {
    let cur: string[] | undefined = [''];
    let best: string[] | undefined;
    let whole = true;
    const commit = () => {
      if (cur) best = better(best, anyOf({ exact: cur }));
      cur = undefined;
      whole = false;
    };
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const item = this.quantified(this.atom());
      if (item.exact) {
        if (!cur) cur = item.exact;
        else if (cur.length * item.exact.length <= MAX_EXACT) {
          const prev: string[] = cur;
          cur = dedupe(prev.flatMap((a) => item.exact!.map((b) => a + b)));
        } else {
          commit();
          cur = item.exact;
        }
      } else if (item.prefix && cur && cur.length * item.prefix.length <= MAX_EXACT) {
        // What came before, then the start of this item: a candidate; its end starts the next run.
        const prev: string[] = cur;
        cur = dedupe(prev.flatMap((a) => item.prefix!.map((b) => a + b)));
        commit();
        best = better(best, item.any);
        cur = item.suffix;
      } else {
        commit();
        best = better(best, item.any);
        if (item.suffix) cur = item.suffix;
      }
    }
    if (whole && cur) return { exact: cur };
    commit();
    return best ? { any: best } : NOTHING;
  }

  /** A quantifier after the atom, if any. */
  private quantified(atom: Info): Info {
    const c = this.src[this.i];
    let min: number;
    if (c === '*' || c === '?' || c === '+') {
      this.i++;
      min = c === '+' ? 1 : 0;
    } else if (c === '{') {
      const q = this.braces();
      if (!q) return atom;
      min = q;
    } else return atom;
    if (this.src[this.i] === '?') this.i++; // lazy
    if (min === 0) {
      if (c === '?' && atom.exact && atom.exact.length < MAX_EXACT) return { exact: dedupe([...atom.exact, '']) };
      return NOTHING;
    }
    const l = anyOf(atom);
    if (!l) return NOTHING;
    // x+ (or x{n,...}, n >= 1) of a few strings starts and ends with one of them.
    return atom.exact ? { any: l, prefix: l, suffix: l } : { any: l };
  }

  /** `{n}`, `{n,}` or `{n,m}` at the cursor: its minimum (cursor moved past it), or undefined (a literal "{"). */
  private braces(): number | undefined {
    let j = this.i + 1;
    let digits = '';
    while (j < this.src.length && this.src[j]! >= '0' && this.src[j]! <= '9') digits += this.src[j++];
    if (digits === '') return undefined;
    if (this.src[j] === ',') {
      j++;
      while (j < this.src.length && this.src[j]! >= '0' && this.src[j]! <= '9') j++;
    }
    if (this.src[j] !== '}') return undefined;
    this.i = j + 1;
    return Number(digits);
  }

  private atom(): Info {
    const c = this.src[this.i]!;
    if (c === '(') return this.group();
    if (c === '[') return this.charClass();
    this.i++;
    if (c === '^' || c === '$') return EMPTY;
    if (c === '.') return NOTHING;
    if (c === '*' || c === '+' || c === '?') throw new Unsupported('nothing to repeat');
    if (c === '\\') {
      const e = this.escape();
      if (e === undefined) return NOTHING;
      if (e === '') return EMPTY;
      return { exact: [this.ch(e)] };
    }
    return { exact: [this.ch(c)] };
  }

  /**
   * The character an escape stands for (cursor after the backslash), '' for a zero-width one,
   * undefined for a class or back-reference.
   */
  private escape(): string | undefined {
    const e = this.src[this.i++];
    if (e === undefined) throw new Unsupported('trailing backslash');
    if (e === 'b' || e === 'B') return '';
    if ('dDwWsS'.includes(e)) return undefined;
    if (e >= '1' && e <= '9') return undefined;
    if (e === 'n') return '\n';
    if (e === 'r') return '\r';
    if (e === 't') return '\t';
    if (e === 'f') return '\f';
    if (e === 'v') return '\v';
    if (e === 'x' || e === 'u') {
      const width = e === 'x' ? 2 : 4;
      const hex = this.src.slice(this.i, this.i + width);
      if (hex.length !== width || [...hex].some((h) => !/[0-9a-fA-F]/.test(h))) throw new Unsupported('bad escape');
      this.i += width;
      return String.fromCharCode(parseInt(hex, 16));
    }
    if (/[A-Za-z0-9]/.test(e)) throw new Unsupported(`escape \\${e}`);
    return e;
  }

  private group(): Info {
    this.i++; // (
    let kind: 'plain' | 'assert' | 'opaque' = 'plain';
    if (this.src[this.i] === '?') {
      const rest = this.src.slice(this.i + 1, this.i + 4);
      if (rest.startsWith(':')) this.i += 2;
      else if (rest.startsWith('=') || rest.startsWith('!')) {
        this.i += 2;
        kind = 'assert';
      } else if (rest.startsWith('<=') || rest.startsWith('<!')) {
        this.i += 3;
        kind = 'assert';
      } else if (rest.startsWith('i:')) {
        this.i += 3;
        if (!this.fold) kind = 'opaque';
      } else throw new Unsupported(`group (?${rest}`);
    }
    const inner = this.alternation();
    if (this.src[this.i] !== ')') throw new Unsupported('unclosed group');
    this.i++;
    if (kind === 'assert') return EMPTY;
    if (kind === 'opaque') return NOTHING;
    return inner;
  }

  /** A class with few members (after case folding) is their list; otherwise "any character". */
  private charClass(): Info {
    this.i++; // [
    const negated = this.src[this.i] === '^';
    if (negated) this.i++;
    const members = new Set<string>();
    let tooMany = false;
    let first = true;
    for (;;) {
      if (this.i >= this.src.length) throw new Unsupported('unclosed class');
      let c = this.src[this.i]!;
      if (c === ']') {
        // JavaScript: "[]" matches nothing and "[^]" anything; perl-regex.ts never writes them.
        if (first) throw new Unsupported('empty class');
        break;
      }
      first = false;
      this.i++;
      let single: string | undefined = c;
      if (c === '\\') {
        const letter = this.src[this.i];
        const e = this.escape();
        // In a class \b is a backspace; \B (an identity escape) is left unread.
        single = e === '' ? (letter === 'b' ? '\b' : undefined) : e;
        if (single === undefined) tooMany = true;
      }
      if (single === undefined) continue;
      c = single;
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) {
        this.i++;
        let hi = this.src[this.i++]!;
        if (hi === '\\') {
          const e = this.escape();
          if (e === undefined || e === '') throw new Unsupported('class range');
          hi = e;
        }
        const lo = c.charCodeAt(0);
        const up = hi.charCodeAt(0);
        if (up - lo > MAX_EXACT) tooMany = true;
        else for (let k = lo; k <= up; k++) members.add(this.ch(String.fromCharCode(k)));
        continue;
      }
      members.add(this.ch(c));
    }
    this.i++; // ]
    if (negated || tooMany || members.size === 0 || members.size > 8) return NOTHING;
    return { exact: [...members] };
  }
}

/**
 * Strings of which every match of the pattern (JavaScript syntax, as perl-regex.ts writes it)
 * contains one, lower-cased when `caseInsensitive`; undefined when no useful list is found
 * (a string shorter than 3 characters, or more than 32 strings).
 */
export function requiredLiterals(source: string, caseInsensitive: boolean): string[] | undefined {
  let info: Info;
  try {
    info = new Parser(source, caseInsensitive).parse();
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
  const list = anyOf(info);
  if (!list || list.length === 0 || list.length > MAX_ANY) return undefined;
  if (list.some((s) => s.length < MIN_LEN)) return undefined;
  // A string that contains another is implied by it: keep the shorter.
  return list.filter((s) => !list.some((t) => t !== s && t.length < s.length && s.includes(t)));
}
