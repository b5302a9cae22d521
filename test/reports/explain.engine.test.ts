import { describe, expect, it } from 'vitest';
import { reportsData } from '../../src/reports/data/data.loader';
import { explainReply } from '../../src/reports/explain/explain.engine';
import { parseReply } from '../../src/reports/explain/reply.parser';
import { CATEGORIES, type Category } from '../../src/reports/explain/explain.types';

/**
 * Real-world reply texts per category of issue 6, as servers send them and as MTAs quote them in
 * bounces (Postfix "said:", Exim, Sendmail "<<<", Exchange "Remote Server returned", qmail "(#5.1.1)").
 */
interface Case {
  text: string;
  findingCode: string;
  cls?: 'success' | 'transient' | 'permanent';
  provider?: string;
  code?: number | null;
  enhanced?: string | null;
}

const CASES: Record<Category, Case[]> = {
  recipient_unknown: [
    {
      text: "550-5.1.1 The email account that you tried to reach does not exist. Please try\n550-5.1.1 double-checking the recipient's email address for typos or\n550-5.1.1 unnecessary spaces. Learn more at\n550 5.1.1  https://support.google.com/mail/?p=NoSuchUser d75a77b69052e-4b5d6a1c5a1si123456qt.400 - gsmtp",
      findingCode: 'SMTP_RECIPIENT_UNKNOWN',
      cls: 'permanent',
      provider: 'Gmail',
      code: 550,
      enhanced: '5.1.1',
    },
    {
      text: 'host mx.example.com[192.0.2.10] said: 550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)',
      findingCode: 'SMTP_RECIPIENT_UNKNOWN',
      code: 550,
      enhanced: '5.1.1',
    },
    {
      text: "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'",
      findingCode: 'SMTP_RECIPIENT_UNKNOWN',
      provider: 'Microsoft',
      enhanced: '5.1.10',
    },
    {
      text: 'Sorry, no mailbox here by that name. (#5.1.1)',
      findingCode: 'SMTP_RECIPIENT_UNKNOWN',
      cls: 'permanent',
      code: null,
      enhanced: '5.1.1',
    },
    {
      text: "554 delivery error: dd This user doesn't have a yahoo.com account (someone@yahoo.com) [0] - mta1010.mail.gq1.yahoo.com",
      findingCode: 'SMTP_RECIPIENT_UNKNOWN',
      provider: 'Yahoo',
      code: 554,
    },
    {
      text: '... while talking to mx.example.org.:\n>>> RCPT To:<bob@example.org>\n<<< 550 5.1.1 <bob@example.org>... User unknown',
      findingCode: 'SMTP_RECIPIENT_UNKNOWN',
      code: 550,
    },
    {
      text: '550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [DB5EUR03FT015.eop-EUR03.prod.protection.outlook.com]',
      findingCode: 'SMTP_RECIPIENT_UNKNOWN',
      provider: 'Microsoft',
    },
  ],
  mailbox_full: [
    {
      text: '452-4.2.2 The email account that you tried to reach is over quota. Please direct\n452-4.2.2 the recipient to\n452 4.2.2  https://support.google.com/mail/?p=OverQuotaTemp a1si4386371qkb.81 - gsmtp',
      findingCode: 'SMTP_MAILBOX_FULL',
      cls: 'transient',
      provider: 'Gmail',
    },
    {
      text: '552 5.2.2 <jane@example.net>: Quota exceeded (mailbox for user is full)',
      findingCode: 'SMTP_MAILBOX_FULL',
      cls: 'permanent',
    },
    {
      text: '554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded',
      findingCode: 'SMTP_MAILBOX_FULL',
      provider: 'Microsoft',
    },
  ],
  authentication: [
    {
      text: '535-5.7.8 Username and Password not accepted. For more information, go to\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials x7sm1234567wrt.12 - gsmtp',
      findingCode: 'SMTP_AUTH_FAILED',
      code: 535,
      enhanced: '5.7.8',
    },
    { text: '530 5.7.0 Authentication required', findingCode: 'SMTP_AUTH_REQUIRED' },
    {
      text: '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.',
      findingCode: 'SMTP_AUTH_FAILED',
      provider: 'Microsoft',
    },
    { text: '535 Incorrect authentication data', findingCode: 'SMTP_AUTH_FAILED', enhanced: null },
  ],
  sender_authentication: [
    {
      text: '550-5.7.26 This mail has been blocked because the sender is unauthenticated.\n550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.\n550-5.7.26\n550-5.7.26  Authentication results:\n550-5.7.26  DKIM = did not pass\n550-5.7.26  SPF [example.com] with ip: [192.0.2.1] = did not pass\n550-5.7.26\n550-5.7.26  For instructions on setting up authentication, go to\n550 5.7.26  https://support.google.com/mail/answer/81126#authentication 41be03b00d2f7-b6a1234567si123.123 - gsmtp',
      findingCode: 'SENDER_AUTH_FAILED',
      provider: 'Gmail',
      enhanced: '5.7.26',
    },
    {
      text: '550 5.7.509 Access denied, sending domain [EXAMPLE.COM] does not pass DMARC verification and has a DMARC policy of reject. [AM0PR01MB1234.eurprd01.prod.exchangelabs.com]',
      findingCode: 'SENDER_DMARC_FAILED',
      provider: 'Microsoft',
    },
    {
      text: '550 5.7.23 <bob@example.org>: Recipient address rejected: Message rejected due to: SPF fail - not authorized. Please see http://www.openspf.net/Why?s=mfrom;id=alice@example.com;ip=192.0.2.1;r=<UNKNOWN>',
      findingCode: 'SENDER_SPF_FAILED',
    },
    {
      text: '550-5.7.25 [192.0.2.1] The IP address sending this message does not have a\n550-5.7.25 PTR record setup, or the corresponding forward DNS entry does not\n550-5.7.25 point to the sending IP. As a policy, Gmail does not accept messages\n550 5.7.25 from IPs with missing PTR records. a1si1234 - gsmtp',
      findingCode: 'SENDER_REVERSE_DNS_FAILED',
      provider: 'Gmail',
    },
    { text: '550 5.7.1 Email rejected per DMARC policy for example.com', findingCode: 'SENDER_DMARC_FAILED' },
    { text: '550 5.7.20 No passing DKIM signature found', findingCode: 'SENDER_DKIM_FAILED' },
  ],
  connection: [
    {
      text: '421 4.4.2 mx.example.com Error: timeout exceeded',
      findingCode: 'SMTP_CONNECTION_DROPPED',
      cls: 'transient',
    },
    {
      text: 'connect to mx.example.com[192.0.2.25]:25: Connection timed out',
      findingCode: 'SMTP_CONNECTION_DROPPED',
      cls: 'transient',
      code: null,
    },
    {
      text: '421 mx.example.net Service not available, closing transmission channel',
      findingCode: 'SMTP_SERVICE_UNAVAILABLE',
      cls: 'transient',
    },
    {
      text: 'delivery temporarily suspended: connect to mx.example.com[192.0.2.25]:25: Connection refused',
      findingCode: 'SMTP_CONNECTION_DROPPED',
    },
  ],
  rate_limited: [
    {
      text: '421-4.7.28 [192.0.2.1      15] Our system has detected an unusual rate of\n421-4.7.28 unsolicited mail originating from your IP address. To protect our\n421-4.7.28 users from spam, mail sent from your IP address has been temporarily\n421 4.7.28 rate limited. a1si1234 - gsmtp',
      findingCode: 'SMTP_RATE_LIMITED',
      provider: 'Gmail',
      cls: 'transient',
    },
    {
      text: '421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes',
      findingCode: 'SMTP_RATE_LIMITED',
      provider: 'Yahoo',
      cls: 'transient',
    },
    {
      text: '451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://postmaster.live.com (S775) [Name=Protocol Filter Agent]',
      findingCode: 'SMTP_RATE_LIMITED',
      provider: 'Microsoft',
    },
    {
      text: '421 4.7.0 Too many concurrent SMTP connections from this IP address; please try again later.',
      findingCode: 'SMTP_TOO_MANY_CONNECTIONS',
    },
    {
      text: '450-4.2.1 The user you are trying to contact is receiving mail too quickly.\n450-4.2.1 Please resend your message at a later time. If the user is able to\n450 4.2.1 receive mail at that time, your message will be delivered. gsmtp',
      findingCode: 'SMTP_RATE_LIMITED',
      provider: 'Gmail',
    },
    { text: '452 4.5.3 Error: too many recipients', findingCode: 'SMTP_TOO_MANY_RECIPIENTS' },
  ],
  spam_content: [
    { text: '550 5.7.1 Message rejected as spam by Content Filtering.', findingCode: 'SMTP_SPAM_REJECTED' },
    {
      text: '554 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137',
      findingCode: 'SMTP_SPAM_REJECTED',
      provider: 'Apple iCloud',
    },
    {
      text: '550-5.7.1 [192.0.2.1] Our system has detected that this message is\n550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail,\n550-5.7.1 this message has been blocked. Please visit\n550 5.7.1  https://support.google.com/mail/?p=UnsolicitedMessageError a1si1 - gsmtp',
      findingCode: 'SMTP_SPAM_REJECTED',
      provider: 'Gmail',
    },
    {
      text: '554 5.7.1 Rejected, message contains a virus: Eicar-Test-Signature',
      findingCode: 'MESSAGE_VIRUS_DETECTED',
    },
  ],
  blocklisted: [
    {
      text: '550 5.7.1 Service unavailable, Client host [192.0.2.1] blocked using Spamhaus. To request removal from this list see https://www.spamhaus.org/query/ip/192.0.2.1 (AS3130). [BN8NAM11FT012.eop-nam11.prod.protection.outlook.com 2024-01-01T00:00:00.000Z 08DC0000000000]',
      findingCode: 'DNSBL_LISTED',
      provider: 'Microsoft',
    },
    {
      text: "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors.",
      findingCode: 'SENDER_IP_BLOCKED',
      provider: 'Microsoft',
    },
    {
      text: '550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. For more information please go to http://go.microsoft.com/fwlink/?LinkId=526653',
      findingCode: 'SENDER_IP_BLOCKED',
      provider: 'Microsoft',
    },
    {
      text: '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1',
      findingCode: 'DNSBL_LISTED',
      provider: 'Spamhaus',
    },
    {
      text: '554 Service unavailable; Client host [192.0.2.1] blocked using b.barracudacentral.org; http://www.barracudanetworks.com/reputation/?pr=1&ip=192.0.2.1',
      findingCode: 'DNSBL_LISTED',
      provider: 'Barracuda',
    },
    {
      text: '554 5.7.0 Blocked - see https://ipcheck.proofpoint.com/?ip=192.0.2.1',
      findingCode: 'SENDER_IP_BLOCKED',
      provider: 'Proofpoint',
    },
    {
      text: '421 4.7.0 [TSS09] All messages from 192.0.2.1 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes',
      findingCode: 'SENDER_IP_BLOCKED',
      provider: 'Yahoo',
      cls: 'transient',
    },
    {
      text: '550 5.7.606 Access denied, banned sending IP [192.0.2.1]. To request removal from this list please visit https://sender.office.com/ and follow the directions.',
      findingCode: 'SENDER_IP_BLOCKED',
      provider: 'Microsoft',
    },
  ],
  policy: [
    {
      text: '554 5.7.1 <alice@example.com>: Sender address rejected: Access denied',
      findingCode: 'SMTP_SENDER_REJECTED',
    },
    {
      text: '550 Administrative prohibition - envelope blocked - https://community.mimecast.com/docs/DOC-1369#550 [aBcDeFgHiJ.uk123]',
      findingCode: 'SMTP_POLICY_REJECTED',
      provider: 'Mimecast',
    },
    {
      text: '550 5.7.520 Access denied, Your organization does not allow external forwarding. Please contact your administrative group for further assistance.',
      findingCode: 'SMTP_POLICY_REJECTED',
      provider: 'Microsoft',
    },
    {
      text: '554 5.7.9 Message not accepted for policy reasons.  See https://postmaster.yahooinc.com/error-codes',
      findingCode: 'SMTP_POLICY_REJECTED',
      provider: 'Yahoo',
    },
    {
      text: '504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname',
      findingCode: 'SMTP_HELO_REJECTED',
    },
  ],
  relay_denied: [
    { text: '554 5.7.1 <bob@example.net>: Relay access denied', findingCode: 'SMTP_RELAY_DENIED' },
    { text: '550 relay not permitted', findingCode: 'SMTP_RELAY_DENIED', enhanced: null },
    {
      text: "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)",
      findingCode: 'SMTP_RELAY_DENIED',
      enhanced: '5.7.1',
    },
  ],
  syntax: [
    { text: '500 5.5.1 Command unrecognized: "XYZZY"', findingCode: 'SMTP_SYNTAX_ERROR' },
    { text: '501 5.5.4 Syntax: MAIL FROM:<address>', findingCode: 'SMTP_SYNTAX_ERROR' },
    { text: '553 5.1.3 <bob at example.com>... Hostname required', findingCode: 'SMTP_RECIPIENT_SYNTAX_INVALID' },
    {
      text: '550-5.7.1 [192.0.2.1] Our system has detected that this message is not RFC\n550-5.7.1 5322 compliant: From header is missing. a1si1 - gsmtp',
      findingCode: 'SMTP_SYNTAX_ERROR',
    },
  ],
  message_too_large: [
    { text: '552 5.3.4 Message size exceeds fixed maximum message size', findingCode: 'MESSAGE_TOO_LARGE' },
    {
      text: "552-5.2.3 Your message exceeded Google's message size limits. Please visit\n552-5.2.3  https://support.google.com/mail/?p=MaxSizeError to view our size\n552 5.2.3 guidelines. a1si1 - gsmtp",
      findingCode: 'MESSAGE_TOO_LARGE',
      provider: 'Gmail',
    },
    { text: '552 Message size exceeds maximum permitted', findingCode: 'MESSAGE_TOO_LARGE' },
  ],
  greylisted: [
    {
      text: '450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html',
      findingCode: 'SMTP_GREYLISTED',
      cls: 'transient',
    },
    { text: '451 4.7.1 Greylisting in action, please come back later', findingCode: 'SMTP_GREYLISTED' },
    { text: '451-4.7.1 Greylisted, please try again in 300 seconds', findingCode: 'SMTP_GREYLISTED' },
  ],
  tls_required: [
    { text: '530 5.7.0 Must issue a STARTTLS command first', findingCode: 'SMTP_TLS_REQUIRED' },
    { text: '550 5.7.30 REQUIRETLS support required', findingCode: 'TLS_REQUIRETLS_UNSUPPORTED' },
    { text: '523 5.7.10 Encryption Needed', findingCode: 'SMTP_TLS_REQUIRED' },
  ],
  dns: [
    {
      text: 'Host or domain name not found. Name service error for name=example.invalid type=MX: Host not found',
      findingCode: 'RECIPIENT_DOMAIN_NOT_FOUND',
    },
    {
      text: 'Name service error for name=example.com type=MX: Host not found, try again',
      findingCode: 'SMTP_ROUTING_FAILED',
      cls: 'transient',
    },
    { text: '556 5.1.10 Recipient address has null MX', findingCode: 'RECIPIENT_DOMAIN_NULL_MX' },
    {
      text: '553 5.1.8 <alice@nonexistent.example>: Sender address rejected: Domain not found',
      findingCode: 'SENDER_DOMAIN_INVALID',
    },
    { text: '550 5.7.27 Sender address has null MX', findingCode: 'SENDER_DOMAIN_NULL_MX' },
    {
      text: 'SMTP error from remote mail server after RCPT TO:<a@b.example>:\n    550 Unrouteable address',
      findingCode: 'RECIPIENT_DOMAIN_NOT_FOUND',
    },
  ],
  other: [
    { text: '451 4.3.0 Error: queue file write error', findingCode: 'SMTP_REMOTE_ERROR', cls: 'transient' },
    { text: '250 2.0.0 Ok: queued as 4bQ1Zr0XyKz9', findingCode: 'SMTP_ACCEPTED', cls: 'success' },
  ],
};

