import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTENT_SETTINGS } from '../../src/content-spam-check/content.config';
import { analyzeContent } from '../../src/content-spam-check/content.engine';
import { receivedFor } from '../../src/content-spam-check/spamassassin/welcomelist';
import { classifyReply } from '../../src/probe/classify';
import { parseProbeSettings } from '../../src/probe/probe.settings';
import { bannerHostname, buildReply, parseEhlo } from '../../src/probe/smtp-reply';
import { analyzeBounce } from '../../src/reports/bounces/bounce.engine';
import { explainReply } from '../../src/reports/explain/explain.engine';
import { LogAnalyzer } from '../../src/reports/logs/log.engine';

/**
 * The analysers that read a stranger's text must take time linear in its size whatever the text
 * is (ReDoS: a backtracking pattern over a long run of one character is quadratic or cubic).
 * Each analyser gets the worst inputs we know (long runs of newlines, spaces, tabs and of the
 * delimiters its patterns look for) at 1, 4 and 16 KB per line, and two things are compared,
 * never a wall-clock figure (the machine is shared and loaded):
 *   - the hostile input against a plain input of the same size, measured in the same run;
 *   - the growth of the hostile time from 4 KB to 16 KB (4x for linear work, 16x or 64x for
 *     quadratic or cubic).
 * Sizes go up in order and each ratio is asserted as soon as it is measured, so a super-linear
 * analyser fails at the first size instead of running for minutes at 16 KB.
 */

const SIZES = [1024, 4 * 1024, 16 * 1024];
/** Hostile over plain, same size: linear work on a worse-case character mix stays well below. */
const MAX_HOSTILE_OVER_PLAIN = 25;
/** 4 KB -> 16 KB is 4x more input (16x if quadratic); allow 3x slack for noise and GC. */
const MAX_GROWTH_4K_TO_16K = 4 * 3;

/**
 * Per-call times of two runs, measured alternately (so a burst of load on this shared machine hits
 * both) and reduced to the minimum of each (the run least disturbed). A run that takes 200 ms or
 * more is measured once: repeating a super-linear case only costs time.
 */
async function timesOf(a: () => unknown, b: () => unknown): Promise<[number, number]> {
  const once = async (run: () => unknown): Promise<number> => {
    const t0 = performance.now();
    await run();
    return performance.now() - t0;
  };
  let [ta, tb] = [await once(a), await once(b)]; // also warms up
  if (ta >= 200 || tb >= 200) {
    // Slow: a super-linear case stays slow, a GC pause or a burst of load does not; take the
    // least disturbed of up to three runs.
    for (let i = 0; i < 2 && (ta >= 200 || tb >= 200); i++) {
      ta = Math.min(ta, await once(a));
      tb = Math.min(tb, await once(b));
    }
    return [Math.max(ta, 0.001), Math.max(tb, 0.001)];
  }
  let spent = 0;
  for (let i = 0; i < 40 && (i < 7 || spent < 150); i++) {
    const x = await once(a);
    const y = await once(b);
    spent += x + y;
    ta = Math.min(ta, x);
    tb = Math.min(tb, y);
  }
  return [Math.max(ta, 0.001), Math.max(tb, 0.001)];
}

/**
 * A ratio over its limit is measured again (up to three times in all) before it is believed: noise
 * on a loaded machine does not repeat, super-linear growth does. Returns the pair with the lowest ratio.
 */
async function confirmed(limit: number, measure: () => Promise<[number, number]>): Promise<[number, number]> {
  let best = await measure();
  for (let i = 0; i < 2 && best[1] / best[0] >= limit; i++) {
    const next = await measure();
    if (next[1] / next[0] < best[1] / best[0]) best = next;
  }
  return best;
}

/** Plain words of the same size, with the punctuation of a normal line ("said: ..."). */
function plain(size: number): string {
  const words = 'the quick brown fox jumps over a lazy dog, and the server said: mail flows to its destination. ';
  return words.repeat(Math.ceil(size / words.length)).slice(0, size);
}

