import { describe, expect, it } from 'vitest';
import { classifyReplyText } from '../../src/kb/reply-kb';
import { explainReply } from '../../src/reports/explain/explain.engine';
import corpus from '../fixtures/replies/public-replies.json';

/**
 * Issue 13: replies servers really sent (Postfix's own test outputs, Postfix log lines, replies
 * captured from a real Postfix) or that providers and RFCs document as theirs (Microsoft's
 * Exchange Online NDR table, Gmail's SMTP error reference, RFC 3207/4954/5321), each labelled
 * with the category, class and finding code a person reading it would give. Provenance and
 * licences: test/fixtures/replies/SOURCES.md. The probe/explain agreement over the same replies
 * is in agreement.test.ts.
 */
interface Case {
  source: string;
  ref: string;
  reply: string;
  answered?: string;
  expect: { category: string; class: string; findingCode: string };
}
const cases = corpus as Case[];

describe('public reply corpus (test/fixtures/replies)', () => {
  it('has labelled replies from each source, the cases issue 13 names among them', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    const replies = cases.map((c) => c.reply);
    // A blocklist named (Spamhaus, Barracuda, Microsoft's S3150 network block list).
    expect(replies.some((r) => /spamhaus/i.test(r))).toBe(true);
    expect(replies.some((r) => /barracuda/i.test(r))).toBe(true);
    expect(replies.some((r) => /S3150/.test(r))).toBe(true);
    // Relay refused, a HELO-sequence complaint, and Postfix's 450 around the next hop's 550.
    expect(replies.some((r) => /relay access denied/i.test(r))).toBe(true);
    expect(replies.some((r) => /send HELO\/EHLO first/.test(r))).toBe(true);
    expect(replies.some((r) => /^450 .* said: 550 /.test(r))).toBe(true);
  });

  it('the knowledge base gives every reply its labelled category, class and finding code', () => {
    const wrong: string[] = [];
    for (const c of cases) {
      const v = classifyReplyText(c.reply);
      const got = { category: v.category, class: v.class, findingCode: v.findingCode };
      if (JSON.stringify(got) !== JSON.stringify(c.expect))
        wrong.push(`${c.source} ${c.ref}: "${c.reply.slice(0, 90)}" got ${JSON.stringify(got)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('/v1/explain says the same and lists each fix once', () => {
    for (const c of cases) {
      const e = explainReply(c.reply);
      expect({ category: e.category, class: e.class, findingCode: e.findingCode }, c.reply).toEqual(c.expect);
      expect(new Set(e.remediation).size, c.reply).toBe(e.remediation.length);
    }
  });

  it("a relay's outer 450 keeps the retry class while the next hop's 550 names the cause", () => {
    const c = cases.find((x) => /^450 .* said: 550 /.test(x.reply))!;
    const v = classifyReplyText(c.reply);
    expect(v.class).toBe('transient');
    expect(v.inner?.verdict.class).toBe('permanent');
    expect(v.findingCode).toBe(v.inner?.verdict.findingCode);
  });
});
