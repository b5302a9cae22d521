/**
 * Perl regular expressions of SpamAssassin's rule files, translated to JavaScript syntax for
 * src/common/text/linear-regex.ts (which then picks V8 for patterns without an unbounded repeat,
 * and the re2js automaton otherwise: linear time either way, whatever the rule file says).
 * Hand-written because no maintained package translates Perl patterns to JavaScript; the subset
 * is the one the shipped rules use. Anything outside it (possessive or atomic groups, \Q..\E, \G,
 * \K, Unicode properties, code points above 0xFF, inline flags other than a leading (?i)) is
 * refused with a reason, and the rule is left out, never approximated into another meaning.
 *
 * Text is matched as a byte string (one character per byte, latin1), as SpamAssassin does with
 * its default `normalize_charset 0`, so byte patterns such as [\xc3][\xa9] keep their meaning.
 */

export type Translated = { ok: true; source: string; flags: string } | { ok: false; why: string };

const POSIX: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\x0b',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  word: 'A-Za-z0-9_',
  cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~',
  graph: '!-~',
};

const hex2 = (n: number): string => `\\x${n.toString(16).padStart(2, '0')}`;

/** Strip /x whitespace and # comments (outside character classes and escapes). */
function stripExtended(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      out += c + (src[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') inClass = true;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') continue;
    if (c === '#') {
      const nl = src.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
      continue;
    }
    out += c;
  }
  return out;
}

/**
 * @param pattern the text between the delimiters, as read from the rule file (latin1)
 * @param perlFlags the modifiers after the closing delimiter
 */
export function translatePerlRegex(pattern: string, perlFlags: string): Translated {
  let flags = '';
  for (const f of perlFlags) {
    if (f === 'i' || f === 'm' || f === 's') {
      if (!flags.includes(f)) flags += f;
    } else if (f !== 'x' && f !== 'o' && f !== 'g') return { ok: false, why: `modifier ${f}` };
  }
  let src = perlFlags.includes('x') ? stripExtended(pattern) : pattern;
  // A leading (?i) (the only inline flag form the rules use at the start) becomes a flag.
  const lead = /^\(\?([ims]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1]!) if (!flags.includes(f)) flags += f;
    src = src.slice(lead[0].length);
  }
  const multiline = flags.includes('m');
  let out = '';
  let inClass = false;
  let classStart = -1;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) return { ok: false, why: 'trailing backslash' };
      i++;
      if ('bBdDwWsSnrtf'.includes(n)) {
        out += `\\${n}`;
      } else if (n === 'A' || n === 'z' || n === 'Z') {
        if (inClass) return { ok: false, why: `\\${n} in a class` };
        // Without /m, ^ and $ are the string's ends, which the rule texts present without a
        // final line break, so \A ^ and \z \Z $ agree.
        if (multiline) return { ok: false, why: `\\${n} with /m` };
        out += n === 'A' ? '^' : '$';
      } else if (n === 'h') {
        out += inClass ? ' \\t' : '[ \\t]';
      } else if (n === 'e') out += '\\x1b';
      else if (n === 'a') out += '\\x07';
      else if (n === 'x') {
        if (src[i + 1] === '{') {
          const close = src.indexOf('}', i + 2);
          const hex = close > 0 ? src.slice(i + 2, close) : '';
          if (!/^[0-9a-fA-F]{1,6}$/.test(hex)) return { ok: false, why: 'bad \\x{...}' };
          const v = parseInt(hex, 16);
          if (v > 0xff) return { ok: false, why: 'code point above 0xFF on a byte string' };
          out += hex2(v);
          i = close;
        } else {
          const m = /^[0-9a-fA-F]{1,2}/.exec(src.slice(i + 1, i + 3));
          const v = m ? parseInt(m[0], 16) : 0;
          out += hex2(v);
          i += m ? m[0].length : 0;
        }
      } else if (n === '0') {
        const m = /^[0-7]{0,2}/.exec(src.slice(i + 1, i + 3))!;
        out += hex2(parseInt(`0${m[0]}`, 8));
        i += m[0].length;
      } else if (n >= '1' && n <= '9') {
        if (inClass) return { ok: false, why: 'octal escape in a class' };
        // A back-reference: V8 runs it (only without unbounded repeats); RE2 refuses it.
        out += `\\${n}`;
      } else if (/[A-Za-z]/.test(n)) {
        return { ok: false, why: `escape \\${n}` };
      } else if (n === ' ') out += ' ';
      else if (n === '\n' || n === '\r' || n === '\t') out += hex2(n.charCodeAt(0));
      else if (n.charCodeAt(0) > 0x7e || n.charCodeAt(0) < 0x20) out += hex2(n.charCodeAt(0));
      else out += `\\${n}`;
      continue;
    }
    if (inClass) {
      if (c === ']' && i > classStart) {
        inClass = false;
        out += c;
      } else if (c === ']') out += '\\]';
      else if (c === '[' && src[i + 1] === ':') {
        const close = src.indexOf(':]', i + 2);
        const name = close > 0 ? src.slice(i + 2, close) : '';
        const neg = name.startsWith('^');
        const set = POSIX[neg ? name.slice(1) : name];
        if (!set || neg) return { ok: false, why: `POSIX class [:${name}:]` };
        out += set;
        i = close + 1;
      } else if (c === '[') out += '\\[';
      else if (c.charCodeAt(0) > 0x7e) out += hex2(c.charCodeAt(0));
      else out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A "]" right after "[" or "[^" is a literal in Perl (JavaScript would end the class).
      if (src[i + 1] === '^') {
        out += '^';
        i++;
      }
      classStart = i + 1;
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2, i + 4);
      if (rest.startsWith(':') || rest.startsWith('=') || rest.startsWith('!') || rest === '<=' || rest === '<!') {
        out += c;
        continue;
      }
      if (rest.startsWith('#')) {
        const close = src.indexOf(')', i);
        if (close < 0) return { ok: false, why: 'unclosed comment' };
        i = close;
        continue;
      }
      const named = /^<([A-Za-z_]\w*)>/.exec(src.slice(i + 2));
      if (named) {
        out += '(?:';
        i += 1 + named[0].length;
        continue;
      }
      const mod = /^i:/.exec(src.slice(i + 2));
      if (mod) {
        out += '(?i:';
        i += 3;
        continue;
      }
      return { ok: false, why: `group (?${rest}` };
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && src[i + 1] === '+')
      return { ok: false, why: 'possessive quantifier' };
    if (c === '{' && /^\{,\d+\}/.test(src.slice(i))) {
      // Perl before 5.34 reads "{,n}" as literal text; the rule files were written for it.
      out += '\\{';
      continue;
    }
    if (c.charCodeAt(0) > 0x7e || c === '\n' || c === '\r' || c === '\t') {
      out += hex2(c.charCodeAt(0));
      continue;
    }
    out += c;
  }
  if (inClass) return { ok: false, why: 'unclosed class' };
  return { ok: true, source: out, flags };
}
