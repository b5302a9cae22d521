import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWelcomelistPrefs } from '../../src/content-spam-check/spamassassin/welcomelist-prefs';
import { analyze, SA_FIXTURES, saRuleNames, welcomelistFromTPrefs } from './helpers';

/**
 * SpamAssassin's own labelled test messages (Apache-2.0, see test/fixtures/spamassassin/LICENSE):
 * label = folder. A tiny, 2000s-era corpus: good for regression, not for measuring accuracy.
 *
 * History: 23/36 = 63.9% (spam 6/19, ham 0/17 flagged) with the first rule set; 34/36 = 94.4%
 * (spam 17/19, ham 0/17 flagged) after the header-forgery, Received-chain, recipient, HTML
 * obfuscation rules and phrase list v2. None of those rules names a corpus file, Message-ID or
 * hash; several thresholds and the MLM phrases of list v2 were, however, chosen after reading these
 * messages, so 94.4% is a training-set figure, not a measure of accuracy on unseen mail.
 *
 * Misses we accept:
 * - spam/012.eml: a SpamAssassin whitelist_from_rcvd fixture. Its only "forgery" is a relay named
 *   mail1.paypal.com on an IP that is not PayPal's, which needs DNS or a trust list to see; its
 *   headers are byte-for-byte those of ham/008-015 (same Message-ID, Date, relays), so any header
 *   rule that caught it would flag that ham too.
 * - spam/013.eml: the same fixture with a From display name that shows another address
 *   ("baz@example.com" <info@paypal.com>). FROM_DISPLAY_NAME_SPOOF fires (2 points) but there is no
 *   other spam content; scoring a lone display-name trick as spam would be a guess.
 * Tight catches (within 0.5 points of the 5.0 threshold): spam/005 (5.2) and spam/016 (5.0);
 * spam/015-017 are caught on their Received chain (numeric HELO on a bare-IP relay, no rDNS, DHCP
 * HELO) and ratware Message-ID, as SpamAssassin catches them, not on their (obfuscated) text;
 * spam/017 has no body at all.
 * With SpamAssassin's shipped rules running inside the engine (src/content-spam-check/spamassassin):
 * 35/36 = 97.2% (spam 18/19, ham 0/17 flagged); spam/013 is now caught (FROM_PAYPAL_SPOOF and
 * KHOP_HELO_FCRDNS, as spamd catches it); spam/012 is still missed. Tight: ham/002 (4.9),
 * ham/003 and ham/006 (4.8) stay under 5.0.
 * Then 34/36 = 94.4% (spam 18/19, ham 1/17 flagged) once the 112 shipped rules an unsound literal
 * prefilter had silenced ran: ham/011 scores 5.9 on SpamAssassin's MSGID_RANDY and date rules, and a
 * real spamd flags it (and ham/008-015) too; ham/008-010 sit at 4.9.
 * Why ham/011 stays flagged with the shipped rules alone: it is SpamAssassin's t/data/nice/011, "nice" only under the test-local
 * setting of t/welcomelist_from.t (`def_welcomelist_from_rcvd *@paypal.com paypal.com`, which makes
 * USER_IN_DEF_WELCOMELIST -15 fire); no shipped rule file has that entry. With the shipped rules it
 * scores MSGID_RANDY 2.196 + INVALID_DATE 1.701 + KHOP_HELO_FCRDNS 1.0 + FROM_PAYPAL_SPOOF 1.0 = 5.9
 * here, and those four plus DATE_IN_PAST_03_06 (2.4, an eval we do not run) = 8.3 in spamd. Each
 * rule is SpamAssassin's, at its set-0 score, and no rule of ours adds to it; unflagging it would
 * take a welcome-list entry for this one sender, or dropping a shipped rule, which we do not do
 * in the rule set (a recipient's entry, given as prefs, does it: second matrix below).
 * The fixes that made our SpamAssassin hits a subset of spamd's (nice rules unscored score -1,
 * fetchmail handovers restart the relay parse, exists: on pseudo-headers, 10_hasbase.cf) moved ham/002
 * 4.9 -> -1.5, ham/001 2.7 -> 0.7 and ham/005 1.3 -> 0.3; the matrix is unchanged.
 * The floors keep the measured figures: accuracy, and no ham flagged but ham/011.
 * Welcome lists (issue 13): the engine now runs USER_IN_WELCOMELIST and USER_IN_DEF_WELCOMELIST from
 * a recipient's prefs (input `filterPrefs`). Without prefs nothing changed: the first matrix is still
 * spam 18/19 caught, ham 1/17 flagged (ham/011), 94.4%. The second matrix runs the whole sample
 * under t/welcomelist_from.t's prefs, the setting under which SpamAssassin labels its welcome-list
 * fixtures (ham/008-015, spam/012-013): spam 18/19 caught, ham 0/17 flagged; of the fixtures, ham 0/8 flagged (ham/011 -9.1 with USER_IN_DEF_WELCOMELIST,
 * ham/008-010 -95.1 with USER_IN_WELCOMELIST, ham/012 -10.1; ham/013-015 stay at 4.9, not
 * welcomed, as in SpamAssassin), spam 1/2 caught (spam/012 still missed at 4.9; spam/013 7.9). The
 * spamassassin CLI with the same prefs scores these ham 2.4 higher each (-92.7, -6.7, -7.7, 7.3):
 * DATE_IN_PAST_03_06, an eval we do not run; which welcome-list rules fire is the same
 * (spamd.test.ts checks it against a real spamd).
 */
