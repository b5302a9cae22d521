import { linearRegex } from '../../common/text/linear-regex';
import type { LogEvent } from './log.types';

/**
 * Line parsers for Postfix, Exim and Sendmail logs. Each takes one line with or without its
 * syslog prefix (RFC 3164 "Mmm dd hh:mm:ss host prog[pid]: " or an RFC 5424/ISO timestamp) and
 * returns a delivery event or null. Formats per the MTAs' documentation: Postfix smtp/local/
 * pipe/virtual/error delivery records and smtpd/postscreen "NOQUEUE: reject:", Exim's main log
 * flags (=> -> ** == and "rejected RCPT"), Sendmail's "to=..., stat=" and "ruleset=... reject=".
 *
 * Every line is a stranger's text, so every pattern here runs in time linear in the line: the
 * frequent ones are written so V8's backtracking cannot rescan (disjoint character classes,
 * [^]* for "the rest of the line"), and the reject formats, whose lazy gaps can each rescan the
 * line, run on the linear-time engine behind a cheap substring test (common/text/linear-regex.ts).
 * test/security/regex-scan.test.ts checks them all.
 */

const SYSLOG =
  /^(?:<\d+>)?(?:\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)?|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)\s+\S+\s+([\w./-]+?)(?:\[\d+\])?:\s(.*)$/;
const POSTFIX_QID = /^([0-9A-F]{6,15}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,16}|NOQUEUE):\s(.*)$/;
const EXIM_LINE =
  /^(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [+-]\d{4})?\s+)?(?:\[\d+\]\s+)?([0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4})\s(.*)$/;
const EXIM_REJECT = linearRegex(
  /^(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [+-]\d{4})?\s+)?(?:\[\d+\]\s+)?(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}\s)?(H=.*?)\srejected (RCPT|MAIL|EHLO|HELO|connection|after DATA)[^:]*:\s(.*)$/,
);
const POSTFIX_REJECT = linearRegex(
  /^(?:milter-)?reject: (\S+) from ([^\s[]*)\[([^\]]+)\](?::\d+)?: (\d{3})(?: (\d\.\d{1,3}\.\d{1,3}))? (.*?)(?:; (?:from|to|proto|helo)=.*)?$/,
);
const EXIM_HOST = linearRegex(/H=(?:\(([^)]*)\)\s*)?([^\s[]*)\s*\[([^\]]+)\]/);
const SENDMAIL_REJECT = linearRegex(
  /ruleset=(\w+),.*?(?:relay=([^,]*?)(?:\s*\[([^\]]+)\])?(?: \(may be forged\))?,\s*)?reject=(.*)$/,
);
const SENDMAIL_QID = /^([A-Za-z0-9]{8,20}):\s(.*)$/;

function kv(text: string, key: string): string | undefined {
  const m = new RegExp(`(?:^|[ ,])${key}=(<[^>]*>|[^,\\s]+)`).exec(text);
  return m ? m[1].replace(/^<|>$/g, '') : undefined;
}

/** Postfix message text (after "postfix/xxx[pid]: "). */
export function parsePostfixMessage(msg: string): LogEvent | null {
  const q = POSTFIX_QID.exec(msg);
  if (!q) return null;
  const [, qid, rest] = q;
  const queueId = qid === 'NOQUEUE' ? null : qid;
  // smtpd/postscreen: "NOQUEUE: reject: RCPT from host[ip]: 554 5.7.1 <x>: Relay access denied; from=<> to=<> ..."
  const rej = rest.startsWith('reject: ') || rest.startsWith('milter-reject: ') ? POSTFIX_REJECT.exec(rest) : null;
  if (rej) {
    return {
      mta: 'postfix',
      queueId,
      kind: 'rejected',
      stage: rej[1],
      relay: rej[2] || undefined,
      clientIp: rej[3],
      code: Number(rej[4]),
      ...(rej[5] ? { dsn: rej[5] } : {}),
      response: `${rej[4]}${rej[5] ? ` ${rej[5]}` : ''} ${rej[6]}`,
      recipient: kv(rest, 'to'),
    };
  }
  const status = /status=([\w-]+)(?: \((.*)\))?/.exec(rest);
  if (status) {
    const s = status[1];
    if (s === 'expired')
      return { mta: 'postfix', queueId, kind: 'expired', response: 'message expired, returned to sender' };
    const kind =
      s === 'sent' || s === 'deliverable'
        ? 'sent'
        : s === 'deferred'
          ? 'deferred'
          : s === 'bounced' || s === 'undeliverable' || s === 'undeliverable-but-not-cached'
            ? 'bounced'
            : null;
    if (!kind) return null;
    const relay = kv(rest, 'relay');
    const relayM = relay ? /^([^[]+)\[([^\]]+)\]/.exec(relay) : null;
    return {
      mta: 'postfix',
      queueId,
      kind,
      recipient: kv(rest, 'to'),
      ...(relay ? { relay: relayM ? relayM[1] : relay } : {}),
      ...(relayM ? { relayIp: relayM[2] } : {}),
      ...(kv(rest, 'dsn') ? { dsn: kv(rest, 'dsn') } : {}),
      ...(status[2] !== undefined ? { response: status[2] } : {}),
    };
  }
  if (/^removed\s*$/.test(rest) && queueId) return { mta: 'postfix', queueId, kind: 'completed' };
  return null;
}

