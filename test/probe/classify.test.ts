import { describe, expect, it } from 'vitest';
import {
  classifyBannerHost,
  classifyFailure,
  classifyReply,
  classifyTiming,
  failureKindOf,
  type Stage,
} from '../../src/probe/classify';
import { REPLY_FINDINGS } from '../../src/kb/reply-findings';
import { bannerHostname, buildReply, parseEhlo } from '../../src/probe/smtp-reply';
import sisimai from '../fixtures/probe/sisimai-replies.json';

function reply(...lines: string[]) {
  const r = buildReply(lines);
  if (!r) throw new Error(`unparsable: ${lines.join(' | ')}`);
  return r;
}
function code(stage: Stage, ...lines: string[]) {
  return classifyReply(stage, reply(...lines))?.code ?? null;
}

describe('reply parsing (RFC 5321 §4.2, RFC 3463)', () => {
  it('joins multi-line replies and takes the enhanced code of the first line', () => {
    const r = reply(
      '550-5.1.1 The email account that you tried to reach does not exist.',
      '550 5.1.1 https://support.google.com/mail/?p=NoSuchUser - gsmtp',
    );
    expect(r).toMatchObject({ code: 550, enhanced: '5.1.1' });
    expect(r.text).toBe(
      'The email account that you tried to reach does not exist.\nhttps://support.google.com/mail/?p=NoSuchUser - gsmtp',
    );
  });
  it('ignores an enhanced code whose class does not match the reply', () => {
    expect(reply('250 5.1.1 odd').enhanced).toBeUndefined();
  });
  it('rejects mixed codes and garbage', () => {
    expect(buildReply(['250-a', '550 b'])).toBeNull();
    expect(buildReply(['HTTP/1.1 400 Bad Request'])).toBeNull();
  });
  it('parses EHLO keywords, folding AUTH= into AUTH', () => {
    const ext = parseEhlo(
      reply(
        '250-mx.example.com Hello',
        '250-PIPELINING',
        '250-SIZE 35882577',
        '250-AUTH LOGIN PLAIN',
        '250-AUTH=LOGIN',
        '250-8BITMIME',
        '250 STARTTLS',
      ),
    );
    expect(ext).toEqual({ PIPELINING: [], SIZE: ['35882577'], AUTH: ['LOGIN', 'PLAIN'], '8BITMIME': [], STARTTLS: [] });
  });
  it('reads the greeting host name', () => {
    expect(bannerHostname(reply('220 mx.google.com ESMTP a1-20020a.6 - gsmtp'))).toBe('mx.google.com');
    expect(bannerHostname(reply('220 ESMTP ready'))).toBeUndefined();
  });
});

