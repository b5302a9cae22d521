import phraseData from '../data/spam-phrases.v2.json';

/**
 * Text signals: share of capitals (subject and body), runs of "!!!" and "$$$", and weighted
 * phrases from data/spam-phrases.v2.json (versioned, weights in points; an entry is a literal
 * phrase or a regular-expression family of obfuscated spellings).
 */
export interface PhraseHit {
  phrase: string;
  weight: number;
  where: 'subject' | 'body';
}

export interface TextReport {
  subjectLetters: number;
  subjectCapsRatio: number;
  bodyLetters: number;
  bodyCapsRatio: number;
  subjectExclamationRun: boolean;
  bodyExclamationRuns: number;
  moneyRuns: number;
  phraseHits: PhraseHit[];
  phraseScore: number;
  phraseListVersion: string;
}

interface PhraseEntry {
  phrase: string;
  weight: number;
  pattern?: string;
}
const PHRASES: { entry: PhraseEntry; re: RegExp }[] = (phraseData.phrases as PhraseEntry[]).map((entry) => ({
  entry,
  re:
    entry.pattern !== undefined
      ? new RegExp(entry.pattern, 'i')
      : new RegExp(
          `(?:^|[^a-z0-9])${entry.phrase
            .toLowerCase()
            .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
            .replace(/ /g, '\\s+')}(?![a-z0-9])`,
          'i',
        ),
}));
/** The compiled phrase patterns (V8): test/security/regex-scan.test.ts proves each one linear. */
export const PHRASE_PATTERNS: readonly RegExp[] = PHRASES.map((p) => p.re);
export const PHRASE_LIST_VERSION: string = phraseData.version;
export const PHRASE_CAP: number = phraseData.cap;

function caps(s: string): { letters: number; ratio: number } {
  let upper = 0;
  let letters = 0;
  for (const ch of s) {
    const lower = ch.toLowerCase();
    const up = ch.toUpperCase();
    if (lower === up) continue; // not a cased letter
    letters++;
    if (ch === up) upper++;
  }
  return { letters, ratio: letters ? upper / letters : 0 };
}

/** Body text is capped before analysis; signals saturate long before 200k characters. */
const MAX_BODY = 200_000;

export function analyzeText(subject: string, body: string): TextReport {
  const b = body.length > MAX_BODY ? body.slice(0, MAX_BODY) : body;
  const sc = caps(subject);
  const bc = caps(b);
  const hits: PhraseHit[] = [];
  for (const { entry, re } of PHRASES) {
    if (re.test(subject)) hits.push({ phrase: entry.phrase, weight: entry.weight, where: 'subject' });
    else if (re.test(b)) hits.push({ phrase: entry.phrase, weight: entry.weight, where: 'body' });
  }
  const score = Math.min(
    PHRASE_CAP,
    hits.reduce((a, h) => a + h.weight, 0),
  );
  return {
    subjectLetters: sc.letters,
    subjectCapsRatio: sc.ratio,
    bodyLetters: bc.letters,
    bodyCapsRatio: bc.ratio,
    subjectExclamationRun: /!{3,}/.test(subject),
    bodyExclamationRuns: (b.match(/!{3,}/g) ?? []).length,
    moneyRuns: ((subject + ' ' + b).match(/\${3,}/g) ?? []).length,
    phraseHits: hits,
    phraseScore: Math.round(score * 100) / 100,
    phraseListVersion: PHRASE_LIST_VERSION,
  };
}

/** Word-set similarity (Jaccard) of two texts, for "text part very different from the HTML". */
export function textSimilarity(a: string, b: string): { similarity: number; wordsA: number; wordsB: number } {
  const words = (s: string) =>
    new Set(
      (
        s
          .toLowerCase()
          .slice(0, MAX_BODY)
          .match(/[\p{L}\p{N}]{3,}/gu) ?? []
      ).slice(0, 20_000),
    );
  const A = words(a);
  const B = words(b);
  let inter = 0;
  for (const w of A) if (B.has(w)) inter++;
  const union = A.size + B.size - inter;
  return { similarity: union ? inter / union : 1, wordsA: A.size, wordsB: B.size };
}
