import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { linearRegex, type LinearRegex } from '../../common/text/linear-regex';
import { parseCsv } from './csv.parser';
import { CATEGORIES, SUGGESTED_CHECKS, type Category, type ReplyClass, type SuggestedCheck } from '../explain/explain.types';
import { REPLY_FINDINGS } from '../../kb/reply-findings';

/**
 * Loads the code tables and pattern files in this folder once, validating every category and
 * finding code against the catalog so a typo in a data file fails at boot, not at request time.
 */

export interface BasicCodeInfo {
  code: number;
  text: string;
  permanence: ReplyClass | 'intermediate';
  source: string;
  category: Category;
  findingCode: string;
}

export interface EnhancedCodeInfo {
  /** Registry form, e.g. "X.1.1". */
  code: string;
  sampleText: string;
  description: string;
  references: string[];
  category: Category;
  findingCode: string;
  /** false for codes that only name the subject (X.7.1, X.0.0): reply wording decides first. */
  specific: boolean;
}

export interface ReplyPattern {
  id: string;
  /** Linear-time: reply texts come from strangers (common/text/linear-regex.ts). */
  re: LinearRegex;
  category: Category;
  findingCode: string;
  strength: 'strong' | 'weak';
  provider?: string;
  title?: string;
  fix?: string[];
  references?: string[];
  /** Provider recognised by host name only: names the provider, classification falls through. */
  detectOnly?: boolean;
  /** Class assumed when the text has no reply code (e.g. "Host not found, try again"). */
  defaultClass?: ReplyClass;
  /** Overrides "transient means retryable" (e.g. Yahoo's 421 [TSS09] "retrying will NOT succeed"). */
  retryable?: boolean;
}

export interface CategoryInfo {
  meaning: string;
  likelyCauses: string[];
  remediation: string[];
  suggestedChecks: SuggestedCheck[];
  defaultClass: ReplyClass;
  references: string[];
}

export interface ReportsData {
  basic: Map<number, BasicCodeInfo>;
  enhanced: Map<string, EnhancedCodeInfo>;
  textPatterns: ReplyPattern[];
  providerPatterns: ReplyPattern[];
  categories: Record<Category, CategoryInfo>;
}

/** The data folder next to the sources; the compiled build looks back into src/ when not copied. */
export function reportsDataDir(): string {
  const candidates = [
    join(__dirname),
    join(__dirname, '..', '..', '..', '..', 'src', 'reports', 'data'),
    join(process.cwd(), 'src', 'reports', 'data'),
  ];
  const found = candidates.find((d) => existsSync(join(d, 'categories.json')));
  if (!found) throw new Error(`reports data files not found (looked in ${candidates.join(', ')})`);
  return found;
}

const read = (dir: string, name: string): string => readFileSync(join(dir, name), 'utf8');

function checkCategory(value: unknown, where: string): Category {
  if (!CATEGORIES.includes(value as Category)) throw new Error(`${where}: unknown category ${String(value)}`);
  return value as Category;
}

function checkFinding(value: unknown, where: string): string {
  if (typeof value !== 'string' || !(value in REPLY_FINDINGS)) throw new Error(`${where}: unknown finding code ${String(value)}`);
  return value;
}

/** "[RFC3463] (Standards Track); [RFC7504] (...)" -> RFC URLs. */
function referenceUrls(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\[(RFC(\d+)|draft-[\w-]+)\]/gi)) {
    out.push(m[2] ? `https://www.rfc-editor.org/rfc/rfc${m[2]}` : `https://datatracker.ietf.org/doc/${m[1]}/`);
  }
  return out;
}

