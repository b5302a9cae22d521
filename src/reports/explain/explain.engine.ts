import { BASIS_RANK, classifyParsedReply, type ReplyBasis } from '../../kb/reply-kb';
import { reportsData } from '../data/data.loader';
import { replyFinding } from '../../kb/reply-findings';
import type { Explanation } from './explain.types';
import { parseReply, type ParsedReply } from './reply.parser';

const RFC5321_CODES = 'https://www.rfc-editor.org/rfc/rfc5321#section-4.2.3';

/** What decided the category (the knowledge base's basis); callers holding more text may retry when weak. */
export type ExplanationBasis = ReplyBasis;
export { BASIS_RANK };

const unique = (items: string[]): string[] => [...new Set(items.filter((s) => s.length > 0))];

const sentences = (text: string): string[] =>
  text
    .split(/(?<=[.!?])\s+(?=[A-Z])/)
    .map((s) => s.trim())
    .filter(Boolean);
const key = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** Each piece of advice once: a sentence already given (e.g. "Check the address for typos.") is not repeated. */
export function uniqueAdvice(items: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of items) {
    const kept = sentences(item).filter((s) => !seen.has(key(s)));
    for (const s of sentences(item)) seen.add(key(s));
    if (kept.length) out.push(kept.join(' '));
  }
  return out;
}

/** Explain an already parsed reply (bounce and log analysers parse first to keep the evidence). */
export function explainParsed(p: ParsedReply): Explanation {
  return explainWithBasis(p).explanation;
}

/** The explanation plus what decided it. */
export function explainWithBasis(p: ParsedReply): { explanation: Explanation; basis: ExplanationBasis } {
  const data = reportsData();
  const v = classifyParsedReply(p);
  const { category, findingCode } = v;
  const cat = data.categories[category];
  const def = replyFinding(findingCode);
  const { enhanced: enh, basic, pattern: pat } = v;
  const inner = v.inner && v.inner.verdict.findingCode === findingCode ? v.inner : undefined;

  const meaning = [
    basic ? `${basic.code}: ${basic.text.replace(/\.$/, '')}.` : '',
    enh && p.enhancedStatus ? `${p.enhancedStatus} (${enh.sampleText || 'enhanced status'}): ${enh.description}` : '',
    inner
      ? `This server relays what the next server said ("${inner.text.slice(0, 300)}"): that reply is the cause, and the class (${v.class}) is this server's, which decides whether the sender retries.`
      : '',
    cat.meaning,
  ]
    .filter(Boolean)
    .join(' ');

  const explanation: Explanation = {
    code: p.code,
    enhancedStatus: p.enhancedStatus,
    class: v.class,
    category,
    findingCode,
    title: pat?.title ?? def.title,
    meaning,
    likelyCauses: [...cat.likelyCauses],
    remediation: uniqueAdvice([...(pat?.fix ?? []), def.remediation, ...cat.remediation]),
    retryable: pat?.retryable ?? v.class === 'transient',
    ...(v.provider ? { provider: v.provider } : {}),
    references: unique([
      ...(pat?.references ?? []),
      ...(enh?.references ?? []),
      basic ? RFC5321_CODES : '',
      ...(def.references ?? []),
      ...cat.references,
    ]),
    suggestedChecks: [...cat.suggestedChecks],
  };
  return { explanation, basis: v.basis };
}

/**
 * Explain an SMTP reply, multi-line reply or NDR line in the user's words. Pure and synchronous;
 * never throws on odd input (a text without codes still gets a category from its wording).
 */
export function explainReply(text: string): Explanation {
  return explainParsed(parseReply(String(text ?? '')));
}
