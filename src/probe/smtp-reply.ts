/**
 * SMTP reply parsing (RFC 5321 §4.2) with RFC 3463 enhanced status codes (RFC 2034 §3).
 * Pure: the client feeds it complete lines; bounds on size and count live in the client.
 */
export interface SmtpReply {
  /** Three-digit reply code (RFC 5321 §4.2). */
  code: number;
  /** Enhanced status code "class.subject.detail" from the first line, when the server sends one. */
  enhanced?: string;
  /** Reply text without code and enhanced status, lines joined with "\n". */
  text: string;
  /** The raw lines as received (without CRLF). */
  lines: string[];
}

const LINE = /^(\d{3})([ -])(.*)$/;
const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})(?:\s+|$)/;

export type LineParse = { ok: true; code: number; last: boolean; text: string } | { ok: false };

/** Parse one reply line: "250-text" continues, "250 text" (or a bare "250") ends the reply. */
export function parseReplyLine(line: string): LineParse {
  if (/^\d{3}$/.test(line)) return { ok: true, code: Number(line), last: true, text: '' };
  const m = LINE.exec(line);
  if (!m) return { ok: false };
  return { ok: true, code: Number(m[1]), last: m[2] === ' ', text: m[3] ?? '' };
}

/** Assemble the lines of one complete reply. Every line must carry the same code (§4.2.1). */
export function buildReply(lines: string[]): SmtpReply | null {
  const parsed = lines.map(parseReplyLine);
  if (parsed.length === 0 || parsed.some((p) => !p.ok)) return null;
  const ok = parsed as Extract<LineParse, { ok: true }>[];
  const code = ok[0]!.code;
  if (code < 200 || code > 599 || ok.some((p) => p.code !== code)) return null;
  let enhanced: string | undefined;
  const texts = ok.map((p, i) => {
    const e = ENHANCED.exec(p.text);
    // RFC 3463 §2: the enhanced class must match the reply class to count.
    if (e && Number(e[1]) === Math.floor(code / 100)) {
      if (i === 0) enhanced = `${e[1]}.${Number(e[2])}.${Number(e[3])}`;
      return p.text.slice(e[0].length);
    }
    return p.text;
  });
  return { code, ...(enhanced ? { enhanced } : {}), text: texts.join('\n').trim(), lines };
}

/** "550 5.1.1 text" for messages and evidence. */
export function formatReply(r: SmtpReply): string {
  return `${r.code}${r.enhanced ? ` ${r.enhanced}` : ''}${r.text ? ` ${r.text.replace(/\n/g, ' / ')}` : ''}`;
}

/**
 * EHLO keywords (RFC 5321 §4.1.1.1): the first line is the greeting, each further line is
 * "KEYWORD params". Keys are upper-cased; "AUTH=LOGIN" (old Outlook form) is folded into AUTH.
 */
export function parseEhlo(reply: SmtpReply): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const rows = reply.text.split('\n').slice(1);
  for (const row of rows) {
    const parts = row.trim().split(/\s+/).filter(Boolean);
    if (!parts.length) continue;
    let key = parts[0]!.toUpperCase();
    let params = parts.slice(1);
    if (key.startsWith('AUTH=')) {
      params = [key.slice(5), ...params];
      key = 'AUTH';
    }
    if (!/^[A-Z0-9][A-Z0-9-]*$/.test(key)) continue;
    out[key] = [...new Set([...(out[key] ?? []), ...params.map((p) => (key === 'AUTH' ? p.toUpperCase() : p))])];
  }
  return out;
}

/** The host name the server gives in its 220 greeting (RFC 5321 §4.3.1: "220 domain text"). */
export function bannerHostname(reply: SmtpReply): string | undefined {
  const first = reply.text.split('\n')[0]?.trim().split(/\s+/)[0];
  if (!first) return undefined;
  const h = first.replace(/^\[|\]$/g, '').toLowerCase();
  return /^[a-z0-9_.:-]+$/.test(h) && /[.:]/.test(h) ? h.replace(/\.$/, '') : undefined;
}
