/**
 * A reading of the Received trace fields (RFC 5321 §4.4): one hop per field, newest first, with
 * what the receiving MTA recorded about its client: the HELO/EHLO name, the reverse-DNS name (or
 * "unknown"), the IP address, the `by` host, the protocol (`with`) and the date.
 *
 * The grammar is loose in practice, so this reads the three layouts that cover most MTAs and
 * leaves fields undefined when it cannot tell:
 *   Postfix / Sendmail: `from HELO (RDNS [IP]) by HOST ...`, `from HELO (unknown [IP])`,
 *                       `from HELO ([IP])` (Sendmail omits RDNS when it equals HELO)
 *   Exim:               `from RDNS ([IP] helo=HELO) by HOST ...`, `from [IP] (helo=HELO)`
 *   fetchmail & co:     `from HOST [IP] by localhost with POP3/IMAP`
 * Parsing is per field and bounded (the first 2,000 characters of at most 50 fields).
 */
export interface ReceivedHop {
  raw: string;
  /** The name the client gave in HELO/EHLO, as recorded. */
  helo?: string;
  /** Reverse-DNS name recorded by the receiver; 'unknown' when it said so (Postfix). */
  rdns?: string;
  ip?: string;
  by?: string;
  /** Protocol after `with` (SMTP, ESMTP, ESMTPSA, HTTP, LMTP, local, POP3, IMAP ...), upper-cased. */
  protocol?: string;
  /** The client authenticated (ESMTPA/ESMTPSA, "authenticated" comments: RFC 3848). */
  authenticated: boolean;
  /** Epoch ms of the date after the last ';' (RFC 5321 §4.4), when parseable. */
  date?: number;
}

const MAX_FIELDS = 50;
const MAX_LEN = 2000;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

export function isIpv4(s: string | undefined): boolean {
  return !!s && IPV4.test(s) && s.split('.').every((o) => Number(o) <= 255);
}

/** Private, loopback, link-local and CGNAT ranges: no rDNS expected there (RFC 1918, RFC 6598). */
export function isPrivateIpv4(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number) as [number, number];
  return (
    a === 10 ||
    a === 127 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    (a === 100 && b >= 64 && b <= 127) ||
    a === 0
  );
}

/**
 * RFC 5322 §3.3 date-time, tolerant of the obsolete forms (§4.3). A date without a zone is read
 * as UTC ("-0000": no information about the local zone), never in this machine's local time.
 */
export function parseMailDate(value: string): { ms?: number; hasZone: boolean } {
  // [^()]: a run of "(" without ")" is read once, not once per "(" (quadratic).
  const v = value
    .replace(/\([^()]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const hasZone = /(?:[+-]\d{4}|\b(?:UT|UTC|GMT|[ECMP][SD]T|Z))\s*$/i.test(v);
  const ms = Date.parse(hasZone ? v : `${v} +0000`);
  return { ...(Number.isNaN(ms) ? {} : { ms }), hasZone };
}

export function parseReceived(value: string): ReceivedHop {
  const raw = value.slice(0, MAX_LEN).replace(/\s+/g, ' ').trim();
  const semi = raw.lastIndexOf(';');
  const clauses = semi >= 0 ? raw.slice(0, semi) : raw;
  const hop: ReceivedHop = { raw, authenticated: /\bwith (?:E?SMTPS?A|LMTPS?A)\b|\bauthenticated\b/i.test(clauses) };
  if (semi >= 0) {
    const d = parseMailDate(raw.slice(semi + 1)).ms;
    if (d !== undefined) hop.date = d;
  }
  const by = /\bby ([^\s;()]+)/i.exec(clauses);
  if (by) hop.by = by[1]!.toLowerCase();
  const withP = /\bwith ([A-Za-z0-9]+)/i.exec(clauses);
  if (withP) hop.protocol = withP[1]!.toUpperCase();
  const from = /^from ([^\s()]+)(?: \(([^)]*)\))?(?: \[([0-9a-f.:]+)\])?/i.exec(clauses);
  if (!from) return hop;
  const first = from[1]!;
  const comment = from[2] ?? '';
  const exim = /\bhelo=([^\s)]+)/i.exec(comment);
  const bracketIp = /\[([0-9a-f.:]+)\]/i.exec(comment)?.[1] ?? from[3];
  if (exim) {
    // Exim: `from RDNS ([IP] helo=HELO)`; the first token is the verified name or the [IP].
    hop.helo = exim[1]!.toLowerCase();
    if (!first.startsWith('[')) hop.rdns = first.toLowerCase();
    hop.ip = bracketIp ?? first.replace(/^\[|\]$/g, '');
  } else {
    // An address literal HELO keeps its brackets ([192.0.2.1], RFC 5321 §4.1.3); a bare IP does not.
    hop.helo = first.toLowerCase();
    // Postfix / Sendmail: `(RDNS [IP])`, `(unknown [IP])`, `([IP])`, `(IDENT:user@RDNS [IP])`.
    const rd = /^(?:[^\s@]+@)?([a-z0-9.-]+) \[/i.exec(comment);
    if (rd) hop.rdns = rd[1]!.toLowerCase();
    if (bracketIp) hop.ip = bracketIp;
  }
  return hop;
}

/** The hops of a message, newest (top) first. */
export function receivedHops(values: string[]): ReceivedHop[] {
  return values.slice(0, MAX_FIELDS).map(parseReceived);
}

/** A hop between MTAs over SMTP (or with no protocol stated), i.e. not webmail, local or mailbox fetches. */
export function isSmtpHop(h: ReceivedHop): boolean {
  return (
    h.protocol === undefined || /^(?:E?SMTPS?A?|UTF8E?SMTPS?A?)$/.test(h.protocol) || /^MICROSOFT$/.test(h.protocol)
  );
}
