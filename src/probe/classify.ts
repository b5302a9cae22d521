import type { Severity } from '../common/finding';
import type { ProbeFindingCode } from './probe.findings';
import { formatReply, type SmtpReply } from './smtp-reply';

/**
 * The probe's one classifier (STYLE habit 5): replies, socket failures and timings in, finding
 * codes out, each with a cause in plain words and whether it is transient (worth retrying).
 * Pure and synchronous; tested on its own with real-world reply texts (test/probe/classify.test.ts).
 */
export type Stage =
  'connect' | 'tls' | 'banner' | 'ehlo' | 'helo' | 'starttls' | 'auth' | 'mail' | 'rcpt' | 'relay' | 'rset' | 'quit';

export interface Classification {
  code: ProbeFindingCode;
  /** RFC 5321 §4.2.1: 4yz and network failures may succeed later; 5yz will not. */
  transient: boolean;
  /** What happened, in the user's words (becomes the finding's detail). */
  cause: string;
  /** A remediation sharper than the catalog's, when the reply says more. */
  remediation?: string;
  severity?: Severity;
}

const STAGE_WORDS: Record<Stage, string> = {
  connect: 'the TCP connection',
  tls: 'the TLS handshake',
  banner: 'the greeting (banner)',
  ehlo: 'EHLO',
  helo: 'HELO',
  starttls: 'STARTTLS',
  auth: 'AUTH',
  mail: 'MAIL FROM',
  rcpt: 'RCPT TO',
  relay: 'the relay test (RCPT TO an outside domain)',
  rset: 'RSET',
  quit: 'QUIT',
};

const RX = {
  greylist: /gr[ae]y[- ]?list|greylisted|graylisted|gr[ae]ylisting/i,
  tryLater: /try again later|please retry|retry later|come back later/i,
  tlsRequired:
    /must issue a starttls|starttls (command )?first|encryption required|requires? (a )?(secure|encrypted|tls) (connection|channel)|tls (is )?required|must use tls|secure connection required/i,
  authRequired:
    /authentication (is )?required|must (first )?authenticate|auth(entication)? required|not authenticated|client was not authenticated|please authenticate|requires? authentication|sender not authenticated|login required/i,
  authFailed:
    /authentication (failed|unsuccessful|credentials invalid|rejected)|invalid (login|credentials|user ?name or password)|bad (user ?name or password|credentials)|username and password not accepted|incorrect (authentication|password)|auth(entication)? failure/i,
  appPassword:
    /application-specific password|app password|log in via your web browser|web login required|5\.7\.(9|14)\b/i,
  relay:
    /relay(ing)? (access )?(denied|not permitted|prohibited|not allowed|refused)|unable to relay|not permitted to relay|we do not relay|no relaying|relay not permitted|relaying (is )?not allowed|not (an )?open relay|5\.7\.(54|64)\b|relay access/i,
  unknownUser:
    /user unknown|unknown user|no such (user|mailbox|recipient|address)|does not exist|doesn'?t (exist|have a)|mailbox (not found|unavailable.{0,40}(not exist|unknown))|unknown (local[- ]part|recipient|mailbox|address)|recipient ?not ?found|recipientnotfound|invalid (recipient|mailbox|address)|address (not found|unknown)|not a valid (mailbox|recipient|user)|unrouteable address|no mailbox here|account.{0,40}does not exist|user not found|addressee unknown|undeliverable address/i,
  mailboxFull:
    /mailbox (is )?full|over ?quota|quota (exceeded|full)|exceeded (the |its |their )?(storage |mailbox )?(allocation|quota)|mailbox size limit|mailfolder is full|insufficient (mailbox )?space in (the )?mailbox|user is over|out of (mailbox )?storage (space)?/i,
  rate: /too many (connections|concurrent|sessions|simultaneous|messages|recipients|errors)|frequency limit|at a rate that|connection (rate )?limit|rate[- ]?limit|throttl|exceeded.{0,30}rate|unusual rate|too much mail|slow down|temporarily deferred|server (is )?busy|too busy|4\.7\.28|\[TS\d\d\]|\[TSS\d\d\]|excessive (connections|volume)|unexpected volume/i,
  spam: /spam|junk|block ?list|black ?list|blocked|banned|dnsbl|\brbl\b|spamhaus|spamcop|barracuda|sorbs|abuseat|uceprotect|reputation|unsolicited|bulk mail|policy|not allowed to send|(host|network|ip|sender|domain|client) (is )?not allowed|content (was )?rejected|message content rejected|service refused|client host rejected|mismatches client|malware|virus|phish|reverse (dns|hostname)|\bptr\b|rdns|dynamic (ip|address)|dial-?up|residential|\bS3140\b|\bS3150\b|\bBL21\b|\bRP-00\d\b|5\.7\.(2[3-7]|350|511|606|708)\b|dmarc|\bspf\b|\bdkim\b|unauthenticated|not accepted from|rejected because|listed (at|in|on|by)/i,
  reputation: /reputation|unsolicited|spam|complaints/i,
  senderRejected: /sender (address )?rejected|sender (domain|address) (is )?(not|un)|sender verify failed|bad sender/i,
  serverStorage: /insufficient system storage|system (storage|resources)|disk (is )?full/i,
};