function loadPatterns(dir: string, file: string): ReplyPattern[] {
  const doc = JSON.parse(read(dir, file)) as { patterns: Record<string, unknown>[] };
  return doc.patterns.map((p, i) => {
    const where = `${file}#${i} (${String(p.id)})`;
    return {
      id: String(p.id),
      re: linearRegex(String(p.pattern), 'i'),
      category: checkCategory(p.category, where),
      findingCode: checkFinding(p.findingCode, where),
      strength: p.strength === 'weak' ? 'weak' : 'strong',
      ...(typeof p.provider === 'string' ? { provider: p.provider } : {}),
      ...(typeof p.title === 'string' ? { title: p.title } : {}),
      ...(Array.isArray(p.fix) ? { fix: p.fix.map(String) } : {}),
      ...(Array.isArray(p.references) ? { references: p.references.map(String) } : {}),
      ...(p.detectOnly === true ? { detectOnly: true } : {}),
      ...(typeof p.retryable === 'boolean' ? { retryable: p.retryable } : {}),
      ...(p.defaultClass === 'transient' || p.defaultClass === 'permanent' ? { defaultClass: p.defaultClass } : {}),
    };
  });
}

function loadAll(dir: string): ReportsData {
  const basic = new Map<number, BasicCodeInfo>();
  const basicClass = new Map(parseCsv(read(dir, 'basic-code-classification.csv')).map((r) => [Number(r.code), r]));
  for (const file of ['smtp-reply-codes-rfc5321.csv', 'smtp-reply-codes-additions.csv']) {
    for (const r of parseCsv(read(dir, file))) {
      const code = Number(r.code);
      const cls = basicClass.get(code);
      if (!cls) throw new Error(`basic-code-classification.csv lacks ${code}`);
      basic.set(code, {
        code,
        text: r.rfc5321_text ?? r.text ?? '',
        permanence: r.permanence as BasicCodeInfo['permanence'],
        source: r.source ?? '',
        category: checkCategory(cls.category, `basic ${code}`),
        findingCode: checkFinding(cls.finding_code, `basic ${code}`),
      });
    }
  }

  const enhanced = new Map<string, EnhancedCodeInfo>();
  const enhancedClass = new Map(parseCsv(read(dir, 'enhanced-status-classification.csv')).map((r) => [r.code, r]));
  for (const file of ['iana-smtp-enhanced-status-codes-3-snapshot-2017.csv', 'iana-smtp-enhanced-status-codes-additions.csv']) {
    for (const r of parseCsv(read(dir, file))) {
      const code = r.Code;
      const cls = enhancedClass.get(code);
      if (!cls) throw new Error(`enhanced-status-classification.csv lacks ${code}`);
      const previous = enhanced.get(code);
      // IANA quirk kept in the snapshot: X.7.28's description sits in the basic-code column.
      const description = r.Description || (/^\d/.test(r['Associated basic status code']) ? '' : r['Associated basic status code']);
      enhanced.set(code, {
        code,
        sampleText: r['Sample Text'] || previous?.sampleText || '',
        description: (description || previous?.description || '').replace(/\s+/g, ' '),
        references: referenceUrls(r.Reference),
        category: checkCategory(cls.category, `enhanced ${code}`),
        findingCode: checkFinding(cls.finding_code, `enhanced ${code}`),
        specific: cls.specific === 'true',
      });
    }
  }

  const catDoc = JSON.parse(read(dir, 'categories.json')) as { categories: Record<string, CategoryInfo> };
  for (const c of CATEGORIES) {
    const info = catDoc.categories[c];
    if (!info) throw new Error(`categories.json lacks ${c}`);
    for (const s of info.suggestedChecks) if (!SUGGESTED_CHECKS.includes(s)) throw new Error(`categories.json ${c}: bad check ${s}`);
  }

  return {
    basic,
    enhanced,
    textPatterns: loadPatterns(dir, 'reply-text-patterns.json'),
    providerPatterns: loadPatterns(dir, 'provider-patterns.json'),
    categories: catDoc.categories as Record<Category, CategoryInfo>,
  };
}

let cached: ReportsData | undefined;

/** The validated tables, loaded on first use. */
export function reportsData(): ReportsData {
  cached ??= loadAll(reportsDataDir());
  return cached;
}
