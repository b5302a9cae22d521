import type { Clock } from '../checks/check-kind';
import type { DnsResolver } from '../infra/dns/resolver.port';
import {
  classifyBannerHost,
  classifyFailure,
  classifyReply,
  classifyTiming,
  failureKindOf,
  type Classification,
  type Stage,
} from './classify';
import { authenticate, chooseMechanism } from './smtp-auth';
import { ProbeFailureError, SmtpSession, type TimedReply, type TranscriptLine } from './smtp-client';
import type { SmtpConnector } from './smtp-connector.port';
import { bannerHostname, formatReply, parseEhlo, type SmtpReply } from './smtp-reply';
import type { ProbeSettings } from './probe.settings';
import { identifyMta, softwareIssues, type MtaSoftware } from './mta-software';
import { inspectTls, type TlsReport } from './tls-inspect';

/** One issue of one host/port: a classification plus the stage it came from. */
export type ProbeIssue = Classification & { stage?: Stage; reply?: string };

export interface EhloInfo {
  greeting: string;
  extensions: Record<string, string[]>;
  size?: number;
  pipelining: boolean;
  eightBitMime: boolean;
  smtpUtf8: boolean;
  chunking: boolean;
  enhancedStatusCodes: boolean;
  dsn: boolean;
  starttls: boolean;
  auth: string[];
}

export type Reached = 'none' | 'connected' | 'banner' | 'ehlo' | 'complete';

export interface HostPortProbe {
  host: string;
  ip: string;
  port: number;
  mxPriority?: number;
  startedAt: string;
  cached?: boolean;
  reached: Reached;
  timings: { connectMs?: number; bannerMs?: number; totalMs: number; replies: { stage: Stage; ms: number }[] };
  banner?: { code: number; text: string; hostname?: string; ptr?: string[] };
  /** EHLO before TLS (or the only one); `ehloTls` after STARTTLS / on implicit TLS. */
  ehlo?: EhloInfo;
  ehloTls?: EhloInfo;
  tls?: TlsReport & { implicit: boolean };
  /** MTA software and version as the server announces them (a claim, see mta-software.ts). */
  software?: MtaSoftware;
  auth?: { mechanism?: string; ok: boolean; reply?: string; note?: string };
  mailFrom?: { address: string; reply: string };
  rcpt?: { address: string; reply: string; accepted: boolean };
  relay?: { from: string; to: string; reply?: string; open: boolean | null };
  issues: ProbeIssue[];
  transcript: TranscriptLine[];
}

export interface ProbePlan {
  ehloName: string;
  mailFrom?: string;
  recipient?: string;
  auth?: { username: string; password: string };
  relayTest: boolean;
}

export interface SessionDeps {
  connector: SmtpConnector;
  dns: DnsResolver;
  clock: Clock;
}

function ehloInfo(reply: SmtpReply): EhloInfo {
  const ext = parseEhlo(reply);
  const size = ext.SIZE?.[0] !== undefined ? Number(ext.SIZE[0]) : undefined;
  return {
    greeting: reply.text.split('\n')[0] ?? '',
    extensions: ext,
    ...(size !== undefined && Number.isFinite(size) ? { size } : {}),
    pipelining: 'PIPELINING' in ext,
    eightBitMime: '8BITMIME' in ext,
    smtpUtf8: 'SMTPUTF8' in ext,
    chunking: 'CHUNKING' in ext,
    enhancedStatusCodes: 'ENHANCEDSTATUSCODES' in ext,
    dsn: 'DSN' in ext,
    starttls: 'STARTTLS' in ext,
    auth: ext.AUTH ?? [],
  };
}