function klass(reply: SmtpReply): number {
  return Math.floor(reply.code / 100);
}

function enh(reply: SmtpReply, pattern: RegExp): boolean {
  return reply.enhanced !== undefined && pattern.test(reply.enhanced);
}

function said(stage: Stage, reply: SmtpReply): string {
  return `The server answered ${STAGE_WORDS[stage]} with "${formatReply(reply)}".`;
}

function make(
  code: ProbeFindingCode,
  reply: SmtpReply,
  stage: Stage,
  because: string,
  extra: Partial<Classification> = {},
): Classification {
  return { code, transient: klass(reply) === 4, cause: `${said(stage, reply)} ${because}`.trim(), ...extra };
}

/** Sharper advice for well-known provider replies (the texts are quoted in the tests). */
function spamRemediation(text: string): string | undefined {
  if (/5\.7\.26|unauthenticated|dmarc|\bspf\b|\bdkim\b/i.test(text)) {
    return 'The receiver requires authenticated mail: publish an SPF record that covers this server, sign outgoing mail with DKIM, and align both with a DMARC policy for your domain.';
  }
  if (/spamhaus/i.test(text))
    return 'Look the sending IP up at https://check.spamhaus.org, fix the cause (open relay, compromised account, dynamic IP) and request removal there.';
  if (/\bS3140\b|\bS3150\b|outlook|hotmail|microsoft/i.test(text))
    return 'Microsoft blocks this IP: request delisting at https://sender.office.com and check the IP with Microsoft SNDS.';
  if (/\bptr\b|reverse (dns|hostname)|rdns/i.test(text))
    return 'Give the sending IP a PTR record whose name resolves back to the same IP (forward-confirmed reverse DNS); your hosting provider sets the PTR.';
  if (/dynamic|dial-?up|residential/i.test(text))
    return "The IP is listed as a dynamic/residential range: send through your provider's relay or a server with a static IP and proper reverse DNS.";
  return undefined;
}

/**
 * Map one reply to a classification, or null when the reply is a success for that stage.
 * The relay stage is inverted: a 2xx there is the problem (open relay), a refusal is correct.
 */
