import type { Severity } from '../common/finding';
import { classifyReplyText, type ReplyStage } from '../kb/reply-kb';
import { reportsData } from '../reports/data/data.loader';
import type { Category, ReplyClass } from '../reports/explain/explain.types';
import type { ProbeFindingCode } from './probe.findings';
import { formatReply, type SmtpReply } from './smtp-reply';

/**
 * The probe's one classifier (STYLE habit 5): replies, socket failures and timings in, finding
 * codes out, each with a cause in plain words and whether it is transient (worth retrying).
 * Pure and synchronous; tested on its own with real-world reply texts (test/probe/classify.test.ts).
 * Replies are classified by the shared knowledge base (src/kb/reply-kb.ts).
 */
export type Stage =
  'connect' | 'tls' | 'banner' | 'ehlo' | 'helo' | 'starttls' | 'auth' | 'mail' | 'rcpt' | 'relay' | 'rset' | 'quit';

export interface Classification {
  /** A probe code, or any reply code of the knowledge base (src/kb/reply-findings.ts). */
  code: ProbeFindingCode | (string & {});
  /** For replies: the knowledge base's category and class (the same /v1/explain gives). */
  category?: Category;
  class?: ReplyClass;
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

/** The knowledge base's view of a probe stage (RFC 5321 §4.3.2: which command the reply answers). */
const KB_STAGE: Record<Stage, ReplyStage | undefined> = {
  connect: 'connect',
  tls: undefined,
  banner: 'connect',
  ehlo: 'helo',
  helo: 'helo',
  starttls: 'starttls',
  auth: 'auth',
  mail: 'mail',
  rcpt: 'rcpt',
  relay: 'rcpt',
  rset: undefined,
  quit: undefined,
};

function said(stage: Stage, reply: SmtpReply): string {
  return `The server answered ${STAGE_WORDS[stage]} with "${formatReply(reply)}".`;
}

/**
 * Map one reply to a classification, or null when the reply is a success for that stage. The
 * meaning of the reply comes from the one knowledge base (src/kb/reply-kb.ts) that /v1/explain,
 * bounces and logs use too, so a reply gets the same code, category and class everywhere; only
 * what is about the probe's own dialogue stays here: the relay test is inverted (a 2xx there is
 * the problem), and a reply code the stage does not allow breaks the protocol.
 */
export function classifyReply(stage: Stage, reply: SmtpReply): Classification | null {
  const k = Math.floor(reply.code / 100);
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
  if (stage === 'banner' && reply.code === 220) return null;
  if (stage === 'banner' && k !== 4 && k !== 5)
    return {
      code: 'SMTP_PROTOCOL_VIOLATION',
      transient: false,
      cause: `${said(stage, reply)} A greeting must be 220, 421 or 554 (RFC 5321 §4.3.2).`,
    };
  if (k === 2 || k === 3) return null;
  if (k !== 4 && k !== 5)
    return {
      code: 'SMTP_PROTOCOL_VIOLATION',
      transient: false,
      cause: `${said(stage, reply)} That is not a valid SMTP reply code.`,
    };

  const v = classifyReplyText(reply.lines.join('\n'), KB_STAGE[stage]);
  const data = reportsData();
  const meaning = v.pattern?.title ? `${v.pattern.title}.` : data.categories[v.category].meaning;
  const relayed = v.inner ? ` It relays what the next server said ("${v.inner.text.slice(0, 200)}").` : '';
  const fix = v.pattern?.fix?.join(' ');
  return {
    code: v.findingCode,
    category: v.category,
    class: v.class,
    transient: v.class === 'transient',
    cause: `${said(stage, reply)}${relayed} ${meaning}`.trim(),
    ...(fix ? { remediation: fix } : {}),
    // RFC 3463 §3.3: a full mailbox answered with 4xx is retried; a 5xx bounces.
    ...(v.findingCode === 'SMTP_MAILBOX_FULL' ? { severity: v.class === 'transient' ? 'warning' : 'error' } : {}),
  };
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
    case 'total-timeout':
      // Whatever timer fired, the finding names the stage that was waiting: a server that accepted
      // the connection and stayed silent is a banner timeout, an unanswered SYN a connect timeout.
      if (f.stage === 'banner') return classifyFailure({ ...f, kind: 'banner-timeout' });
      if (f.stage === 'connect') return classifyFailure({ ...f, kind: 'connect-timeout' });
      return {
        code: 'SMTP_COMMAND_TIMEOUT',
        transient: true,
        cause: `The server did not answer ${at}${after} (the check's time limit ran out while waiting for it).`,
      };
    case 'command-timeout':
      return {
        code: 'SMTP_COMMAND_TIMEOUT',
        transient: true,
        cause: `The server did not answer ${at}${after}.`,
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