const ACCURACY_FLOOR = 0.94;

/** A 2x2 confusion matrix as printed lines (rows: truth, columns: our verdict). */
function matrixLines(title: string, m: { tp: number; fn: number; fp: number; tn: number }): string[] {
  return [
    `${title} (rows: truth, columns: our verdict)`,
    `            spam   ham`,
    `  spam  ${String(m.tp).padStart(6)} ${String(m.fn).padStart(5)}`,
    `  ham   ${String(m.fp).padStart(6)} ${String(m.tn).padStart(5)}`,
  ];
}

function load(label: 'spam' | 'ham') {
  const dir = join(SA_FIXTURES, label);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => ({ name: `${label}/${f}`, label, raw: readFileSync(join(dir, f)) }));
}

describe('SpamAssassin spam/ham corpus', () => {
  it('prints the confusion matrix and stays above the accuracy floor', async () => {
    const corpus = [...load('spam'), ...load('ham')];
    const m = { tp: 0, fn: 0, fp: 0, tn: 0 };
    const rows: string[] = [];
    const flaggedHam: string[] = [];
    for (const msg of corpus) {
      const { result } = await analyze(msg.raw);
      const spam = result.isSpam;
      if (msg.label === 'spam') {
        if (spam) m.tp++;
        else m.fn++;
      } else if (spam) {
        m.fp++;
        flaggedHam.push(msg.name);
      } else m.tn++;
      rows.push(
        `${msg.name.padEnd(20)} ${msg.label.padEnd(5)} ${String(result.score).padStart(7)} ${spam ? 'SPAM' : 'ham '} ${result.rules.map((r) => `${r.code}=${r.points}`).join(' ')}`,
      );
    }
    const accuracy = (m.tp + m.tn) / corpus.length;
    console.log(
      [
        ...rows,
        '',
        ...matrixLines('confusion matrix', m),
        `accuracy ${(accuracy * 100).toFixed(1)}% on ${corpus.length} messages`,
      ].join('\n'),
    );
    expect(accuracy).toBeGreaterThanOrEqual(ACCURACY_FLOOR);
    expect(flaggedHam).toEqual(['ham/011.eml']);
  });

  /**
   * SpamAssassin's welcome-list fixtures (t/data/nice/008-015 and t/data/spam/012-013 are our
   * ham/008-015 and spam/012-013) are labelled under the prefs of t/welcomelist_from.t, which
   * welcome-lists five of the ham senders (USER_IN_WELCOMELIST -100, USER_IN_DEF_WELCOMELIST -15)
   * and not the other three nor the two forged spam. Here the whole sample runs under those prefs
   * (input `filterPrefs`), as SpamAssassin's test runs the fixtures; the prefs name no sender of
   * the other 26 messages, so this is the whole sample's matrix under the setting that labels it.
   */
  it('prints the matrix of the whole sample under the prefs of t/welcomelist_from.t', async () => {
    const { prefs, errors } = parseWelcomelistPrefs(welcomelistFromTPrefs());
    expect(errors).toEqual([]);
    const names = [...load('spam'), ...load('ham')].map((m) => m.name);
    const m = { tp: 0, fn: 0, fp: 0, tn: 0 };
    const rows: string[] = [];
    const flaggedHam: string[] = [];
    const missedSpam: string[] = [];
    for (const name of names) {
      const label = name.startsWith('spam/') ? 'spam' : 'ham';
      const { result, findings } = await analyze(readFileSync(join(SA_FIXTURES, name)), {}, undefined, {
        filterPrefs: prefs,
      });
      const spam = result.isSpam;
      if (label === 'spam') {
        if (spam) m.tp++;
        else {
          m.fn++;
          missedSpam.push(name);
        }
      } else if (spam) {
        m.fp++;
        flaggedHam.push(name);
      } else m.tn++;
      const listed = saRuleNames(findings).filter((n) => n.startsWith('USER_IN_'));
      rows.push(
        `${name.padEnd(20)} ${label.padEnd(5)} ${String(result.score).padStart(7)} ${spam ? 'SPAM' : 'ham '} ${listed.join(' ')}`,
      );
    }
    console.log([...rows, '', ...matrixLines('the sample under the prefs of t/welcomelist_from.t', m)].join('\n'));
    expect(flaggedHam).toEqual([]);
    expect(missedSpam).toEqual(['spam/012.eml']);
  });

  it('scores GTUBE as spam and the not-GTUBE ham as ham', async () => {
    const gtube = await analyze(readFileSync(join(SA_FIXTURES, 'spam', 'gtube.eml')));
    expect(gtube.result.isSpam).toBe(true);
    expect(gtube.result.rules[0]?.code).toBe('GTUBE');
    expect(gtube.verdict).toBe('fail');
    const sample = await analyze(readFileSync(join(SA_FIXTURES, 'sample-spam.txt')));
    expect(sample.result.isSpam).toBe(true);
    const notGtube = await analyze(readFileSync(join(SA_FIXTURES, 'ham', 'not_gtube.eml')));
    expect(notGtube.result.rules.map((r) => r.code)).not.toContain('GTUBE');
    expect(notGtube.result.isSpam).toBe(false);
  });
});