function run(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** The delimiters the text patterns look for, each repeated to fill a line. */
const DELIMITERS = [
  '\n',
  ' ',
  '\t',
  ' \n',
  '<',
  '(in reply to ',
  'received: from ',
  ':',
  '=',
  'relay=[',
  'a@',
  '550-',
  'H=(',
  '-',
  '.',
];

interface Analyser {
  name: string;
  /** Process one "line" (or body) of the given text; may be async. */
  analyse: (text: string) => unknown;
  hostile: string[];
}

/** One line per MTA format, the text placed where each parser's patterns look (it is said once per line). */
const LINE_BUILDERS: Record<string, (s: string) => string> = {
  postfixDeferred: (s) =>
    `Jan  1 00:00:00 mx postfix/smtp[123]: 4ABCDEF123: to=<u@example.com>, relay=mx.example.com[192.0.2.1]:25, dsn=4.0.0, status=deferred (${s})`,
  postfixRelay: (s) =>
    `Jan  1 00:00:00 mx postfix/smtp[123]: 4ABCDEF123: to=<u@example.com>, relay=${s}, status=bounced (550 5.1.1 no)`,
  postfixReject: (s) =>
    `Jan  1 00:00:00 mx postfix/smtpd[123]: NOQUEUE: reject: RCPT from ${s}[192.0.2.1]: 554 5.7.1 ${s}; from=<a@b> to=<u@example.com>`,
  sendmail: (s) => `Jan  1 00:00:00 mx sendmail[123]: x01AbCdEf012345: ruleset=check_rcpt, ${s}`,
  sendmailStat: (s) =>
    `Jan  1 00:00:00 mx sendmail[123]: x01AbCdEf012345: to=<u@example.com>, relay=${s}, stat=Deferred: ${s}`,
  exim: (s) => `2024-01-01 00:00:00 1abcde-123456-AB ** u@example.com H=${s}`,
  eximReject: (s) => `2024-01-01 00:00:00 H=${s} rejected RCPT <${s}: ${s}`,
};

const PROBE_MAX_REPLY_LINES = parseProbeSettings({}, {}).maxReplyLines;

const ANALYSERS: Analyser[] = [
  {
    name: 'bounce engine (text bounce)',
    analyse: (s) =>
      analyzeBounce(
        `From: MAILER-DAEMON@example.net\nTo: sender@example.com\nSubject: Undelivered Mail Returned to Sender\n\n${s}\n`,
      ),
    hostile: DELIMITERS,
  },
  {
    name: 'bounce engine (DSN diagnostic)',
    analyse: (s) =>
      analyzeBounce(
        'From: MAILER-DAEMON@example.net\nSubject: Delivery Status Notification\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n' +
          `--b\nContent-Type: text/plain\n\n${s}\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; u@example.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 ${s}\n--b--\n`,
      ),
    hostile: DELIMITERS,
  },
  {
    name: 'log engine',
    analyse: (s) => {
      const a = new LogAnalyzer();
      for (const build of Object.values(LINE_BUILDERS)) a.line(build(s));
      a.line(s);
      return a.result();
    },
    hostile: DELIMITERS,
  },
  { name: 'explain', analyse: (s) => explainReply(`550 5.1.1 ${s}`), hostile: DELIMITERS },
  {
    name: 'content engine',
    analyse: (s) =>
      analyzeContent(
        Buffer.from(
          `From: a@example.com\r\nTo: b@example.org\r\nSubject: ${s.replace(/\n/g, ' ')}\r\nReceived: from ${s.replace(/\n/g, ' ')}\r\nMessage-ID: <x@example.com>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nContent-Type: text/html\r\n\r\n<p>${s}</p>\r\n${s}\r\n`,
        ),
        { settings: DEFAULT_CONTENT_SETTINGS },
      ),
    hostile: [...DELIMITERS, '<a', '<!--', 'a<!--', '<!--<', '<!--a-->', '(', '>', 'v1', '$', '!important '],
  },
  {
    // SpamAssassin's all_to_addrs reads the recipient of a Received "for" clause; its Perl pattern
    // is quadratic on a run of "@" (welcomelist.ts reads it without one).
    name: 'Received "for" recipient (To-side lists)',
    analyse: (s) => [receivedFor(` for ${s}`), receivedFor(` for <${s}`), receivedFor(s)],
    hostile: [...DELIMITERS, '@', ' for @', ' for <@', 'a@b', '@>', ';@'],
  },
  {
    name: 'probe reply classifier',
    analyse: (s) => {
      // The SMTP client refuses a reply of more lines than its bound (PROBE_MAX_REPLY_LINES, at
      // most 10,000), so the classifier never sees more; lines themselves may be long.
      const lines = s
        .split('\n')
        .slice(0, PROBE_MAX_REPLY_LINES)
        .map((l, i, all) => `550${i === all.length - 1 ? ' ' : '-'}5.7.1 ${l}`);
      const reply = buildReply(lines);
      if (!reply) throw new Error('reply not built');
      for (const stage of ['banner', 'ehlo', 'mail', 'rcpt'] as const) classifyReply(stage, reply);
      parseEhlo(reply);
      bannerHostname(reply);
      return reply;
    },
    hostile: DELIMITERS,
  },
];

describe('worst inputs take time linear in their size', () => {
  for (const a of ANALYSERS) {
    describe(a.name, () => {
      for (const unit of a.hostile) {
        it(`a run of ${JSON.stringify(unit)}`, async () => {
          for (const size of SIZES) {
            const [p, h] = await confirmed(MAX_HOSTILE_OVER_PLAIN, () =>
              timesOf(
                () => a.analyse(plain(size)),
                () => a.analyse(run(unit, size)),
              ),
            );
            expect(
              h / p,
              `${a.name}, ${size} bytes of ${JSON.stringify(unit)}: hostile ${h.toFixed(2)} ms vs plain ${p.toFixed(2)} ms`,
            ).toBeLessThan(MAX_HOSTILE_OVER_PLAIN);
          }
          const [t4, t16] = await confirmed(MAX_GROWTH_4K_TO_16K, () =>
            timesOf(
              () => a.analyse(run(unit, SIZES[1])),
              () => a.analyse(run(unit, SIZES[2])),
            ),
          );
          expect(
            t16 / t4,
            `${a.name}, ${JSON.stringify(unit)}: ${t4.toFixed(2)} ms at 4 KB, ${t16.toFixed(2)} ms at 16 KB`,
          ).toBeLessThan(MAX_GROWTH_4K_TO_16K);
        });
      }
    });
  }
});
