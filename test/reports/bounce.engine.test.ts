import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBounce } from '../../src/reports/bounces/bounce.engine';

/** Real bounces from the Sisimai corpus (BSD-2-Clause, test/fixtures/sisimai/LICENSE). */
const load = (name: string) =>
  analyzeBounce(readFileSync(join(__dirname, '..', 'fixtures', 'sisimai', 'maildir-bsd', `${name}.eml`)));

describe('bounce analysis: causes found in the Sisimai mismatch review', () => {
  it('explains the reply SES quotes inside its own summary, not the summary', () => {
    // "5.1.0 - Unknown address error 550-'5.7.1 <...>... Access denied'": the server refused the sender.
    const [r] = load('lhost-amazonses-01').recipients;
    expect(r.address).toBe('shironeko@example.co.jp');
    expect(r.explanation.enhancedStatus).toBe('5.7.1');
    expect(r.hardSoft).toBe('soft');
  });

  it('reads the first failure of a session transcript, not the 250 before it', () => {
    const [r] = load('lhost-postfix-75').recipients;
    expect(r.status).toBe('4.3.0');
    expect(r.action).toBe('failed');
  });

  it('unquotes a bounce forwarded by a person and reads its delivery-status fields', () => {
    const [r] = load('lhost-sendmail-14').recipients;
    expect(r.address).toBe('kijitora@example.com');
    expect(r.status).toBe('5.1.1');
    expect(r.hardSoft).toBe('hard');
  });

  it('takes an Exim "addr:" line as the recipient even when it equals the bounce To:', () => {
    const [r] = load('rhost-franceptt-04').recipients;
    expect(r.address).toBe('xxxx@xxxx.fr');
    expect(r.status).toBe('5.2.0');
    expect(r.action).toBe('failed');
  });

  it('does not blame the address for a refusal before RCPT TO (qmail "my name was rejected")', () => {
    const [r] = load('lhost-qmail-04').recipients;
    expect(r.status?.[0]).toBe('5');
    expect(r.hardSoft).toBe('soft');
  });

  it('treats a local program failure (Diagnostic-Code x-unix) as a mailer error, not a dead address', () => {
    const [r] = load('lhost-postfix-01').recipients;
    expect(r.status).toBe('5.1.1');
    expect(r.hardSoft).toBe('soft');
  });

  it('reports an expired message as 4.4.7 (RFC 3463: a persistent transient error)', () => {
    const [r] = load('lhost-exim-06').recipients;
    expect(r.address).toBe('kijitora@example.com');
    expect(r.action).toBe('failed');
    expect(r.status).toBe('4.4.7');
    expect(r.hardSoft).toBe('soft');
  });

  it("keeps each Sendmail entry to its own line instead of reading the next host's error", () => {
    const rs = load('lhost-v5sendmail-05').recipients;
    expect(rs.map((r) => r.address)).toEqual([
      'kijitora@example.edu',
      'kuroneko@example.or.jp',
      'kijitora@example.org',
      'mikeneko@example.co.jp',
    ]);
    expect(rs.map((r) => r.hardSoft)).toEqual(['soft', 'hard', 'hard', 'hard']);
  });

  it('finds the recipient in the copied headers of a text bounce without a MIME copy', () => {
    const [r] = load('lhost-v5sendmail-01').recipients;
    expect(r.address).toBe('kijitora@example.com');
    expect(r.status).toBe('4.0.0');
  });

  it('accepts postmaster@ as the failed recipient when nothing else is named', () => {
    const [r] = load('lhost-dragonfly-04').recipients;
    expect(r.address).toBe('postmaster@cx.libsisimai.org');
  });

  it("prefers the remote server's permanent enhanced status over the reporter's 4.x.x downgrade", () => {
    const [r] = load('rhost-franceptt-10').recipients;
    expect(r.status).toBe('5.5.0');
  });

  it('counts a final 4.1.1 failure (user unknown answered with 450) as hard', () => {
    const [r] = load('lhost-postfix-05').recipients;
    expect(r.action).toBe('failed');
    expect(r.hardSoft).toBe('hard');
  });

  it('counts "unknown user" as hard only at RCPT, with an X.1.x status, or by a provider code', () => {
    // Same words, no stage, no address status: a content filter answers DATA this way too.
    const [filtered] = load('lhost-mcafee-04').recipients;
    expect(filtered.explanation.findingCode).toBe('SMTP_RECIPIENT_UNKNOWN');
    expect(filtered.hardSoft).toBe('soft');
    // "SMTP:RCPT host ...: 553 5.3.0 ... No such user here": the RCPT command was refused.
    expect(load('lhost-x3-01').recipients[0].hardSoft).toBe('hard');
    // "550 #5.1.0 Address rejected.": an address status.
    expect(load('rfc3464-51').recipients[0].hardSoft).toBe('hard');
    // Exchange 2003's own diagnostic code 000C05A6 (Unknown Recipient), no SMTP reply at all.
    const [exchange] = load('lhost-exchange2003-01').recipients;
    expect(exchange.explanation.findingCode).toBe('SMTP_RECIPIENT_UNKNOWN');
    expect(exchange.hardSoft).toBe('hard');
  });

  it('counts "unknown user" from the local delivery of the MTA holding the mailbox as hard', () => {
    // No Remote-MTA (RFC 3464 §2.3.5: required for an SMTP relay attempt) and no Diagnostic-Code:
    // the transcript is the reporting MTA's own "mail.local: unknown user".
    const [r] = load('rfc3464-06').recipients;
    expect(r.explanation.findingCode).toBe('SMTP_RECIPIENT_UNKNOWN');
    expect(r.hardSoft).toBe('hard');
  });

  it('does not read the envelope listing ("RCPT TO: addr" in the message details) as the failed command', () => {
    const [r] = load('lhost-apachejames-01').recipients;
    expect(r.explanation.findingCode).toBe('SMTP_RECIPIENT_UNKNOWN');
    expect(r.hardSoft).toBe('soft');
  });

  it('reads the delivery report a notice forwards as an attached message', () => {
    const result = load('lhost-x5-01');
    expect(result.format).toBe('rfc3464');
    expect(result.recipients.map((r) => [r.address, r.status, r.hardSoft])).toEqual([
      ['kijitora@neko.example.org', '5.1.1', 'hard'],
    ]);
  });
});