export function classifyReply(stage: Stage, reply: SmtpReply): Classification | null {
  const c = reply.code;
  const k = klass(reply);
  const text = `${reply.enhanced ?? ''} ${reply.text}`;

  if (stage === 'relay') {
    if (k === 2) {
      return {
        code: 'SMTP_OPEN_RELAY',
        transient: false,
        cause: `An unauthenticated client was allowed to address mail to a domain this server does not host: ${STAGE_WORDS.relay} got "${formatReply(reply)}". (The probe never sends DATA, so no mail was relayed.)`,
      };
    }
    return null;
  }
  if (stage === 'banner') {
    if (c === 220) return null;
    if (k === 5)
      return make('SMTP_BANNER_REJECTED', reply, stage, 'The server refuses to talk SMTP with this client at all.', {
        remediation: spamRemediation(text),
      });
    if (c === 421 || k === 4) return classify421(stage, reply);
    return make('SMTP_PROTOCOL_VIOLATION', reply, stage, 'A greeting must be 220, 421 or 554 (RFC 5321 §4.3.2).', {
      transient: false,
    });
  }
  if (k === 2 || k === 3) return null;
  if (k !== 4 && k !== 5)
    return make('SMTP_PROTOCOL_VIOLATION', reply, stage, 'That is not a valid SMTP reply code.', { transient: false });

  // 421: the server is closing the channel (RFC 5321 §3.8), whatever the command was.
  if (c === 421) return classify421(stage, reply);

  if (
    k === 4 &&
    (RX.greylist.test(text) || (enh(reply, /^4\.7\.1$/) && RX.tryLater.test(text) && !RX.rate.test(text)))
  ) {
    return make(
      'SMTP_GREYLISTED',
      reply,
      stage,
      'This is greylisting: the first attempt from an unknown sender is deferred on purpose; a retry after a few minutes is accepted.',
    );
  }
  if (RX.tlsRequired.test(text) || c === 538 || enh(reply, /^5\.7\.11$/)) {
    return make('SMTP_TLS_REQUIRED', reply, stage, 'The server will not continue without an encrypted connection.');
  }
  if (stage !== 'auth' && (c === 530 || enh(reply, /^5\.7\.57$/) || RX.authRequired.test(text))) {
    return make('SMTP_AUTH_REQUIRED', reply, stage, 'The server only accepts this from authenticated clients.');
  }
  if (stage === 'auth') {
    if (
      c === 504 ||
      /unrecognized authentication|mechanism not (supported|available)|unsupported authentication/i.test(text)
    ) {
      return make(
        'SMTP_AUTH_NOT_OFFERED',
        reply,
        stage,
        'The server does not support the authentication mechanism that was tried.',
      );
    }
    if (RX.appPassword.test(text)) {
      return make('SMTP_AUTH_FAILED', reply, stage, 'The provider refuses the account password for SMTP.', {
        remediation:
          'Create an app password (or use OAuth2) for this account and use it instead of the normal password; the provider blocks plain password logins.',
      });
    }
    return make(
      'SMTP_AUTH_FAILED',
      reply,
      stage,
      k === 4
        ? 'The server could not check the credentials right now (temporary authentication failure).'
        : 'The user name or password was not accepted.',
    );
  }
  if (RX.relay.test(text)) {
    return make(
      'SMTP_RELAY_DENIED',
      reply,
      stage,
      "The recipient's domain is not handled by this server, and it does not relay for unauthenticated clients.",
    );
  }
  if (RX.senderRejected.test(text))
    return make('SMTP_SENDER_REJECTED', reply, stage, 'The envelope sender was refused.');
  if (RX.rate.test(text)) {
    if (RX.reputation.test(text)) {
      return make('SMTP_SPAM_REJECTED', reply, stage, 'The server throttles this client because of its reputation.', {
        remediation: spamRemediation(text),
      });
    }
    return make(
      'SMTP_TOO_MANY_CONNECTIONS',
      reply,
      stage,
      'The server is throttling this client (connection, recipient or message rate limit).',
    );
  }
  if (stage === 'rcpt') {
    if (enh(reply, /^[45]\.2\.2$/) || (RX.mailboxFull.test(text) && !RX.serverStorage.test(text))) {
      return make(
        'SMTP_MAILBOX_FULL',
        reply,
        stage,
        k === 4
          ? 'The mailbox is over quota; senders will retry for a while.'
          : 'The mailbox is over quota and mail to it bounces.',
        { severity: k === 4 ? 'warning' : 'error' },
      );
    }
    // 5.4.1 "Recipient address rejected: Access denied" is Exchange Online's directory-based
    // edge blocking: the recipient is not in the tenant's directory.
    const dbeb = enh(reply, /^5\.4\.1$/) && /recipient address rejected: access denied/i.test(text);
    if (
      dbeb ||
      enh(reply, /^[45]\.1\.(1|10)$/) ||
      ((c === 550 || c === 551 || c === 553 || c === 554 || c === 450) &&
        !enh(reply, /^[45]\.7\./) &&
        RX.unknownUser.test(text)) ||
      (enh(reply, /^[45]\.1\.[06]$/) && RX.unknownUser.test(text))
    ) {
      return make(
        'SMTP_RECIPIENT_UNKNOWN',
        reply,
        stage,
        k === 4
          ? 'The server could not confirm the mailbox right now (temporary).'
          : 'That mailbox does not exist on this server.',
      );
    }
  }
  if (enh(reply, /^[45]\.7\.\d+$/) || RX.spam.test(text)) {
    return make(
      'SMTP_SPAM_REJECTED',
      reply,
      stage,
      'The server refuses mail from this client or sender by policy or reputation.',
      { remediation: spamRemediation(text) },
    );
  }
  if ([500, 501, 502, 503, 504, 555].includes(c) || enh(reply, /^[45]\.5\.[1-6]$/) || enh(reply, /^[45]\.1\.[37]$/)) {
    const because =
      c === 555 || enh(reply, /^5\.5\.4$/)
        ? "The command's parameters were not accepted (RFC 5321 §4.2.2: 501/555 parameter error)."
        : c === 503
          ? 'The commands came in an order the server does not accept (bad sequence).'
          : "The server did not accept the command's syntax.";
    return make('SMTP_SYNTAX_ERROR', reply, stage, because);
  }
  if (stage === 'mail') return make('SMTP_SENDER_REJECTED', reply, stage, 'The envelope sender was refused.');
  if (stage === 'rcpt' && ([450, 550, 551, 553].includes(c) || enh(reply, /^[45]\.[12]\.\d+$/))) {
    return make(
      'SMTP_MAILBOX_UNAVAILABLE',
      reply,
      stage,
      'The mailbox is unavailable; the reply does not say exactly why.',
    );
  }
  if (k === 4) {
    if (RX.serverStorage.test(text))
      return make(
        'SMTP_TEMPORARY_FAILURE',
        reply,
        stage,
        'The receiving server itself is short of disk space or resources.',
      );
    return make('SMTP_TEMPORARY_FAILURE', reply, stage, 'The server deferred the request; a retry may succeed.');
  }
  return make('SMTP_REJECTED', reply, stage, 'The server rejected the request permanently.');
}

