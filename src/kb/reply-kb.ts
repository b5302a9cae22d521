import { reportsData, type BasicCodeInfo, type EnhancedCodeInfo, type ReplyPattern } from '../reports/data/data.loader';
import type { Category, ReplyClass } from '../reports/explain/explain.types';
import { parseReply, type ParsedReply } from '../reports/explain/reply.parser';

/**
 * The one SMTP reply knowledge base (issue 13): every reply the probe receives, `/v1/explain` is
 * given, or a bounce or log quotes is classified here, so the same reply gets the same category,
 * class and finding code everywhere. The knowledge is data (src/reports/data: RFC 5321 basic
 * codes, the RFC 3463 / IANA enhanced status registry, wording and provider tables); this file is
 * the small pure decision over it, in the spirit of emailengine's `lib/delivery-error.js` and
 * Sisimai's reason modules.
 *
 * Precedence, most telling first (issue 13):
 *   1-2. the reply's words when they name the cause: first a provider's own text or code (Gmail
 *      5.7.26, Microsoft S3150, Yahoo [TSS04], KDDI's "550 : User unknown" content filter ...,
 *      provider-patterns.json), then generic wording (blocklist, spam, relay, HELO, quota, unknown
 *      user ..., reply-text-patterns.json). A provider entry goes first because it is the more
 *      specific text: the same words mean another cause at that provider;
 *   3. a specific enhanced status code (RFC 3463 + IANA registry);
 *   4. vaguer wording ("rejected", "try again later");
 *   5. a generic enhanced status code (X.7.1, X.0.0 name only a subject);
 *   6. the basic reply code (RFC 5321 §4.2.3).
 * The class (success / transient / permanent) is always the OUTER reply code's: that is what the
 * sending MTA does with it. A reply that quotes another (Postfix "450 4.1.1 ... unverified address:
 * host mx[ip] said: 550 5.1.1 ...") takes its cause from the quoted reply (`inner`).
 */

/** The SMTP command a reply answered, when known (probe stage or "(in reply to X command)"). */
export type ReplyStage = 'connect' | 'helo' | 'starttls' | 'auth' | 'mail' | 'rcpt' | 'data';

/** What decided the category, most specific first; callers holding more text may retry when weak. */
export type ReplyBasis = 'provider' | 'wording' | 'enhanced' | 'weak-wording' | 'generic-enhanced' | 'basic' | 'none';
export const BASIS_RANK: Record<ReplyBasis, number> = {
  provider: 6,
  wording: 5,
  enhanced: 4,
  'weak-wording': 3,
  'generic-enhanced': 2,
  basic: 1,
  none: 0,
};

export interface ReplyVerdict {
  code: number | null;
  enhancedStatus: string | null;
  class: ReplyClass;
  category: Category;
  findingCode: string;
  basis: ReplyBasis;
  /** The wording or provider entry that decided (its title, fixes and references). */
  pattern?: ReplyPattern;
  /** Provider or filtering service recognised from its own text (also when it did not decide). */
  provider?: string;
  basic?: BasicCodeInfo;
  enhanced?: EnhancedCodeInfo;
  stage?: ReplyStage;
  /** The reply this one quotes (a relay reporting what the next hop said): the cause. */
  inner?: { text: string; verdict: ReplyVerdict };
}

/** "RCPT TO", "end of DATA", "MAIL FROM", "initial connection" ... to a stage. */
export function stageOfCommand(command: string | undefined): ReplyStage | undefined {
  if (!command) return undefined;
  const c = command.toUpperCase();
  if (/RCPT/.test(c)) return 'rcpt';
  if (/MAIL FROM/.test(c)) return 'mail';
  if (/DATA/.test(c)) return 'data';
  if (/STARTTLS/.test(c)) return 'starttls';
  if (/AUTH/.test(c)) return 'auth';
  if (/EHLO|HELO/.test(c)) return 'helo';
  if (/CONNECT|GREETING|BANNER/.test(c)) return 'connect';
  return undefined;
}

function classOf(p: ParsedReply, fallback: ReplyClass): ReplyClass {
  // RFC 3463 §2: the enhanced class must agree with the reply code; the basic code wins if not.
  const digit = p.code !== null ? Math.floor(p.code / 100) : p.enhancedStatus ? Number(p.enhancedStatus[0]) : null;
  if (digit === 2 || digit === 3) return 'success';
  if (digit === 4) return 'transient';
  if (digit === 5) return 'permanent';
  return fallback;
}

function firstMatch(
  patterns: ReplyPattern[],
  text: string,
  strength?: 'strong' | 'weak',
  skip?: (p: ReplyPattern) => boolean,
): ReplyPattern | undefined {
  return patterns.find(
    (p) => !p.detectOnly && (strength === undefined || p.strength === strength) && !skip?.(p) && p.re.test(text),
  );
}

