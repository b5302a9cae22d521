import { bouncePatterns } from './bounce-patterns';

export interface TextBounceRecipient {
  address: string;
  /** The lines that follow the address up to the next recipient: usually the server's reply. */
  diagnostic: string;
}

const MAX_DIAG_LINES = 12;
const MAX_ERROR_SECTION = 16 * 1024;
/**
 * Longest line the recipient patterns read. No MTA writes a bounce line this long (RFC 5322
 * §2.1.1 caps lines at 998 characters); a longer one is matched on its first 4 KB only, and its
 * full text is still kept as evidence in the recipient's diagnostic.
 */
export const MAX_MATCHED_LINE = 4 * 1024;

/** RFC 5321 §4.1.2 mailbox, loosely: local@domain with a dot in the domain (or a literal). */
export function isAddress(s: string): boolean {
  return /^[^@\s<>()[\],;:"]+@(?:[a-z0-9-]+\.)+[a-z0-9-]+$|^[^@\s]+@\[[0-9a-f.:]+\]$/i.test(s);
}

const LEADING_PUNCT = new Set(['"', "'", '<', '(']);
const TRAILING_PUNCT = new Set(['>', '"', "'", ')', ',', '.', ';', ':']);

/**
 * Strips quoting punctuation around an address. A loop, not `/[>"'),.;:]+$/`: that regex retries
 * its run from every offset of a long run of punctuation that is not at the end (quadratic).
 */
export function normalizeAddress(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && LEADING_PUNCT.has(s[start]!)) start++;
  while (end > start && TRAILING_PUNCT.has(s[end - 1]!)) end--;
  return s
    .slice(start, end)
    .replace(/^mailto:/i, '')
    .trim();
}

/** Where the copy of the original message starts (its marker line), or the text's length. */
function copyStart(text: string): number {
  const p = bouncePatterns();
  let end = text.length;
  for (const re of p.originalMessageMarkers) {
    const m = re.exec(text);
    // A marker on the very first lines is a heading, not the start of the copy.
    if (m && m.index > 40 && m.index < end) end = m.index;
  }
  return end;
}

/** The human-readable part of a bounce: everything before the copy of the original message. */
export function errorSection(text: string): string {
  return text.slice(0, Math.min(copyStart(text), MAX_ERROR_SECTION));
}

/**
 * The header block of the original message copied into a bounce's text (after "----- Unsent
 * message follows -----" and the like), for bounces that carry no message/rfc822 part.
 */
export function copiedHeaders(text: string): string | null {
  const start = copyStart(text);
  if (start >= text.length) return null;
  const after = text
    .slice(start)
    .replace(/^[^\n]*\n/, '')
    .replace(/^\s*\n/, '');
  const block = after.split(/\r?\n\r?\n/, 1)[0];
  return /^[\w-]+:/m.test(block) ? block : null;
}

/**
 * Recipients of a bounce without a delivery-status part. Structured line formats first (qmail
 * "<addr>:", Sendmail "addr... reason", Exim indented address, "Recipient: addr"), then any
 * address in a sentence, then any address at all; `exclude` holds the sender and daemon addresses.
 */