function classify421(stage: Stage, reply: SmtpReply): Classification {
  const text = `${reply.enhanced ?? ''} ${reply.text}`;
  if (RX.rate.test(text) && RX.reputation.test(text)) {
    return make(
      'SMTP_SPAM_REJECTED',
      reply,
      stage,
      'The server throttles this client because of its reputation and closed the session.',
      { transient: true, remediation: spamRemediation(text) },
    );
  }
  if (enh(reply, /^4\.4\.5$/) || RX.rate.test(text)) {
    return make(
      'SMTP_TOO_MANY_CONNECTIONS',
      reply,
      stage,
      'The server is limiting connections or message rate from this client and closed the session.',
      { transient: true },
    );
  }
  if (enh(reply, /^4\.4\.2$/) || /timeout|timed out|idle/i.test(text)) {
    return make(
      'SMTP_CONNECTION_DROPPED',
      reply,
      stage,
      'The server ended the session (421 4.4.2: connection dropped or timed out on its side).',
      { transient: true },
    );
  }
  if (RX.spam.test(text)) {
    return make(
      'SMTP_SPAM_REJECTED',
      reply,
      stage,
      'The server defers this client by policy or reputation and closed the session.',
      { transient: true, remediation: spamRemediation(text) },
    );
  }
  return make(
    'SMTP_SERVICE_UNAVAILABLE',
    reply,
    stage,
    'The server is closing the session: it is unavailable right now.',
    { transient: true },
  );
}

/** Failures below the reply level, as the client reports them. */
export type FailureKind =
  | 'refused'
  | 'connect-timeout'
  | 'unreachable'
  | 'banner-timeout'
  | 'command-timeout'
  | 'total-timeout'
  | 'eof'
  | 'reset'
  | 'tls-handshake'
  | 'reply-too-large'
  | 'too-many-lines'
  | 'malformed-reply';

export interface ProbeFailure {
  kind: FailureKind;
  stage: Stage;
  message: string;
  /** errno / OpenSSL code when there is one (ECONNRESET, ERR_SSL_WRONG_VERSION_NUMBER...). */
  errno?: string;
  /** How long the bound was, for timeouts. */
  afterMs?: number;
}

/** Node socket / TLS errors to a failure kind (pure: looks at codes and messages only). */
export function failureKindOf(err: { code?: string; message?: string; library?: string }, stage: Stage): FailureKind {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ETIMEDOUT') return stage === 'connect' ? 'connect-timeout' : 'command-timeout';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') return 'unreachable';
  if (
    stage === 'tls' ||
    code.startsWith('ERR_SSL') ||
    err.library === 'SSL routines' ||
    /ssl|tls/i.test(err.message ?? '')
  )
    return 'tls-handshake';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset';
  return 'eof';
}

