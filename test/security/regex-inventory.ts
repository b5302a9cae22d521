import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * Finds every regular expression the service compiles, for the ReDoS scan
 * (test/security/regex-scan.test.ts): regex literals and `RegExp(...)` calls in src/ (read with the
 * TypeScript compiler API, so strings and comments that merely look like regexes are not picked up).
 * A `RegExp(...)` whose pattern is not a plain string is a "dynamic site": the scan resolves
 * template parts that name a same-file string constant, puts a literal placeholder for the other
 * interpolations, and requires each dynamic site to be listed with how its real patterns are covered.
 */

export interface FoundRegex {
  /** Where: "src/x/y.ts:12" or "src/reports/data/file.json#id". */
  where: string;
  source: string;
  flags: string;
  /** Set for `RegExp(...)` calls whose pattern argument is not a plain string. */
  dynamic?: { file: string; argText: string };
  /** A literal handed to `linearRegex(...)`: compiled for the linear-time engine, not run by V8. */
  linearEngine?: boolean;
}

/** Stand-in for an interpolated value that is not a same-file constant: one literal character. */
export const PLACEHOLDER = 'x';

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Same-file `const NAME = '...'` (or a template of such constants), for resolving interpolations. */
function stringConstants(sf: ts.SourceFile): Map<string, ts.Expression> {
  const consts = new Map<string, ts.Expression>();
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) {
      const list = n.parent;
      if (ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0)
        consts.set(n.name.text, n.initializer);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return consts;
}

/** The string value of an expression, or undefined when it is not statically known. */
function staticString(e: ts.Expression, consts: Map<string, ts.Expression>, depth = 0): string | undefined {
  if (depth > 5) return undefined;
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (ts.isParenthesizedExpression(e)) return staticString(e.expression, consts, depth + 1);
  if (ts.isIdentifier(e)) {
    const init = consts.get(e.text);
    return init ? staticString(init, consts, depth + 1) : undefined;
  }
  if (ts.isTemplateExpression(e)) {
    let s = e.head.text;
    for (const span of e.templateSpans) {
      const v = staticString(span.expression, consts, depth + 1);
      if (v === undefined) return undefined;
      s += v + span.literal.text;
    }
    return s;
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const l = staticString(e.left, consts, depth + 1);
    const r = staticString(e.right, consts, depth + 1);
    return l !== undefined && r !== undefined ? l + r : undefined;
  }
  return undefined;
}

/** A template with unknown interpolations replaced by PLACEHOLDER (constants still resolved). */
function approximate(e: ts.Expression, consts: Map<string, ts.Expression>): string | undefined {
  if (!ts.isTemplateExpression(e)) return undefined;
  let s = e.head.text;
  for (const span of e.templateSpans) s += (staticString(span.expression, consts) ?? PLACEHOLDER) + span.literal.text;
  return s;
}

/** Regex literals and RegExp constructions in every .ts file under `srcDir`. */
export function collectSourceRegexes(root: string, srcDir = 'src'): FoundRegex[] {
  const found: FoundRegex[] = [];
  for (const path of tsFiles(join(root, srcDir))) {
    const file = relative(root, path);
    const sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const consts = stringConstants(sf);
    const at = (n: ts.Node): string => `${file}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
    const visit = (n: ts.Node): void => {
      if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = n.getText(sf);
        const end = text.lastIndexOf('/');
        const p = n.parent;
        const linearEngine =
          ts.isCallExpression(p) &&
          ts.isIdentifier(p.expression) &&
          p.expression.text === 'linearRegex' &&
          p.arguments[0] === n;
        found.push({
          where: at(n),
          source: text.slice(1, end),
          flags: text.slice(end + 1),
          ...(linearEngine ? { linearEngine } : {}),
        });
      } else if (
        (ts.isNewExpression(n) || ts.isCallExpression(n)) &&
        ts.isIdentifier(n.expression) &&
        n.expression.text === 'RegExp'
      ) {
        const [pattern, flagsArg] = n.arguments ?? [];
        if (pattern) {
          const flags = flagsArg ? (staticString(flagsArg, consts) ?? '') : '';
          const known = staticString(pattern, consts);
          if (known !== undefined) found.push({ where: at(n), source: known, flags });
          else {
            found.push({
              where: at(n),
              source: approximate(pattern, consts) ?? '',
              flags,
              // Keyed by the argument's text without line breaks and indentation, so formatting does not change it.
              dynamic: { file, argText: pattern.getText(sf).replace(/\n\s*/g, '') },
            });
          }
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return found;
}

/** Every RegExp reachable from a loaded table (objects, arrays, maps), with a path for the report. */
export function regexesIn(value: unknown, where: string, seen = new Set<unknown>()): FoundRegex[] {
  if (value instanceof RegExp) return [{ where, source: value.source, flags: value.flags }];
  if (value === null || typeof value !== 'object' || seen.has(value)) return [];
  seen.add(value);
  const out: FoundRegex[] = [];
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  for (const [k, v] of entries) {
    const id = v && typeof v === 'object' && 'id' in v && typeof v.id === 'string' ? v.id : String(k);
    out.push(...regexesIn(v, `${where}.${id}`, seen));
  }
  return out;
}

/** JSON files under src/ (the data tables), relative to root. */
export function jsonTables(root: string, dir = 'src'): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const p = join(dir, name);
    if (statSync(join(root, p)).isDirectory()) out.push(...jsonTables(root, p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out.sort();
}