describe('explainReply, real-world texts per category', () => {
  for (const category of CATEGORIES) {
    describe(category, () => {
      it('has cases', () => expect(CASES[category].length).toBeGreaterThan(1));
      for (const c of CASES[category]) {
        it(c.text.slice(0, 70).replace(/\n/g, ' '), () => {
          const e = explainReply(c.text);
          expect({ category: e.category, findingCode: e.findingCode }).toEqual({
            category,
            findingCode: c.findingCode,
          });
          if (c.cls) expect(e.class).toBe(c.cls);
          if (c.provider) expect(e.provider).toBe(c.provider);
          if (c.code !== undefined) expect(e.code).toBe(c.code);
          if (c.enhanced !== undefined) expect(e.enhancedStatus).toBe(c.enhanced);
          expect(e.title.length).toBeGreaterThan(5);
          expect(e.meaning.length).toBeGreaterThan(10);
          expect(e.remediation.length).toBeGreaterThan(0);
          expect(e.references.length).toBeGreaterThan(0);
          expect(e.retryable).toBe(e.class === 'transient' && !/TSS09/.test(c.text));
        });
      }
    });
  }
});

describe('reply parsing', () => {
  it('joins multi-line replies and strips the codes of continuation lines', () => {
    const p = parseReply('550-5.1.1 first line\n550-5.1.1 second line\n550 5.1.1 last line');
    expect(p).toMatchObject({ code: 550, enhancedStatus: '5.1.1', message: 'first line second line last line' });
  });

  it('reads the command and remote host of a Postfix NDR line', () => {
    const p = parseReply(
      'host mx1.example.com[192.0.2.7] said: 452 4.2.2 Mailbox full (in reply to end of DATA command)',
    );
    expect(p).toMatchObject({
      code: 452,
      enhancedStatus: '4.2.2',
      command: 'END OF DATA',
      remoteHost: 'mx1.example.com',
      remoteIp: '192.0.2.7',
    });
  });

  it('reads an Exim NDR', () => {
    const p = parseReply(
      'SMTP error from remote mail server after RCPT TO:<bob@example.org>:\n    host mx.example.org [192.0.2.8]: 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown',
    );
    expect(p).toMatchObject({
      code: 550,
      enhancedStatus: '5.1.1',
      command: 'RCPT TO',
      remoteHost: 'mx.example.org',
      remoteIp: '192.0.2.8',
    });
  });

  it('reads a reply without an enhanced code, and does not take an IP for one', () => {
    const p = parseReply('550 Client 192.0.2.1 rejected');
    expect(p).toMatchObject({ code: 550, enhancedStatus: null });
  });

  it('reads a DSN Diagnostic-Code field', () => {
    expect(parseReply('Diagnostic-Code: smtp; 550 5.7.1 Relaying denied')).toMatchObject({
      code: 550,
      enhancedStatus: '5.7.1',
      message: 'Relaying denied',
    });
  });

  it('explains a 550 5.7.1 policy rejection with blocklist, DNS audit and content checks', () => {
    const e = explainReply('550 5.7.1 Message refused');
    expect(e.category).toBe('policy');
    expect(e.suggestedChecks).toEqual(expect.arrayContaining(['dnsbl', 'dns', 'content']));
  });

  it('classifies text without any code by wording and never throws on junk', () => {
    expect(explainReply('').category).toBe('other');
    expect(explainReply('\u0000\u0001 ### 999').findingCode).toBe('SMTP_UNCLASSIFIED');
    expect(explainReply('Mailbox full').class).toBe('transient');
  });
});