export function classifyFailure(f: ProbeFailure): Classification {
  const at = STAGE_WORDS[f.stage];
  const after = f.afterMs !== undefined ? ` after ${f.afterMs} ms` : '';
  switch (f.kind) {
    case 'refused':
      return {
        code: 'SMTP_CONNECTION_REFUSED',
        transient: true,
        cause:
          'The host answered with a TCP reset: nothing listens on this port, or a firewall rejects the connection.',
      };
    case 'connect-timeout':
      return {
        code: 'SMTP_CONNECT_TIMEOUT',
        transient: true,
        cause: `No answer to the TCP connection attempt${after}: the packets are probably dropped by a firewall, or the port is blocked on the way.`,
      };
    case 'unreachable':
      return {
        code: 'SMTP_CONNECT_TIMEOUT',
        transient: true,
        cause: `The host is unreachable (${f.errno ?? 'no route'}): no network route to it from the probe.`,
      };
    case 'banner-timeout':
      return {
        code: 'SMTP_BANNER_TIMEOUT',
        transient: true,
        cause: `The connection was accepted but no greeting arrived${after}. This is how tarpits and overloaded servers behave.`,
      };
    case 'command-timeout':
    case 'total-timeout':
      return {
        code: 'SMTP_COMMAND_TIMEOUT',
        transient: true,
        cause: `The server did not answer ${at}${after}${f.kind === 'total-timeout' ? " (the probe's total time bound ran out)" : ''}.`,
      };
    case 'eof':
    case 'reset':
      if (f.stage === 'tls' || f.stage === 'starttls') {
        return {
          code: 'TLS_HANDSHAKE_FAILED',
          transient: false,
          cause: `The server closed the connection during the TLS handshake (${f.errno ?? f.kind}) after agreeing to STARTTLS.`,
        };
      }
      return {
        code: 'SMTP_CONNECTION_DROPPED',
        transient: true,
        cause:
          f.stage === 'banner'
            ? `The server closed the connection before sending a greeting (${f.kind === 'reset' ? 'TCP reset' : 'connection closed'}); some servers do this to clients they block.`
            : `The server closed the connection while waiting for the reply to ${at} (${f.kind === 'reset' ? 'TCP reset' : 'connection closed'}).`,
      };
    case 'tls-handshake': {
      const plain = /wrong version number|unknown protocol|packet length too long|http request/i.test(f.message);
      return {
        code: 'TLS_HANDSHAKE_FAILED',
        transient: false,
        cause: `The TLS handshake failed: ${f.message}.${plain ? ' The server does not seem to speak TLS here.' : ''}`,
        ...(plain && f.stage === 'tls'
          ? {
              remediation:
                'Port 465 expects implicit TLS from the first byte (RFC 8314 §3.3); if this port speaks plain SMTP with STARTTLS, use 587 or 25 for it, or configure the listener for implicit TLS (Postfix: smtpd_tls_wrappermode = yes).',
            }
          : {}),
      };
    }
    case 'reply-too-large':
    case 'too-many-lines':
    case 'malformed-reply':
      return {
        code: 'SMTP_PROTOCOL_VIOLATION',
        transient: false,
        cause: `The reply to ${at} broke the protocol: ${f.message}.`,
      };
  }
}

/** Replies slower than the bound (RFC 5321 §4.5.3.2 gives generous server timeouts; senders are less patient). */
export function classifyTiming(stage: Stage, ms: number, slowMs: number): Classification | null {
  if (ms <= slowMs) return null;
  return {
    code: 'SMTP_SLOW_RESPONSE',
    transient: false,
    cause: `The reply to ${STAGE_WORDS[stage]} took ${ms} ms (the bound is ${slowMs} ms).`,
    ...(stage === 'banner'
      ? {
          remediation:
            "A slow greeting is often a deliberate greet pause (Postfix postscreen_greet_wait) or tarpit; if it is not deliberate, check the server's load and its reverse DNS lookups of clients.",
        }
      : {}),
  };
}

/**
 * RFC 5321 §4.3.1 / common practice: the greeting names the host, and that name should be the
 * PTR of the address. Only judged when the PTR lookup gave a definitive answer.
 */
export function classifyBannerHost(
  bannerHost: string | undefined,
  ptrNames: string[],
  ip: string,
): Classification | null {
  if (!bannerHost) return null;
  const names = ptrNames.map((n) => n.toLowerCase().replace(/\.$/, ''));
  if (names.includes(bannerHost) || bannerHost === ip) return null;
  return {
    code: 'SMTP_BANNER_HOSTNAME_MISMATCH',
    transient: false,
    cause: names.length
      ? `The server greets as "${bannerHost}" but ${ip} has reverse DNS ${names.join(', ')}.`
      : `The server greets as "${bannerHost}" but ${ip} has no reverse DNS (PTR) record.`,
  };
}
