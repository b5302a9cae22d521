import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyReply } from '../../src/probe/classify';
import { buildReply } from '../../src/probe/smtp-reply';
import { explainReply } from '../../src/reports/explain/explain.engine';
import publicReplies from '../fixtures/replies/public-replies.json';
import sisimaiReplies from '../fixtures/probe/sisimai-replies.json';

/**
 * Issue 13: a reply the probe receives and the same reply pasted into /v1/explain get the same
 * finding code, category and class. Both call the one knowledge base (src/kb/reply-kb.ts), so this
 * holds by construction; the test keeps it so, over every reply corpus in the repository:
 *   - the probe's Sisimai replies (test/fixtures/probe/sisimai-replies.json);
 *   - every SMTP reply quoted in a Diagnostic-Code of the Sisimai bounce corpus (test/fixtures/sisimai);
 *   - the labelled public replies (test/fixtures/replies, SOURCES.md there) that carry a reply code
 *     (the probe only ever receives those; documented texts without one are checked in
 *     public-replies.test.ts).
 */
function diagnosticReplies(): { source: string; lines: string[] }[] {
  const dir = join(__dirname, '..', 'fixtures', 'sisimai', 'maildir-bsd');
  const out: { source: string; lines: string[] }[] = [];
  for (const file of readdirSync(dir).sort()) {
    const text = readFileSync(join(dir, file), 'latin1').replace(/\r\n?/g, '\n');
    for (const m of text.matchAll(/^Diagnostic-Code:[ \t]*(?:smtp|x-postfix)?;?[ \t]*([^\n]*(?:\n[ \t]+[^\n]*)*)/gim)) {
      const line = m[1].replace(/\n[ \t]+/g, ' ').trim();
      if (/^[2-5]\d\d(?:[ -]|$)/.test(line)) out.push({ source: file, lines: [line] });
    }
  }
  return out;
}

const corpora: [string, { source: string; lines: string[] }[]][] = [
  ['probe Sisimai replies', (sisimaiReplies as { source: string; lines: string[] }[]).map((r) => r)],
  ['Sisimai Diagnostic-Code replies', diagnosticReplies()],
  [
    'public replies with a reply code',
    (publicReplies as { source: string; ref: string; reply: string }[])
      .filter((r) => /^[2-5]\d\d(?:[ -]|$)/.test(r.reply))
      .map((r) => ({ source: `${r.source} ${r.ref}`, lines: r.reply.split('\n') })),
  ],
];

describe('the probe and /v1/explain agree on every reply', () => {
  for (const [name, rows] of corpora) {
    it(`${name} (${rows.length} replies)`, () => {
      expect(rows.length).toBeGreaterThan(10);
      const disagreements: string[] = [];
      let compared = 0;
      for (const row of rows) {
        const reply = buildReply(row.lines);
        if (!reply) continue;
        compared++;
        const probe = classifyReply('rcpt', reply);
        const explained = explainReply(row.lines.join('\n'));
        const p = probe
          ? { code: probe.code, category: probe.category, class: probe.class }
          : { code: 'SMTP_ACCEPTED', category: 'other', class: 'success' };
        const e = { code: explained.findingCode, category: explained.category, class: explained.class };
        if (JSON.stringify(p) !== JSON.stringify(e))
          disagreements.push(`${row.source}: probe ${JSON.stringify(p)} explain ${JSON.stringify(e)}`);
      }
      expect(compared).toBeGreaterThan(rows.length * 0.8);
      expect(disagreements).toEqual([]);
    });
  }
});
