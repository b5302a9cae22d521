/**
 * SpamAssassin `meta` rules: boolean and arithmetic expressions over other rules' hit counts
 * (`(__A && !__B) || C + D > 1`). Parsed once into a tree by a small recursive-descent parser
 * and evaluated without eval(); the operators are Perl's, with Perl's precedence (unary ! and -
 * bind tightest, then * /, + -, comparisons, &&, ||). Anything else (function calls such as
 * rules_matching(), the ternary operator) is refused at parse time and the meta rule left out.
 */

export type MetaNode =
  | { k: 'num'; v: number }
  | { k: 'ref'; name: string }
  | { k: 'not'; a: MetaNode }
  | { k: 'neg'; a: MetaNode }
  | { k: 'bin'; op: string; a: MetaNode; b: MetaNode };

// Sticky, no leading whitespace: the tokenizer skips blanks itself, so a run of them is read once.
const TOKEN = /(\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|&&|\|\||>=|<=|==|!=|[()!<>+\-*/])/y;
const BLANK = /\s/;

function tokenize(expr: string): string[] | undefined {
  const out: string[] = [];
  let at = 0;
  for (;;) {
    while (at < expr.length && BLANK.test(expr[at]!)) at++;
    if (at >= expr.length) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(expr);
    if (!m) return undefined;
    out.push(m[1]!);
    at = TOKEN.lastIndex;
  }
  return out;
}

const LEVELS: string[][] = [['||'], ['&&'], ['>', '<', '>=', '<=', '==', '!='], ['+', '-'], ['*', '/']];

/** The tree of a meta expression, or undefined when it uses anything outside the grammar. */
export function parseMeta(expr: string): MetaNode | undefined {
  const t = tokenize(expr);
  if (!t || t.length === 0 || t.length > 2000) return undefined;
  let i = 0;
  let depth = 0;
  const level = (n: number): MetaNode | undefined => {
    if (n === LEVELS.length) return unary();
    let a = level(n + 1);
    while (a && i < t.length && LEVELS[n]!.includes(t[i]!)) {
      const op = t[i++]!;
      const b = level(n + 1);
      if (!b) return undefined;
      a = { k: 'bin', op, a, b };
    }
    return a;
  };
  const unary = (): MetaNode | undefined => {
    const tok = t[i++];
    if (tok === undefined) return undefined;
    if (tok === '!' || tok === '-') {
      const a = unary();
      return a && (tok === '!' ? { k: 'not', a } : { k: 'neg', a });
    }
    if (tok === '(') {
      if (++depth > 100) return undefined;
      const a = level(0);
      depth--;
      return a && t[i++] === ')' ? a : undefined;
    }
    if (/^\d/.test(tok)) return { k: 'num', v: Number(tok) };
    if (/^[A-Za-z_]/.test(tok)) return t[i] === '(' ? undefined : { k: 'ref', name: tok };
    return undefined;
  };
  const tree = level(0);
  return tree && i === t.length ? tree : undefined;
}

/** Every rule name the expression reads. */
export function metaRefs(node: MetaNode, out = new Set<string>()): Set<string> {
  if (node.k === 'ref') out.add(node.name);
  else if (node.k === 'not' || node.k === 'neg') metaRefs(node.a, out);
  else if (node.k === 'bin') {
    metaRefs(node.a, out);
    metaRefs(node.b, out);
  }
  return out;
}

/** Perl semantics on numbers: comparisons and logic give 1 or 0, && and || give an operand. */
export function evalMeta(node: MetaNode, get: (name: string) => number): number {
  switch (node.k) {
    case 'num':
      return node.v;
    case 'ref':
      return get(node.name);
    case 'not':
      return evalMeta(node.a, get) ? 0 : 1;
    case 'neg':
      return -evalMeta(node.a, get);
    case 'bin': {
      const a = evalMeta(node.a, get);
      if (node.op === '&&') return a ? evalMeta(node.b, get) : a;
      if (node.op === '||') return a ? a : evalMeta(node.b, get);
      const b = evalMeta(node.b, get);
      switch (node.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return b === 0 ? 0 : a / b;
        case '>':
          return a > b ? 1 : 0;
        case '<':
          return a < b ? 1 : 0;
        case '>=':
          return a >= b ? 1 : 0;
        case '<=':
          return a <= b ? 1 : 0;
        case '==':
          return a === b ? 1 : 0;
        default:
          return a !== b ? 1 : 0;
      }
    }
  }
}