// Real replies as servers send them (Postfix, Exim, Sendmail, Exchange/Office 365, Gmail, Yahoo, ...).
const CASES: [Stage, string[], string, boolean][] = [
  [
    'rcpt',
    ['550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in local recipient table'],
    'SMTP_RECIPIENT_UNKNOWN',
    false,
  ],
  [
    'rcpt',
    ['550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table'],
    'SMTP_RECIPIENT_UNKNOWN',
    false,
  ],
  [
    'rcpt',
    ['550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'],
    'SMTP_RECIPIENT_UNKNOWN',
    false,
  ],
  // Exim's route.c "Unrouteable address": no router took the address; Sisimai calls it hostunknown.
  ['rcpt', ['550 Unrouteable address'], 'RECIPIENT_DOMAIN_NOT_FOUND', false],
  ['rcpt', ['550 No Such User Here'], 'SMTP_RECIPIENT_UNKNOWN', false],
  [
    'rcpt',
    [
      '450 4.1.1 <a@example.com>: Recipient address rejected: unverified address: host mx[1.2.3.4] said: 550 5.1.1 unknown',
    ],
    'SMTP_RECIPIENT_UNKNOWN',
    true,
  ],
  [
    'rcpt',
    [
      '452-4.2.2 The email account that you tried to reach is over quota.',
      '452 4.2.2 https://support.google.com/mail/?p=OverQuotaTemp - gsmtp',
    ],
    'SMTP_MAILBOX_FULL',
    true,
  ],
  ['rcpt', ['552 5.2.2 Mailbox full'], 'SMTP_MAILBOX_FULL', false],
  ['rcpt', ['452 4.3.1 Insufficient system storage'], 'SMTP_REMOTE_SYSTEM_FULL', true],
  // Outlook.com's reply for a mailbox that does not exist (Sisimai: userunknown, lhost-outlook-08).
  ['rcpt', ['550 Requested action not taken: mailbox unavailable'], 'SMTP_RECIPIENT_UNKNOWN', false],
  ['rcpt', ['450 4.2.0 Mailbox temporarily unavailable'], 'SMTP_MAILBOX_UNAVAILABLE', true],
  ['rcpt', ['550 5.2.1 The email account that you tried to reach is disabled.'], 'SMTP_MAILBOX_UNAVAILABLE', false],
  ['mail', ['501 5.5.4 Syntax: MAIL FROM:<address>'], 'SMTP_SYNTAX_ERROR', false],
  ['mail', ['555 5.5.4 Unsupported option: SMTPUTF8'], 'SMTP_SYNTAX_ERROR', false],
  ['rcpt', ['501 5.1.3 Bad recipient address syntax'], 'SMTP_RECIPIENT_SYNTAX_INVALID', false],
  ['ehlo', ['500 5.5.1 Command unrecognized: "EHLO x"'], 'SMTP_SYNTAX_ERROR', false],
  ['rcpt', ['503 5.5.1 Error: need MAIL command'], 'SMTP_SYNTAX_ERROR', false],
  ['auth', ['535 5.7.8 Error: authentication failed: authentication failure'], 'SMTP_AUTH_FAILED', false],
  [
    'auth',
    [
      '535-5.7.8 Username and Password not accepted. For more information, go to',
      '535 5.7.8  https://support.google.com/mail/?p=BadCredentials - gsmtp',
    ],
    'SMTP_AUTH_FAILED',
    false,
  ],
  [
    'auth',
    [
      '534-5.7.9 Application-specific password required. Learn more at',
      '534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor - gsmtp',
    ],
    'SMTP_AUTH_FAILED',
    false,
  ],
  ['auth', ['454 4.7.0 Temporary authentication failure'], 'SMTP_AUTH_FAILED', true],
  ['auth', ['504 5.5.4 Unrecognized authentication type'], 'SMTP_AUTH_NOT_OFFERED', false],
  ['mail', ['530 5.7.0 Authentication required'], 'SMTP_AUTH_REQUIRED', false],
  [
    'mail',
    ['530 5.7.57 Client not authenticated to send mail. [AM0PR01CA0001.eurprd01.prod.exchangelabs.com]'],
    'SMTP_AUTH_REQUIRED',
    false,
  ],
  ['mail', ['530 5.7.0 Must issue a STARTTLS command first. a1si - gsmtp'], 'SMTP_TLS_REQUIRED', false],
  ['auth', ['538 5.7.11 Encryption required for requested authentication mechanism'], 'SMTP_TLS_REQUIRED', false],
  ['rcpt', ['421 4.4.2 mx.example.com Error: timeout exceeded'], 'SMTP_CONNECTION_DROPPED', true],
  ['banner', ['421 4.4.5 Server busy, try again later.'], 'SMTP_TOO_MANY_CONNECTIONS', true],
  [
    'banner',
    ['421 4.7.0 mx.example.com Error: too many connections from 192.0.2.1'],
    'SMTP_TOO_MANY_CONNECTIONS',
    true,
  ],
  [
    'mail',
    ['421 4.7.0 Too many concurrent SMTP connections; please try again later.'],
    'SMTP_TOO_MANY_CONNECTIONS',
    true,
  ],
  ['rcpt', ['450 4.7.1 Error: too much mail from 192.0.2.1'], 'SMTP_RATE_LIMITED', true],
  [
    'rcpt',
    [
      '421-4.7.28 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail originating',
      '421 4.7.28 from your IP address. To protect our users from spam, mail has been temporarily rate limited.',
    ],
    'SMTP_RATE_LIMITED',
    true,
  ],
  [
    'banner',
    ['421 mx.example.com Service not available, closing transmission channel'],
    'SMTP_SERVICE_UNAVAILABLE',
    true,
  ],
  [
    'rcpt',
    [
      '450 4.2.0 <a@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html',
    ],
    'SMTP_GREYLISTED',
    true,
  ],
  ['rcpt', ['451 4.7.1 Greylisting in action, please come back later'], 'SMTP_GREYLISTED', true],
  ['rcpt', ['451 4.7.1 Try again later'], 'SMTP_GREYLISTED', true],
  ['rcpt', ['451 Greylisted, please try again in 180 seconds'], 'SMTP_GREYLISTED', true],
  [
    'rcpt',
    [
      '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1',
    ],
    'DNSBL_LISTED',
    false,
  ],
  [
    'rcpt',
    [
      "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140).",
    ],
    'SENDER_IP_BLOCKED',
    false,
  ],
  [
    'rcpt',
    ["553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, because the ip is in Spamhaus's list"],
    'DNSBL_LISTED',
    false,
  ],
  [
    'rcpt',
    ['550-5.7.1 [192.0.2.1] Our system has detected that this message is likely unsolicited mail.'],
    'SMTP_SPAM_REJECTED',
    false,
  ],
  // Sisimai: userunknown (lhost-exim-30, the same Postfix text with 554).
  ['rcpt', ['550 5.7.1 <a@example.com>: Recipient address rejected: Access denied'], 'SMTP_RECIPIENT_UNKNOWN', false],
  ['rcpt', ['554 5.7.1 <a@example.net>: Relay access denied'], 'SMTP_RELAY_DENIED', false],
  ['rcpt', ['550 5.7.1 Unable to relay'], 'SMTP_RELAY_DENIED', false],
  ['rcpt', ['550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain'], 'SMTP_RELAY_DENIED', false],
  ['rcpt', ['550 relay not permitted'], 'SMTP_RELAY_DENIED', false],
  ['rcpt', ['454 4.7.1 <a@example.net>: Relay access denied'], 'SMTP_RELAY_DENIED', true],
  [
    'banner',
    ['554 5.7.1 mx.example.com ESMTP not accepting connections from 192.0.2.1: listed at zen.spamhaus.org'],
    'SMTP_BANNER_REJECTED',
    false,
  ],
  ['banner', ['554 No SMTP service here'], 'SMTP_BANNER_REJECTED', false],
  ['banner', ['HTTP/1.0 200 OK'.replace(/.*/, '299 nonsense')], 'SMTP_PROTOCOL_VIOLATION', false],
  [
    'mail',
    ['553 5.1.8 <a@nonexistent.invalid>: Sender address rejected: Domain not found'],
    'SENDER_DOMAIN_INVALID',
    false,
  ],
  ['mail', ['450 4.1.8 <a@x.invalid>: Sender address rejected: Domain not found'], 'SENDER_DOMAIN_INVALID', true],
  ['rcpt', ['552 5.3.4 Message size exceeds fixed limit'], 'MESSAGE_TOO_LARGE', false],
  ['rcpt', ['452 4.5.3 Error: too many recipients'], 'SMTP_TOO_MANY_RECIPIENTS', true],
  // Issue 13: the words name the cause.
  ['helo', ['503 5.5.1 Error: send HELO/EHLO first'], 'SMTP_SYNTAX_ERROR', false],
  ['rcpt', ['550 5.7.1 Message identified as spam'], 'SMTP_SPAM_REJECTED', false],
  ['rcpt', ['554 5.7.1 <a@example.net>: we are not an open relay'], 'SMTP_RELAY_DENIED', false],
  ['rcpt', ['421 4.7.0 Your IP is on our blocklist, see https://example.net/bl'], 'DNSBL_LISTED', true],
  ['rcpt', ['503 5.5.0 Polite people say HELO first'], 'SMTP_SYNTAX_ERROR', false],
];

