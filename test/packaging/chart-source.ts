/**
 * Static reading of a Helm chart's Go templates, for machines without `helm`: no npm package
 * renders Helm templates (sprig functions, include/tpl, .Files), and a home-made renderer would
 * test itself more than the chart. So this only answers questions the template text can answer:
 * are the actions well-formed and blocks balanced, do includes and .Values paths resolve, and
 * does the YAML skeleton (template actions stripped) parse into the objects we expect.
 */
import { load, loadAll } from 'js-yaml';

/** `{{ ... }}` actions with their trim markers and comments removed. */
export function templateActions(src: string): string[] {
  const out: string[] = [];
  for (const m of withoutComments(src).matchAll(/\{\{-?([\s\S]*?)-?\}\}/g)) out.push(m[1]!.trim());
  return out;
}

function withoutComments(src: string): string {
  return src.replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, '');
}

/** Problems with block structure: every if/range/with/define/block needs its end, in order. */
export function blockProblems(src: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  for (const action of templateActions(src)) {
    const word = /^([a-z]+)\b/.exec(action)?.[1];
    if (word === 'if' || word === 'range' || word === 'with' || word === 'define' || word === 'block') stack.push(word);
    else if (word === 'end') {
      if (!stack.pop()) problems.push('an {{ end }} closes nothing');
    } else if (word === 'else' && stack.length === 0) problems.push('an {{ else }} outside any block');
  }
  for (const open of stack) problems.push(`an {{ ${open} }} is never closed`);
  if (/\{\{(?![\s\S]*?\}\})/.test(withoutComments(src))) problems.push('an unterminated {{');
  return problems;
}

/** Names used with include/template, and names defined with define. */
export function includedNames(src: string): string[] {
  return [...withoutComments(src).matchAll(/\b(?:include|template)\s+"([^"]+)"/g)].map((m) => m[1]!);
}
export function definedNames(src: string): string[] {
  return [...withoutComments(src).matchAll(/\{\{-?\s*define\s+"([^"]+)"/g)].map((m) => m[1]!);
}

/** Dotted paths read from .Values (also $.Values and .ctx.Values), e.g. "api.autoscaling.enabled". */
export function valuesPaths(src: string): string[] {
  return [...withoutComments(src).matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)].map((m) => m[1]!.slice(1));
}

export function hasPath(obj: unknown, dotted: string): boolean {
  let cur: unknown = obj;
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, part)) return false;
    cur = (cur as Record<string, unknown>)[part];
  }
  return true;
}

/**
 * The YAML skeleton of a template: lines made only of actions (control flow, and includes or
 * toYaml that inject whole blocks) are dropped, and an action inside a line becomes the scalar
 * TPL. Every branch is kept, so templates must not produce duplicate keys across branches.
 */
export function yamlSkeleton(src: string): string {
  return withoutComments(src)
    .split('\n')
    .filter((line) => !/^\s*(\{\{[\s\S]*?\}\}\s*)+$/.test(line))
    .map((line) => line.replace(/\{\{[\s\S]*?\}\}/g, 'TPL'))
    .join('\n');
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> | null; annotations?: Record<string, string> | null };
  spec?: Record<string, any>;
  [key: string]: unknown;
}

/** Parses a template's skeleton into its documents (empty documents dropped). Throws on bad YAML. */
export function skeletonObjects(src: string): K8sObject[] {
  return (loadAll(yamlSkeleton(src)) as unknown[]).filter((d): d is K8sObject => d !== null && d !== undefined);
}

export function loadYaml<T = unknown>(text: string): T {
  return load(text) as T;
}