/** RFC 1035 §3.5 / RFC 3596 §2.5 reverse names. */
export function reverseName(ip: string): string {
  if (ip.includes(':')) {
    const parts = ip.split('::');
    const head = parts[0] ? parts[0].split(':') : [];
    const tail = parts[1] ? parts[1].split(':') : [];
    const groups = [...head, ...new Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
    return `${groups
      .map((g) => g.padStart(4, '0'))
      .join('')
      .split('')
      .reverse()
      .join('.')}.ip6.arpa`;
  }
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

/** A reply ends the dialogue when the server closes (421) or refuses further commands. */
class Stop extends Error {}

/**
 * Probe one host/ip/port: connect, banner, EHLO, STARTTLS, optional relay test, AUTH, MAIL/RCPT,
 * QUIT. Every outcome is data in the returned HostPortProbe; nothing here throws for the server's
 * behaviour (STYLE habit 4).
 */
export async function probeHostPort(
  target: { host: string; ip: string; port: number; mxPriority?: number; hostIsIp: boolean },
  plan: ProbePlan,
  settings: ProbeSettings,
  deps: SessionDeps,
  signal: AbortSignal,
): Promise<HostPortProbe> {
  const t0 = deps.clock.now();
  const out: HostPortProbe = {
    host: target.host,
    ip: target.ip,
    port: target.port,
    ...(target.mxPriority !== undefined ? { mxPriority: target.mxPriority } : {}),
    startedAt: t0.toISOString(),
    reached: 'none',
    timings: { totalMs: 0, replies: [] },
    issues: [],
    transcript: [],
  };
  const implicit = settings.implicitTlsPorts.includes(target.port);
  const submission = settings.submissionPorts.includes(target.port);
  const tlsOpts = { servername: target.hostIsIp ? undefined : target.host, extraCa: settings.extraCa };
  const ms = () => deps.clock.now().getTime() - t0.getTime();
  const issue = (c: Classification | null, stage?: Stage, reply?: SmtpReply) => {
    if (c) out.issues.push({ ...c, ...(stage ? { stage } : {}), ...(reply ? { reply: formatReply(reply) } : {}) });
  };
  const ptr = deps.dns.query(reverseName(target.ip), 'PTR', { signal }).catch(() => undefined);

  let session: SmtpSession | undefined;
  const early: TranscriptLine[] = [
    {
      at: t0.toISOString(),
      ms: 0,
      dir: 'I',
      line: `connecting to ${target.ip} port ${target.port}${implicit ? ' (implicit TLS)' : ''}`,
    },
  ];
  try {
    let stream;
    try {
      stream = await deps.connector.connect({
        ip: target.ip,
        port: target.port,
        timeoutMs: settings.connectTimeoutMs,
        signal,
        ...(implicit ? { tls: { ...tlsOpts, timeoutMs: settings.tlsTimeoutMs } } : {}),
      });
    } catch (e) {
      const err = e as { code?: string; message?: string; phase?: string };
      const stage: Stage = err.phase === 'tls' ? 'tls' : 'connect';
      if (stage === 'tls') out.reached = 'connected';
      let kind = failureKindOf(err, stage);
      if (err.code === 'ETIMEDOUT' && stage === 'tls') kind = 'command-timeout';
      if (err.code === 'ABORT_ERR') kind = 'total-timeout';
      if (stage === 'tls' && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) kind = 'eof';
      early.push({
        at: deps.clock.now().toISOString(),
        ms: ms(),
        dir: 'I',
        line: `${stage === 'tls' ? 'TLS handshake' : 'connection'} failed: ${err.code ?? ''} ${err.message ?? ''}`.trim(),
      });
      issue(
        {
          ...classifyFailure({
            kind,
            stage,
            message: err.message ?? String(e),
            ...(err.code ? { errno: err.code } : {}),
            afterMs: kind === 'connect-timeout' ? settings.connectTimeoutMs : undefined,
          }),
        },
        stage,
      );
      return out;
    }
    out.timings.connectMs = ms();
    out.reached = 'connected';
    session = new SmtpSession(stream, deps.clock, settings, signal, t0.getTime());
    session.transcript.push(...early);
    session.note(
      `connected in ${out.timings.connectMs} ms${stream.tls ? `, ${stream.tls.protocol} ${stream.tls.cipher?.name ?? ''}` : ''}`,
    );
    const s = session;

    if (stream.tls) {
      const { report, issues } = inspectTls(
        stream.tls,
        target.hostIsIp ? target.ip : target.host,
        deps.clock.now(),
        submission,
        settings.certExpiryWarnDays,
      );
      out.tls = { ...report, implicit: true };
      for (const i of issues) issue(i, 'tls');
    }

    const timed = (stage: Stage, r: TimedReply) => {
      out.timings.replies.push({ stage, ms: r.ms });
      return r.reply;
    };
    /** Classify a reply; a 421 (or any reply after which continuing is pointless) stops the dialogue. */
    const judge = (stage: Stage, reply: SmtpReply, stopOnFailure: boolean) => {
      const c = classifyReply(stage, reply);
      issue(c, stage, reply);
      if (reply.code === 421 || (c && stopOnFailure)) throw new Stop();
      return c;
    };

    // Banner (RFC 5321 §3.1, §4.3.2: 220, or 554 / 421).
    const banner = timed('banner', await s.read('banner', settings.bannerTimeoutMs));
    out.timings.bannerMs = ms();
    out.reached = 'banner';
    const host = bannerHostname(banner);
    out.banner = { code: banner.code, text: banner.text, ...(host ? { hostname: host } : {}) };
    judge('banner', banner, true);

    const ptrLookup = await ptr;
    if (ptrLookup && (ptrLookup.status === 'noerror' || ptrLookup.status === 'nxdomain')) {
      out.banner.ptr = ptrLookup.answers;
      issue(classifyBannerHost(host, ptrLookup.answers, target.ip), 'banner');
    }

    // EHLO, falling back to HELO for pre-ESMTP servers (RFC 5321 §4.1.4).
    const ehlo = async (): Promise<EhloInfo | undefined> => {
      const r = timed('ehlo', await s.command('ehlo', `EHLO ${plan.ehloName}`));
      if (r.code === 250) return ehloInfo(r);
      if (r.code === 421 || r.code === 554) judge('ehlo', r, true);
      const h = timed('helo', await s.command('helo', `HELO ${plan.ehloName}`));
      judge('helo', h, true);
      issue(
        {
          code: 'SMTP_ESMTP_NOT_SUPPORTED',
          transient: false,
          cause: `EHLO got "${formatReply(r)}"; only HELO works, so no extensions (STARTTLS, SIZE, AUTH) are available.`,
        },
        'ehlo',
        r,
      );
      return undefined;
    };
    const first = await ehlo();
    out.reached = 'ehlo';
    if (first) {
      if (stream.tls) out.ehloTls = first;
      else out.ehlo = first;
    }
    // The software the server names in its banner or EHLO greeting, and its known flaws (mta-software.ts).
    const software = identifyMta(banner.text, first?.greeting);
    if (software) out.software = software;
    for (const i of softwareIssues(software)) issue(i, 'ehlo');

    let ext = first;
    if (!stream.tls && ext?.auth.length) {
      issue(
        {
          code: 'SMTP_AUTH_BEFORE_TLS',
          transient: false,
          cause: `AUTH ${ext.auth.join(' ')} is advertised on the unencrypted connection${ext.starttls ? ' before STARTTLS' : ', and STARTTLS is not offered at all'}.`,
          ...(ext.auth.some((m) => m === 'PLAIN' || m === 'LOGIN') ? {} : { severity: 'info' as const }),
        },
        'ehlo',
      );
    }
    if (!stream.tls) {
      if (ext?.starttls) {
        const r = timed('starttls', await s.command('starttls', 'STARTTLS'));
        if (r.code === 220) {
          const info = await s.startTls(tlsOpts);
          const { report, issues } = inspectTls(
            info,
            target.hostIsIp ? target.ip : target.host,
            deps.clock.now(),
            submission,
            settings.certExpiryWarnDays,
          );
          out.tls = { ...report, implicit: false };
          for (const i of issues) issue(i, 'tls');
          ext = await ehlo();
          if (ext) out.ehloTls = ext;
        } else {
          if (r.code === 421) judge('starttls', r, true);
          issue(
            {
              code: 'TLS_HANDSHAKE_FAILED',
              transient: Math.floor(r.code / 100) === 4,
              cause: `STARTTLS is advertised but the server answered "${formatReply(r)}" instead of 220.`,
            },
            'starttls',
            r,
          );
        }
      } else {
        issue(
          {
            code: 'TLS_NOT_OFFERED',
            transient: false,
            cause: ext
              ? `The EHLO reply on port ${target.port} does not list STARTTLS.`
              : 'The server does not speak ESMTP, so it cannot offer STARTTLS.',
            ...(submission ? { severity: 'error' as const } : {}),
          },
          'ehlo',
        );
      }
    }

    // Open-relay test (RFC 5321 §7.1, RFC 2505 §2.2), unauthenticated and before AUTH; never DATA.
    if (plan.relayTest) {
      out.relay = { from: settings.relayTestFrom, to: settings.relayTestRcpt, open: null };
      const m = timed('mail', await s.command('mail', `MAIL FROM:<${settings.relayTestFrom}>`));
      if (m.code === 421) judge('mail', m, true);
      if (m.code === 250) {
        const r = timed('relay', await s.command('relay', `RCPT TO:<${settings.relayTestRcpt}>`));
        out.relay.reply = formatReply(r);
        if (r.code === 421) judge('relay', r, true);
        const c = classifyReply('relay', r);
        out.relay.open = c ? true : Math.floor(r.code / 100) === 5 ? false : null;
        issue(c, 'relay', r);
      } else {
        out.relay.reply = `MAIL FROM refused: ${formatReply(m)}`;
      }
      const rs = timed('rset', await s.command('rset', 'RSET'));
      if (rs.code === 421) judge('rset', rs, true);
    }

    if (plan.auth) {
      const offered = ext?.auth ?? [];
      const mech = chooseMechanism(offered, Boolean(s.tls));
      if (!offered.length) {
        out.auth = { ok: false, note: 'AUTH not advertised' };
        issue(
          {
            code: 'SMTP_AUTH_NOT_OFFERED',
            transient: false,
            cause: `The server does not advertise AUTH on port ${target.port}${s.tls ? ' (after TLS)' : ''}, so the credentials could not be tested.`,
          },
          'auth',
        );
      } else if (!mech) {
        out.auth = { ok: false, note: 'not attempted: only clear-text mechanisms without TLS' };
        issue(
          {
            code: 'SMTP_AUTH_NOT_OFFERED',
            transient: false,
            cause: `Only ${offered.join(', ')} is offered and the connection is not encrypted; the probe did not send your password in clear text.`,
            remediation: 'Enable STARTTLS on this port, or use port 465 with implicit TLS.',
          },
          'auth',
        );
      } else {
        const r = await authenticate(s, mech, plan.auth.username, plan.auth.password);
        timed('auth', r);
        out.auth = { mechanism: mech, ok: r.reply.code === 235, reply: formatReply(r.reply) };
        if (r.reply.code !== 235) judge('auth', r.reply, false);
      }
    }

    const from = plan.mailFrom ?? settings.mailFrom;
    if (plan.recipient || plan.mailFrom !== undefined) {
      const m = timed('mail', await s.command('mail', `MAIL FROM:<${from}>`));
      out.mailFrom = { address: from, reply: formatReply(m) };
      judge('mail', m, true);
      if (plan.recipient) {
        const r = timed('rcpt', await s.command('rcpt', `RCPT TO:<${plan.recipient}>`));
        out.rcpt = { address: plan.recipient, reply: formatReply(r), accepted: r.code === 250 || r.code === 251 };
        judge('rcpt', r, false);
      }
    }
    out.reached = 'complete';
    await s.quit();
  } catch (e) {
    if (e instanceof ProbeFailureError) {
      // Timeouts, drops and protocol breaks: no point in a polite QUIT.
      issue(classifyFailure(e.failure), e.failure.stage);
    } else if (e instanceof Stop) {
      // RFC 5321 §3.1/§3.8: after a refusal the client QUITs; after 421 the server is closing anyway.
      const last = out.issues[out.issues.length - 1];
      if (session && !last?.reply?.startsWith('421')) await session.quit(Math.min(settings.commandTimeoutMs, 5000));
    } else {
      throw e;
    }
  } finally {
    session?.close();
    out.transcript = session ? session.transcript : early;
    out.timings.totalMs = ms();
  }
  // One slow-response finding per host/port, for the slowest reply over the bound.
  const slowest = [...out.timings.replies].sort((a, b) => b.ms - a.ms)[0];
  if (slowest) issue(classifyTiming(slowest.stage, slowest.ms, settings.slowReplyMs), slowest.stage);
  return out;
}