describe('classifyReply on real-world replies', () => {
  it.each(CASES)('%s %j -> %s', (stage, lines, want, transient) => {
    const c = classifyReply(stage, reply(...lines));
    expect(c?.code).toBe(want);
    expect(c?.transient).toBe(transient);
    expect(c?.cause).toContain(String(reply(...lines).code));
    expect(REPLY_FINDINGS[c!.code]).toBeDefined();
  });

  it('treats success replies as no finding', () => {
    for (const [s, l] of [
      ['banner', '220 mx ESMTP'],
      ['ehlo', '250 ok'],
      ['auth', '235 2.7.0 Authentication successful'],
      ['rcpt', '250 2.1.5 Ok'],
      ['auth', '334 VXNlcm5hbWU6'],
      ['rcpt', '251 User not local; will forward'],
    ] as const) {
      expect(classifyReply(s, reply(l))).toBeNull();
    }
  });

  it('inverts the relay test: acceptance is an open relay, refusal is correct', () => {
    expect(code('relay', '250 2.1.5 Ok')).toBe('SMTP_OPEN_RELAY');
    expect(code('relay', '554 5.7.1 <relay-test@example.net>: Relay access denied')).toBeNull();
    expect(code('relay', '550 5.1.1 unknown')).toBeNull();
  });

  it('gives provider-specific remediation for authentication and reputation rejections', () => {
    expect(
      classifyReply(
        'rcpt',
        reply(
          '550-5.7.26 This mail has been blocked because the sender is unauthenticated.',
          '550 5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.',
        ),
      )?.remediation,
    ).toMatch(/SPF.*DKIM.*DMARC/);
    expect(classifyReply('auth', reply('534 5.7.9 Application-specific password required.'))?.remediation).toMatch(
      /app password/,
    );
    expect(
      classifyReply('rcpt', reply("550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent (S3140)."))
        ?.remediation,
    ).toMatch(/sender\.office\.com/);
  });
});