// A relay quoting the next hop: "... host mx.example.com[192.0.2.1] said: 550 5.1.1 ...",
// "Remote server returned '550 ...'", "... responded: 554 ...". The keyword is found by a plain
// alternation and the rest is walked by hand, so no pattern here can backtrack (regex-scan test).
const QUOTING = /\b(?:said|returned|replied|responded|answered)\b/gi;
const SKIP = new Set([' ', '\t', ':', "'", '"', '(']);
const TRAIL = new Set([' ', '\t', "'", '"', ')']);

/** The reply quoted inside `p` (after its own code), if any. */
function innerText(p: ParsedReply): string | null {
  if (p.code === null) return null;
  const text = p.message;
  for (const m of text.matchAll(QUOTING)) {
    let i = m.index + m[0].length;
    const stop = Math.min(text.length, i + 8);
    while (i < stop && SKIP.has(text[i])) i++;
    if (!/^[245]\d\d(?:[ -]|$)/.test(text.slice(i, i + 4))) continue;
    let end = Math.min(text.length, i + 2000);
    while (end > i && TRAIL.has(text[end - 1])) end--;
    return text.slice(i, end);
  }
  return null;
}

interface Decision {
  category: Category;
  findingCode: string;
  basis: ReplyBasis;
  pattern?: ReplyPattern;
}

function decide(
  hay: string,
  p: ParsedReply,
): { decision: Decision; provider?: string; enh?: EnhancedCodeInfo; basic?: BasicCodeInfo } {
  const data = reportsData();
  let provider: string | undefined;
  let providerHit: ReplyPattern | undefined;
  for (const pat of data.providerPatterns) {
    if (!pat.re.test(hay)) continue;
    provider ??= pat.provider;
    if (!pat.detectOnly) {
      providerHit = pat;
      provider = pat.provider;
      break;
    }
  }
  const enh = p.enhancedStatus ? data.enhanced.get(`X.${p.enhancedStatus.slice(2)}`) : undefined;
  // RFC 3463 §2: a detail the registry does not know (Microsoft's 5.7.124, 5.4.300 ...) still
  // names its subject; "X.<subject>.0" stands for it, as a generic code that never outranks words.
  const subject = p.enhancedStatus ? /^[245]\.(\d{1,3})\./.exec(p.enhancedStatus)?.[1] : undefined;
  const subjectOnly = !enh && subject !== undefined ? data.enhanced.get(`X.${Number(subject)}.0`) : undefined;
  const basic = p.code !== null ? data.basic.get(p.code) : undefined;
  const out = (decision: Decision) => ({ decision, provider, enh, basic });
  // 1. The provider's own text or code (Gmail 5.7.26, Microsoft S3150, Yahoo [TSS04], KDDI's
  // "550 : User unknown" filter ...): the most specific words there are, with its documentation.
  if (providerHit)
    return out({
      category: providerHit.category,
      findingCode: providerHit.findingCode,
      basis: 'provider',
      pattern: providerHit,
    });
  // 2. Generic words that name the cause (blocklist, spam, relay, HELO, quota, unknown user ...).
  const strong = firstMatch(data.textPatterns, hay, 'strong');
  if (strong)
    return out({ category: strong.category, findingCode: strong.findingCode, basis: 'wording', pattern: strong });
  if (enh?.specific) return out({ category: enh.category, findingCode: enh.findingCode, basis: 'enhanced' });
  // X.7.x is "security or policy status" (RFC 3463 §3.8): a refusal, so vague words about the
  // connection ("Service unavailable") do not make it a connection problem.
  const policyStatus = subject === '7';
  const weak = firstMatch(data.textPatterns, hay, 'weak', (w) => policyStatus && w.category === 'connection');
  if (weak)
    return out({ category: weak.category, findingCode: weak.findingCode, basis: 'weak-wording', pattern: weak });
  if (enh) return out({ category: enh.category, findingCode: enh.findingCode, basis: 'generic-enhanced' });
  if (subjectOnly)
    return out({ category: subjectOnly.category, findingCode: subjectOnly.findingCode, basis: 'generic-enhanced' });
  if (basic) return out({ category: basic.category, findingCode: basic.findingCode, basis: 'basic' });
  return out({ category: 'other', findingCode: 'SMTP_UNCLASSIFIED', basis: 'none' });
}

/**
 * The stage sharpens only what the reply itself leaves vague (RFC 5321 §3.3, §4.3.2): a refused
 * greeting refuses the whole connection; a vague refusal of MAIL FROM is about the sender; at AUTH,
 * a refusal is about the credentials or the mechanism (RFC 4954 §6).
 */