function parseExim(line: string): LogEvent | null {
  const rej = line.includes(' rejected ') ? EXIM_REJECT.exec(line) : null;
  if (rej) {
    const host = EXIM_HOST.exec(rej[1]);
    const reply = rej[3];
    return {
      mta: 'exim',
      queueId: null,
      kind: 'rejected',
      stage: rej[2].toUpperCase(),
      relay: host?.[2] || host?.[1] || undefined,
      clientIp: host?.[3],
      response: reply,
      recipient: /rejected RCPT <([^<>]*)>/.exec(line)?.[1],
    };
  }
  const m = EXIM_LINE.exec(line);
  if (!m) return null;
  const [, id, rest] = m;
  if (/^Completed\b/.test(rest)) return { mta: 'exim', queueId: id, kind: 'completed' };
  const d = /^(=>|->|\*\*|==|\*>)\s+(\S+)(?:\s+<([^>]+)>)?([^]*)$/.exec(rest);
  if (!d) return null;
  const flag = d[1];
  const recipient = (d[3] ?? d[2]).replace(/^<|>$/g, '');
  const tail = d[4];
  const host = /\sH=([^\s[]+)\s*\[([^\][]+)\]/.exec(tail);
  // Exim: "** addr ...: <error>" failed, "== addr ... defer (-44): <error>" deferred.
  const err = /(?::\s|defer \(-?\d+\):\s*)([^]*)$/.exec(tail.replace(/\sH=[^\s[]+\s*\[[^\][]+\]/, ''))?.[1];
  const kind = flag === '**' ? 'bounced' : flag === '==' ? 'deferred' : 'sent';
  const response = kind === 'sent' ? /\sC="([^"]*)"/.exec(tail)?.[1] : err;
  return {
    mta: 'exim',
    queueId: id,
    kind,
    recipient,
    ...(host ? { relay: host[1], relayIp: host[2] } : {}),
    ...(response ? { response } : {}),
  };
}

function parseSendmail(msg: string): LogEvent | null {
  const rej = msg.includes('ruleset=') ? SENDMAIL_REJECT.exec(msg) : null;
  if (rej) {
    const code = /^(\d{3})/.exec(rej[4])?.[1];
    const arg = /arg1=<?([^>,\s]+)>?/.exec(msg)?.[1];
    return {
      mta: 'sendmail',
      queueId: SENDMAIL_QID.exec(msg)?.[1] ?? null,
      kind: 'rejected',
      stage: rej[1],
      relay: rej[2]?.trim() || undefined,
      clientIp: rej[3],
      response: rej[4],
      ...(code ? { code: Number(code) } : {}),
      ...(arg && arg.includes('@') ? { recipient: arg } : {}),
    };
  }
  const q = SENDMAIL_QID.exec(msg);
  if (!q) return null;
  const rest = q[2];
  const stat = /(?:^|, )stat=([^]*)$/.exec(rest)?.[1];
  if (!stat || !/(?:^|, )to=/.test(rest)) return null;
  const dsn = kv(rest, 'dsn');
  const relay = /relay=([^\s,[]+)\.?\s*(?:\[([^\]]+)\])?/.exec(rest);
  const kind =
    /^Sent\b/i.test(stat) || dsn?.startsWith('2')
      ? 'sent'
      : /^Deferred\b/i.test(stat) || dsn?.startsWith('4')
        ? 'deferred'
        : 'bounced';
  return {
    mta: 'sendmail',
    queueId: q[1],
    kind,
    recipient: kv(rest, 'to')?.split(',')[0],
    ...(relay ? { relay: relay[1].replace(/\.$/, ''), ...(relay[2] ? { relayIp: relay[2] } : {}) } : {}),
    ...(dsn ? { dsn } : {}),
    response: stat.replace(/^Deferred:\s*/i, ''),
  };
}

/** Parse one log line of any supported MTA. */
export function parseLogLine(line: string): LogEvent | null {
  const sys = SYSLOG.exec(line);
  if (sys) {
    const [, prog, msg] = sys;
    if (/postfix|postscreen/i.test(prog)) return parsePostfixMessage(msg);
    if (/sendmail|sm-mta|sm-msp/i.test(prog)) return parseSendmail(msg);
    if (/exim/i.test(prog)) return parseExim(msg);
    return parsePostfixMessage(msg) ?? parseSendmail(msg);
  }
  // Exim's own log files carry no syslog prefix; bare Postfix messages (as in grok tests) neither.
  return parseExim(line) ?? parsePostfixMessage(line);
}