describe('DNS failures: temporary versus permanent', () => {
  it('tells a temporary lookup failure from a missing domain (Postfix wording)', () => {
    expect(
      explainReply(
        'Host or domain name not found. Name service error for name=example.invalid type=MX: Host not found, try again',
      ).findingCode,
    ).toBe('SMTP_ROUTING_FAILED');
    expect(
      explainReply('Host or domain name not found. Name service error for name=example.invalid type=A: Host not found')
        .findingCode,
    ).toBe('RECIPIENT_DOMAIN_NOT_FOUND');
  });
});

describe('code tables from data files', () => {
  it('knows every RFC 5321 reply code and the registry codes missing from the 2017 snapshot', () => {
    const data = reportsData();
    for (const code of [
      211, 214, 220, 221, 250, 251, 252, 354, 421, 450, 451, 452, 455, 500, 501, 502, 503, 504, 550, 551, 552, 553, 554,
      555,
    ])
      expect(data.basic.has(code), String(code)).toBe(true);
    expect(data.enhanced.size).toBeGreaterThanOrEqual(81);
    expect(data.enhanced.get('X.7.29')).toMatchObject({
      sampleText: 'ARC validation failure',
      references: ['https://www.rfc-editor.org/rfc/rfc8617'],
    });
    expect(data.enhanced.get('X.7.30')).toMatchObject({
      sampleText: 'REQUIRETLS support required',
      references: ['https://www.rfc-editor.org/rfc/rfc8689'],
    });
    // IANA quirk: X.7.28's description sits in the basic-code column of the snapshot.
    expect(data.enhanced.get('X.7.28')?.description).toMatch(/mail flood|unsolicited|part of a mail/i);
  });

  it('explains ARC and REQUIRETLS failures with their RFCs', () => {
    expect(explainReply('550 5.7.29 ARC validation failure')).toMatchObject({
      category: 'sender_authentication',
      findingCode: 'SENDER_ARC_FAILED',
    });
    expect(explainReply('550 5.7.29 ARC validation failure').references).toContain(
      'https://www.rfc-editor.org/rfc/rfc8617',
    );
  });
});