function byStage(d: Decision, stage: ReplyStage | undefined, p: ParsedReply, cls: ReplyClass): Decision {
  if (!stage || cls === 'success') return d;
  const weak = BASIS_RANK[d.basis] <= BASIS_RANK['weak-wording'];
  if (stage === 'connect' && cls === 'permanent') return { ...d, findingCode: 'SMTP_BANNER_REJECTED' };
  if (stage === 'auth') {
    if (d.category === 'tls_required') return d;
    if (
      p.code === 504 ||
      /mechanism not (supported|available)|unrecognized authentication|unsupported authentication/i.test(p.message)
    )
      return { category: 'authentication', findingCode: 'SMTP_AUTH_NOT_OFFERED', basis: d.basis };
    if (d.category !== 'authentication' && (weak || d.category === 'other' || d.category === 'policy'))
      return { category: 'authentication', findingCode: 'SMTP_AUTH_FAILED', basis: d.basis };
    return d;
  }
  if (
    stage === 'mail' &&
    weak &&
    ['policy', 'recipient_unknown', 'other', 'syntax'].includes(d.category) &&
    !/^5\.5\.|^5\.1\.7/.test(p.enhancedStatus ?? '') &&
    ![500, 501, 502, 503, 504, 555].includes(p.code ?? 0)
  )
    return { category: 'policy', findingCode: 'SMTP_SENDER_REJECTED', basis: d.basis };
  return d;
}

/** Classify one parsed reply. Pure; never throws. */
export function classifyParsedReply(p: ParsedReply, stage?: ReplyStage, depth = 0): ReplyVerdict {
  const cls = p.code !== null || p.enhancedStatus ? classOf(p, 'permanent') : null;
  const st = stage ?? stageOfCommand(p.command);
  if (cls === 'success') {
    const data = reportsData();
    const enh = p.enhancedStatus ? data.enhanced.get(`X.${p.enhancedStatus.slice(2)}`) : undefined;
    const basic = p.code !== null ? data.basic.get(p.code) : undefined;
    return {
      code: p.code,
      enhancedStatus: p.enhancedStatus,
      class: 'success',
      category: 'other',
      findingCode: 'SMTP_ACCEPTED',
      basis: enh ? 'enhanced' : 'basic',
      ...(basic ? { basic } : {}),
      ...(enh ? { enhanced: enh } : {}),
      ...(st ? { stage: st } : {}),
    };
  }
  const { decision, provider, enh, basic } = decide(p.normalized, p);
  let d = decision;
  let inner: ReplyVerdict['inner'];
  const quoted = depth === 0 ? innerText(p) : null;
  if (quoted) {
    const iv = classifyParsedReply(parseReply(quoted), st, depth + 1);
    inner = { text: quoted, verdict: iv };
    // The quoted reply names the cause; the outer code keeps the class.
    if (iv.class !== 'success' && BASIS_RANK[iv.basis] >= BASIS_RANK.enhanced)
      d = {
        category: iv.category,
        findingCode: iv.findingCode,
        basis: iv.basis,
        ...(iv.pattern ? { pattern: iv.pattern } : {}),
      };
  }
  const finalClass = cls ?? d.pattern?.defaultClass ?? reportsData().categories[d.category].defaultClass;
  d = byStage(d, st, p, finalClass);
  return {
    code: p.code,
    enhancedStatus: p.enhancedStatus,
    class: finalClass,
    category: d.category,
    findingCode: d.findingCode,
    basis: d.basis,
    ...(d.pattern ? { pattern: d.pattern } : {}),
    ...(provider ? { provider } : {}),
    ...(basic ? { basic } : {}),
    ...(enh ? { enhanced: enh } : {}),
    ...(st ? { stage: st } : {}),
    ...(inner ? { inner } : {}),
  };
}

/** Classify a reply text (one line, a multi-line reply, an NDR or DSN excerpt). */
export function classifyReplyText(text: string, stage?: ReplyStage): ReplyVerdict {
  return classifyParsedReply(parseReply(String(text ?? '')), stage);
}

/** Every finding code a reply can be classified as (the tables' codes plus the stage rules'). */
export function replyFindingCodes(): string[] {
  const data = reportsData();
  const codes = new Set<string>([
    'SMTP_UNCLASSIFIED',
    'SMTP_ACCEPTED',
    'SMTP_BANNER_REJECTED',
    'SMTP_AUTH_NOT_OFFERED',
    'SMTP_AUTH_FAILED',
    'SMTP_SENDER_REJECTED',
  ]);
  for (const b of data.basic.values()) codes.add(b.findingCode);
  for (const e of data.enhanced.values()) codes.add(e.findingCode);
  for (const p of [...data.textPatterns, ...data.providerPatterns]) codes.add(p.findingCode);
  return [...codes].sort();
}