/**
 * Sisimai's labelled bounces (BSD-2-Clause; test/fixtures/probe/LICENSE-*): the reply from each DSN's
 * Diagnostic-Code must land in a category that matches Sisimai's reason. Sisimai's reasons are
 * coarser or finer than ours in places, so each reason allows the categories it covers; where our
 * answer deliberately differs, the row is listed here with the reason.
 */
const REASON_CATEGORIES: Record<string, string[]> = {
  userunknown: ['recipient_unknown'],
  mailboxfull: ['mailbox_full'],
  norelaying: ['relay_denied'],
  syntaxerror: ['syntax'],
  authfailure: ['sender_authentication'],
  requireptr: ['sender_authentication'],
  blocked: ['blocklisted', 'policy'],
  badreputation: ['blocklisted', 'rate_limited'],
  policyviolation: ['policy', 'spam_content'],
  spamdetected: ['spam_content'],
  virusdetected: ['spam_content'],
  toomanyconn: ['rate_limited'],
  speeding: ['rate_limited'],
};
const DIVERGENCES: Record<string, { expect: string | null; stage?: Stage; why: string }> = {
  'maildir-bsd/lhost-postfix-46.eml': {
    expect: 'policy',
    why: '"Recipient address rejected." with no reason',
  },
  'maildir-bsd/rfc3464-51.eml': {
    expect: 'policy',
    why: '#5.1.0 "Address rejected": no more exact status',
  },
  'maildir-bsd/lhost-postfix-77.eml': {
    expect: 'authentication',
    why: 'Amazon SES sandbox identity error ("Email address is not verified"): a submission error rather than relaying',
  },
  'maildir-bsd/lhost-sendmail-09.eml': {
    expect: 'authentication',
    why: '"554 5.7.9 Header error": X.7.9 is "authentication mechanism is too weak" in the IANA registry',
  },
  'maildir-bsd/lhost-outlook-09.eml': {
    expect: 'recipient_unknown',
    why: '"domain [x] mismatches client ip": no word for PTR; 550 alone',
  },
  'maildir-bsd/lhost-sendmail-56.eml': {
    expect: 'policy',
    stage: 'banner',
    why: 'this 554 is a connection-time greeting',
  },
  'maildir-bsd/rhost-messagelabs-03.eml': {
    expect: 'policy',
    why: 'non-standard code 542 with the single word "Rejected"',
  },
  'maildir-bsd/rhost-spectrum-01.eml': {
    expect: 'policy',
    why: 'the reply says the sender was rejected; the rate limit is only on the linked page',
  },
  'maildir-bsd/rhost-franceptt-11.eml': {
    expect: null,
    why: 'two replies (220 then 421) folded into one Diagnostic-Code: not a single reply',
  },
};

