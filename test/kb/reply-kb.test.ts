import { describe, expect, it } from 'vitest';
import { classifyReplyText } from '../../src/kb/reply-kb';
import { explainReply } from '../../src/reports/explain/explain.engine';

/** The knowledge base on the cases issue 13 names (real reply shapes: Postfix, Exim, Gmail). */
describe('one reply knowledge base', () => {
  it.each([
    // A blocklist named in a 421 is a listing, not a connection problem.
    ['421 4.7.0 Your IP is on our blocklist, see https://example.net/bl', 'blocklisted', 'DNSBL_LISTED'],
    // "identified as spam" is about the content, not a listing.
    ['550 5.7.1 Message identified as spam', 'spam_content', 'SMTP_SPAM_REJECTED'],
    // A refused open relay is relaying, not generic policy.
    ['554 5.7.1 <a@example.net>: we are not an open relay', 'relay_denied', 'SMTP_RELAY_DENIED'],
    // A HELO-sequence complaint is a sequence (syntax) error, not unclassified.
    ['503 5.5.1 Error: send HELO/EHLO first', 'syntax', 'SMTP_SYNTAX_ERROR'],
    ['503 5.5.0 Polite people say HELO first', 'syntax', 'SMTP_SYNTAX_ERROR'],
  ])('%s -> %s', (text, category, code) => {
    expect(classifyReplyText(text)).toMatchObject({ category, findingCode: code });
  });

  it('classes a wrapped reply by the OUTER code and reports the inner reply as the cause', () => {
    const text =
      '450 4.1.1 <a@example.com>: Recipient address rejected: unverified address: host mx.example.com[192.0.2.1] said: 550 5.1.1 <a@example.com>: Recipient address rejected: User unknown in local recipient table (in reply to RCPT TO command)';
    const v = classifyReplyText(text);
    expect(v).toMatchObject({ code: 450, class: 'transient', category: 'recipient_unknown' });
    expect(v.inner?.verdict).toMatchObject({ code: 550, class: 'permanent', findingCode: 'SMTP_RECIPIENT_UNKNOWN' });
    const e = explainReply(text);
    expect(e).toMatchObject({ code: 450, class: 'transient', retryable: true, findingCode: 'SMTP_RECIPIENT_UNKNOWN' });
    expect(e.meaning).toContain('550 5.1.1');
  });

  it('keeps the quoting MTA prefix out of a plain Postfix NDR line', () => {
    const v = classifyReplyText(
      'host mx.example.com[192.0.2.1] said: 550 5.1.1 <a@example.com>: User unknown (in reply to RCPT TO command)',
    );
    expect(v).toMatchObject({ code: 550, class: 'permanent', findingCode: 'SMTP_RECIPIENT_UNKNOWN' });
    expect(v.inner).toBeUndefined();
  });

  it('lists each fix once ("Check the address for typos" was printed twice for a 5.1.1)', () => {
    const e = explainReply('550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown');
    const typos = e.remediation.filter((r) => /check the address for typos/i.test(r));
    expect(typos).toHaveLength(1);
    const sentences = e.remediation.flatMap((r) => r.split(/(?<=\.)\s+/)).map((s) => s.toLowerCase());
    expect(new Set(sentences).size).toBe(sentences.length);
  });

  it('lets the stage sharpen only a vague reply', () => {
    expect(classifyReplyText('554 No SMTP service here', 'connect').findingCode).toBe('SMTP_BANNER_REJECTED');
    expect(classifyReplyText('504 5.5.4 Unrecognized authentication type', 'auth').findingCode).toBe(
      'SMTP_AUTH_NOT_OFFERED',
    );
    expect(classifyReplyText('550 5.7.1 Rejected', 'mail').findingCode).toBe('SMTP_SENDER_REJECTED');
    expect(classifyReplyText('550 5.1.1 User unknown', 'mail').findingCode).toBe('SMTP_RECIPIENT_UNKNOWN');
  });
});