export function parseTextBounce(text: string, exclude: Set<string>): TextBounceRecipient[] {
  const p = bouncePatterns();
  const section = errorSection(text.replace(/\r\n?/g, '\n'));
  const fullLines = section.split('\n');
  const lines = fullLines.map((l) => (l.length > MAX_MATCHED_LINE ? l.slice(0, MAX_MATCHED_LINE) : l));
  const usable = (a: string): boolean => isAddress(a) && !exclude.has(a.toLowerCase()) && !p.ignoreAddress.test(a);
  // Formats that name the failed recipient unambiguously are trusted even for the sender's own address.
  // "addr:" alone on its line is Exim's (and 1&1's) list of failed addresses, reason on the next line.
  const trusted = new Set([
    'qmail',
    'postfix-text',
    'sendmail',
    'exchange',
    'bracketed-reason',
    'address-colon',
    'address-alone-colon',
  ]);
  const usableFor = (id: string, a: string): boolean =>
    trusted.has(id) ? isAddress(a) && !p.ignoreAddress.test(a) : usable(a);

  const found: { address: string; line: number; rest: string }[] = [];
  const structured = p.recipientLines.filter((r) => r.id !== 'inline' && r.id !== 'bare');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    // Every recipient pattern names an address, so a line without "@" is skipped before any runs.
    if (!line.includes('@') || p.ignoreLines.test(line)) continue;
    for (const r of structured) {
      const m = r.re.exec(line);
      if (!m) continue;
      const address = normalizeAddress(m[1]);
      if (!usableFor(r.id, address)) continue;
      if (!found.some((f) => f.address.toLowerCase() === address.toLowerCase()))
        found.push({ address, line: i, rest: m[2] ?? '' });
      break;
    }
  }

  // Then an address in a sentence, then any address. Role addresses (postmaster@, root@) are
  // skipped first because they usually sign the bounce, and accepted last because mail to
  // postmaster@ bounces too (RFC 5321 §4.5.1 requires the mailbox, not that it works).
  for (const allowRole of [false, true]) {
    const ok = (a: string): boolean => (allowRole ? isAddress(a) && !exclude.has(a.toLowerCase()) : usable(a));
    for (const id of ['inline', 'bare']) {
      if (found.length > 0) break;
      const re = p.recipientLines.find((r) => r.id === id)?.re;
      if (!re) continue;
      for (let i = 0; i < lines.length && found.length === 0; i++) {
        if (!lines[i].includes('@') || p.ignoreLines.test(lines[i])) continue;
        for (const m of re.matchAll(lines[i])) {
          const address = normalizeAddress(m[1]);
          if (ok(address) && !/^(mailer-daemon|mailer_daemon|mail-daemon|double-bounce)@/i.test(address)) {
            found.push({ address, line: i, rest: '' });
            break;
          }
        }
      }
    }
  }

  return found.map((f, idx) => {
    let stop = Math.min(found[idx + 1]?.line ?? lines.length, f.line + 1 + MAX_DIAG_LINES);
    // Sendmail lists one entry per line ("550 host (smtp)... Host unknown"); the next entry or
    // "While talking to" heading belongs to another recipient or host.
    for (let j = f.line + 1; j < stop; j++) {
      if (p.diagnosticStop.test(lines[j])) {
        stop = j;
        break;
      }
    }
    const following = fullLines.slice(f.line + 1, stop).filter((l) => l.trim().length > 0);
    const diagnostic = [f.rest, ...following].join('\n').trim();
    return { address: f.address, diagnostic };
  });
}

/**
 * A bounce forwarded by a person ("Fwd: Returned mail", "Begin forwarded message:") quotes every
 * line with "> ". Strip one level so the report inside reads as the MTA wrote it. Sendmail's own
 * ">>> RCPT" transcript lines are not quoting and do not count.
 */
export function unquoteForwarded(text: string): string {
  const lines = text.split(/\r?\n/);
  const nonEmpty = lines.filter((l) => l.trim().length > 0);
  const quoted = nonEmpty.filter((l) => /^>/.test(l) && !/^>>>\s/.test(l));
  // [ \t], not \s: under the m flag "^\s*" rescans a run of blank lines from every line start.
  const forwardMarker = /^[ \t]*(?:-+[ \t]*)?(?:begin forwarded message|forwarded message|original message)\b/im.test(
    text,
  );
  if (quoted.length < 5 || (quoted.length < nonEmpty.length * 0.6 && !forwardMarker)) return text;
  return lines.map((l) => (/^>/.test(l) && !/^>>>\s/.test(l) ? l.replace(/^> ?/, '') : l)).join('\n');
}