describe('classifyReply on the Sisimai corpus', () => {
  const rows = sisimai as { source: string; reason: string; lines: string[] }[];
  it('has the corpus', () => expect(rows.length).toBeGreaterThan(100));
  it.each(rows.map((r) => [r.source, r.reason, r] as const))('%s (%s)', (source, reason, row) => {
    const d = DIVERGENCES[source];
    const got = classifyReply(d?.stage ?? 'rcpt', reply(...row.lines))?.category ?? null;
    if (d) expect(got).toBe(d.expect);
    else expect(REASON_CATEGORIES[reason], `${reason}: ${got}`).toContain(got);
  });
  it('lists no divergence for a file that is not in the corpus', () => {
    for (const s of Object.keys(DIVERGENCES)) expect(rows.some((r) => r.source === s)).toBe(true);
  });
});

describe('socket failures, timings and banner names', () => {
  it('maps node errors to failure kinds', () => {
    expect(failureKindOf({ code: 'ECONNREFUSED' }, 'connect')).toBe('refused');
    expect(failureKindOf({ code: 'EHOSTUNREACH' }, 'connect')).toBe('unreachable');
    expect(failureKindOf({ code: 'ECONNRESET' }, 'rcpt')).toBe('reset');
    expect(failureKindOf({ code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'wrong version number' }, 'tls')).toBe(
      'tls-handshake',
    );
    expect(failureKindOf({ code: 'ECONNRESET' }, 'tls')).toBe('tls-handshake');
  });
  it('classifies each failure with transience', () => {
    const c = (kind: Parameters<typeof classifyFailure>[0]['kind'], stage: Stage) =>
      classifyFailure({ kind, stage, message: 'x' });
    expect(c('refused', 'connect')).toMatchObject({ code: 'SMTP_CONNECTION_REFUSED', transient: true });
    expect(c('connect-timeout', 'connect')).toMatchObject({ code: 'SMTP_CONNECT_TIMEOUT', transient: true });
    expect(c('banner-timeout', 'banner')).toMatchObject({ code: 'SMTP_BANNER_TIMEOUT', transient: true });
    expect(c('command-timeout', 'rcpt')).toMatchObject({ code: 'SMTP_COMMAND_TIMEOUT', transient: true });
    // Issue 13: the check's own time limit names the stage that was waiting.
    expect(c('total-timeout', 'banner')).toMatchObject({ code: 'SMTP_BANNER_TIMEOUT', transient: true });
    expect(c('total-timeout', 'connect')).toMatchObject({ code: 'SMTP_CONNECT_TIMEOUT', transient: true });
    expect(c('total-timeout', 'rcpt').cause).toMatch(/RCPT TO.*time limit/);
    expect(c('eof', 'rcpt')).toMatchObject({ code: 'SMTP_CONNECTION_DROPPED', transient: true });
    expect(c('eof', 'tls')).toMatchObject({ code: 'TLS_HANDSHAKE_FAILED', transient: false });
    expect(c('too-many-lines', 'ehlo')).toMatchObject({ code: 'SMTP_PROTOCOL_VIOLATION', transient: false });
    expect(
      classifyFailure({ kind: 'tls-handshake', stage: 'tls', message: 'wrong version number' }).remediation,
    ).toMatch(/implicit TLS/);
  });
  it('flags slow replies above the bound only', () => {
    expect(classifyTiming('rcpt', 100, 100)).toBeNull();
    expect(classifyTiming('rcpt', 101, 100)).toMatchObject({ code: 'SMTP_SLOW_RESPONSE', transient: false });
  });
  it('compares the greeting name with the PTR names', () => {
    expect(classifyBannerHost('mx.example.com', ['mx.example.com.'], '192.0.2.1')).toBeNull();
    expect(classifyBannerHost('localhost.localdomain', ['mx.example.com'], '192.0.2.1')?.code).toBe(
      'SMTP_BANNER_HOSTNAME_MISMATCH',
    );
    expect(classifyBannerHost('mx.example.com', [], '192.0.2.1')?.cause).toMatch(/no reverse DNS/);
    expect(classifyBannerHost(undefined, [], '192.0.2.1')).toBeNull();
  });
});
