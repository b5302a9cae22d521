import { reportsData, type ReplyPattern, type ReportsData } from '../data/data.loader';
import { REPORTS_FINDINGS } from '../reports.findings';
import type { Category, Explanation, ReplyClass } from './explain.types';
import { parseReply, type ParsedReply } from './reply.parser';

const RFC5321_CODES = 'https://www.rfc-editor.org/rfc/rfc5321#section-4.2.3';

/** What decided the category, most specific first; callers holding more text may retry when weak. */
export type ExplanationBasis =
  'provider' | 'wording' | 'enhanced' | 'weak-wording' | 'generic-enhanced' | 'basic' | 'none';
export const BASIS_RANK: Record<ExplanationBasis, number> = {
  provider: 6,
  wording: 5,
  enhanced: 4,
  'weak-wording': 3,
  'generic-enhanced': 2,
  basic: 1,
  none: 0,
};

interface Decision {
  category: Category;
  findingCode: string;
  basis: ExplanationBasis;
  pattern?: ReplyPattern;
}

function classOf(p: ParsedReply, fallback: ReplyClass): ReplyClass {
  // RFC 3463 §2: the enhanced class must agree with the reply code; the basic code wins if not.
  const digit = p.code !== null ? Math.floor(p.code / 100) : p.enhancedStatus ? Number(p.enhancedStatus[0]) : null;
  if (digit === 2 || digit === 3) return 'success';
  if (digit === 4) return 'transient';
  if (digit === 5) return 'permanent';
  return fallback;
}

function firstMatch(patterns: ReplyPattern[], text: string, strength?: 'strong' | 'weak'): ReplyPattern | undefined {
  return patterns.find((p) => !p.detectOnly && (strength === undefined || p.strength === strength) && p.re.test(text));
}

/**
 * Decide category and finding code. Precedence, most specific first: a provider's own text,
 * unambiguous wording, a specific enhanced status, vaguer wording, a generic enhanced status,
 * the basic reply code. Wording beats the code because servers reuse codes loosely
 * (5.7.1 for blocklists, spam and relaying alike).
 */
function decide(p: ParsedReply, data: ReportsData, cls: ReplyClass | null): { decision: Decision; provider?: string } {
  const hay = p.normalized;
  let provider: string | undefined;
  for (const pat of data.providerPatterns) {
    if (!pat.re.test(hay)) continue;
    if (pat.detectOnly) {
      provider ??= pat.provider;
      continue;
    }
    return {
      decision: { category: pat.category, findingCode: pat.findingCode, basis: 'provider', pattern: pat },
      provider: pat.provider,
    };
  }
  const enh = p.enhancedStatus ? data.enhanced.get(`X.${p.enhancedStatus.slice(2)}`) : undefined;
  const basic = p.code !== null ? data.basic.get(p.code) : undefined;
  if (cls === 'success') {
    return {
      decision: { category: 'other', findingCode: 'SMTP_ACCEPTED', basis: enh ? 'enhanced' : 'basic' },
      provider,
    };
  }
  const strong = firstMatch(data.textPatterns, hay, 'strong');
  if (strong)
    return {
      decision: { category: strong.category, findingCode: strong.findingCode, basis: 'wording', pattern: strong },
      provider,
    };
  if (enh?.specific)
    return { decision: { category: enh.category, findingCode: enh.findingCode, basis: 'enhanced' }, provider };
  const weak = firstMatch(data.textPatterns, hay, 'weak');
  if (weak)
    return {
      decision: { category: weak.category, findingCode: weak.findingCode, basis: 'weak-wording', pattern: weak },
      provider,
    };
  if (enh)
    return { decision: { category: enh.category, findingCode: enh.findingCode, basis: 'generic-enhanced' }, provider };
  if (basic)
    return { decision: { category: basic.category, findingCode: basic.findingCode, basis: 'basic' }, provider };
  return { decision: { category: 'other', findingCode: 'SMTP_UNCLASSIFIED', basis: 'none' }, provider };
}

const unique = (items: string[]): string[] => [...new Set(items.filter((s) => s.length > 0))];

/** Explain an already parsed reply (bounce and log analysers parse first to keep the evidence). */
export function explainParsed(p: ParsedReply): Explanation {
  return explainWithBasis(p).explanation;
}

/** The explanation plus what decided it. */
export function explainWithBasis(p: ParsedReply): { explanation: Explanation; basis: ExplanationBasis } {
  const data = reportsData();
  const codeClass = p.code !== null || p.enhancedStatus ? classOf(p, 'permanent') : null;
  const { decision, provider } = decide(p, data, codeClass);
  const { category } = decision;
  let { findingCode } = decision;
  // RFC 5321 §3.1: a 554 greeting refuses the whole connection.
  if (p.code === 554 && category === 'policy' && p.command && /connect|greeting|banner/i.test(p.command)) {
    findingCode = 'SMTP_BANNER_REJECTED';
  }
  const cat = data.categories[category];
  const cls = codeClass ?? decision.pattern?.defaultClass ?? cat.defaultClass;
  const def = REPORTS_FINDINGS[findingCode as keyof typeof REPORTS_FINDINGS];
  const enh = p.enhancedStatus ? data.enhanced.get(`X.${p.enhancedStatus.slice(2)}`) : undefined;
  const basic = p.code !== null ? data.basic.get(p.code) : undefined;

  const meaning = [
    basic ? `${basic.code}: ${basic.text.replace(/\.$/, '')}.` : '',
    enh && p.enhancedStatus ? `${p.enhancedStatus} (${enh.sampleText || 'enhanced status'}): ${enh.description}` : '',
    cat.meaning,
  ]
    .filter(Boolean)
    .join(' ');

  const pat = decision.pattern;
  const explanation: Explanation = {
    code: p.code,
    enhancedStatus: p.enhancedStatus,
    class: cls,
    category,
    findingCode,
    title: pat?.title ?? def.title,
    meaning,
    likelyCauses: [...cat.likelyCauses],
    remediation: unique([...(pat?.fix ?? []), def.remediation, ...cat.remediation]),
    retryable: pat?.retryable ?? cls === 'transient',
    ...(provider ? { provider } : {}),
    references: unique([
      ...(pat?.references ?? []),
      ...(enh?.references ?? []),
      basic ? RFC5321_CODES : '',
      ...(def.references ?? []),
      ...cat.references,
    ]),
    suggestedChecks: [...cat.suggestedChecks],
  };
  return { explanation, basis: decision.basis };
}

/**
 * Explain an SMTP reply, multi-line reply or NDR line in the user's words. Pure and synchronous;
 * never throws on odd input (a text without codes still gets a category from its wording).
 */
export function explainReply(text: string): Explanation {
  return explainParsed(parseReply(String(text ?? '')));
}
