import { saMessage } from '../spamassassin/sa-message';
import { runRuleSet, shippedRuleSet, type SaHit } from '../spamassassin/sa-rules';
import { welcomelistState, type WelcomelistState } from '../spamassassin/welcomelist';
import type { ContentRule } from './rule.types';

/**
 * SpamAssassin's own regular-expression and meta rules, with the scores it ships (score set 0),
 * run by src/content-spam-check/spamassassin (what runs and what does not is listed there). One
 * finding carries every rule that fired, by SpamAssassin's name, so a reader can look each up.
 */
export const SPAMASSASSIN_RULES: ContentRule[] = [
  {
    code: 'SPAMASSASSIN_RULES',
    area: 'text',
    points: 0,
    severity: 'warning',
    title: "SpamAssassin's shipped rules match (its rule names and scores)",
    remediation:
      'Look up each named rule (the description says what it matched) and remove what it describes; the points are those SpamAssassin 4.0 gives without Bayes or network tests.',
    references: ['https://spamassassin.apache.org/full/4.0.x/doc/Mail_SpamAssassin_Conf.html'],
    test: (f) => {
      const msg = saMessage(f);
      const prefs = f.filterPrefs;
      const { hits, score } = runRuleSet(shippedRuleSet(), msg, prefs ? { prefs } : {});
      const wl = prefs ? welcomelistState(msg, prefs) : undefined;
      const forged = wl !== undefined && (wl.welcomelist < 0 || wl.defaultWelcomelist < 0);
      if ((hits.length === 0 || score === 0) && !forged) return null;
      // The welcome-list rules (-100, -15) sort last; name them first so the detail shows them.
      const listed = (h: SaHit) => h.name.startsWith('USER_IN_');
      const shown = [...hits.filter(listed), ...hits.filter((h) => !listed(h))];
      return {
        detail: `${hits.length} SpamAssassin rule(s), ${score} points: ${shown
          .slice(0, 8)
          .map((h) => `${h.name} (${h.score})`)
          .join(', ')}${hits.length > 8 ? ', ...' : ''}.${wl ? welcomelistNote(wl) : ''}`,
        points: score,
        evidence: { rules: hits, ...(wl ? { welcomelist: wl } : {}) },
      };
    },
  },
];

/** What the recipient's lists made of the message: a block-listed sender, or why no list welcomed it. */
function welcomelistNote(wl: WelcomelistState): string {
  const who = wl.addresses.slice(0, 5).join(', ') || 'no From-side address';
  if (wl.blocklist)
    return ` A sender address (${who}) is on the recipient's blocklist_from: USER_IN_BLOCKLIST adds 100 points.`;
  if (wl.welcomelist > 0 || wl.defaultWelcomelist > 0) return '';
  if (wl.welcomelist < 0 || wl.defaultWelcomelist < 0)
    return ` The recipient's ${wl.welcomelist < 0 ? 'welcomelist_from_rcvd' : 'def_welcomelist_from_rcvd'} has an entry for ${who}, but with another relay than the one that handed the message in (${wl.relay ?? 'none'}): SpamAssassin reads that as a possible forgery and gives no welcome-list points.`;
  return ` None of ${who} is on the recipient's welcome lists.`;
}

/**
 * Our rules that measure what one of SpamAssassin's rules measures (most name it in their title).
 * When both fire, the sign counts once, at SpamAssassin's score: ours then scores 0 and says so.
 * SPAM_PHRASES (our phrase list) stands beside SpamAssassin's body rules, which read the words.
 */
const SAME_SIGN: Record<string, (hit: SaHit) => boolean> = {
  DATE_MISSING: (h) => h.name === 'MISSING_DATE',
  MESSAGE_ID_MISSING: (h) => h.name === 'MISSING_MID',
  SUBJECT_MISSING: (h) => h.name === 'MISSING_SUBJECT',
  FROM_MISSING: (h) => h.name === 'MISSING_FROM',
  DATE_INVALID: (h) => h.name === 'INVALID_DATE',
  DATE_NO_TIMEZONE: (h) => h.name === 'INVALID_DATE',
  DATE_IN_FUTURE: (h) => h.name.startsWith('DATE_IN_FUTURE_'),
  MUA_FORGED_OUTLOOK: (h) => h.name === 'FORGED_MUA_OUTLOOK',
  MSGID_RATWARE: (h) => h.name.startsWith('MSGID_'),
  HTML_WORD_OBFUSCATION: (h) => h.name.startsWith('HTML_OBFUSCATE_'),
  TEXT_8BIT_UNDECLARED: (h) => h.name === 'CTE_8BIT_MISMATCH',
  RCVD_NO_RDNS: (h) => h.name === 'RDNS_NONE',
  RCVD_DYNAMIC_HELO: (h) => h.name.startsWith('HELO_DYNAMIC_') || h.name === 'RDNS_DYNAMIC',
  RCVD_NUMERIC_HELO: (h) => h.name === 'RCVD_NUMERIC_HELO',
  RCVD_FORGED_HELO: (h) => h.name.includes('FAKE_HELO'),
  RECIPIENTS_SIMILAR: (h) => h.name === 'SUSPICIOUS_RECIPS',
  SUBJECT_ALL_CAPS: (h) => h.name === 'SUBJ_ALL_CAPS',
  SUBJECT_FAKE_REPLY: (h) => h.name.startsWith('FAKE_REPLY_'),
  SPAM_PHRASES: (h) => h.type === 'body' && h.score > 0,
};

interface Hit {
  rule: { code: string; points: number };
  hit: { detail: string; points?: number; evidence?: unknown };
}

/** Count each sign once (see SAME_SIGN); `hits` are the fired rules of one message, changed in place. */
export function countOnceWithSpamAssassin(hits: Hit[]): void {
  const sa = hits.find((h) => h.rule.code === 'SPAMASSASSIN_RULES');
  const saHits = (sa?.hit.evidence as { rules?: SaHit[] } | undefined)?.rules ?? [];
  if (saHits.length === 0) return;
  for (const h of hits) {
    const same = SAME_SIGN[h.rule.code];
    if (!same) continue;
    const names = saHits.filter(same).map((x) => x.name);
    if (names.length === 0) continue;
    h.hit = {
      ...h.hit,
      points: 0,
      detail: `${h.hit.detail} Counted once, in SPAMASSASSIN_RULES (${names.slice(0, 4).join(', ')}).`,
    };
  }
}
