import { bouncePatterns } from './bounce-patterns';

export interface TextBounceRecipient {
  address: string;
  /** The lines that follow the address up to the next recipient: usually the server's reply. */
  diagnostic: string;
}

const MAX_DIAG_LINES = 12;
const MAX_ERROR_SECTION = 16 * 1024;

/** RFC 5321 §4.1.2 mailbox, loosely: local@domain with a dot in the domain (or a literal). */
export function isAddress(s: string): boolean {
  return /^[^@\s<>()[\],;:"]+@(?:[a-z0-9-]+\.)+[a-z0-9-]+$|^[^@\s]+@\[[0-9a-f.:]+\]$/i.test(s);
}

export function normalizeAddress(s: string): string {
  return s.replace(/^["'<(]+|[>"'),.;:]+$/g, '').replace(/^mailto:/i, '').trim();
}

/** The human-readable part of a bounce: everything before the copy of the original message. */
export function errorSection(text: string): string {
  const p = bouncePatterns();
  let end = text.length;
  for (const re of p.originalMessageMarkers) {
    const m = re.exec(text);
    // A marker on the very first lines is a heading, not the start of the copy.
    if (m && m.index > 40 && m.index < end) end = m.index;
  }
  return text.slice(0, Math.min(end, MAX_ERROR_SECTION));
}

/**
 * Recipients of a bounce without a delivery-status part. Structured line formats first (qmail
 * "<addr>:", Sendmail "addr... reason", Exim indented address, "Recipient: addr"), then any
 * address in a sentence, then any address at all; `exclude` holds the sender and daemon addresses.
 */
export function parseTextBounce(text: string, exclude: Set<string>): TextBounceRecipient[] {
  const p = bouncePatterns();
  const section = errorSection(text.replace(/\r\n?/g, '\n'));
  const lines = section.split('\n');
  const usable = (a: string): boolean => isAddress(a) && !exclude.has(a.toLowerCase()) && !p.ignoreAddress.test(a);
  // Formats that name the failed recipient unambiguously are trusted even for the sender's own address.
  const trusted = new Set(['qmail', 'postfix-text', 'sendmail', 'exchange', 'bracketed-reason', 'address-colon']);
  const usableFor = (id: string, a: string): boolean => (trusted.has(id) ? isAddress(a) && !p.ignoreAddress.test(a) : usable(a));

  const found: { address: string; line: number; rest: string }[] = [];
  const structured = p.recipientLines.filter((r) => r.id !== 'inline' && r.id !== 'bare');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (p.ignoreLines.test(line)) continue;
    for (const r of structured) {
      const m = r.re.exec(line);
      if (!m) continue;
      const address = normalizeAddress(m[1]);
      if (!usableFor(r.id, address)) continue;
      if (!found.some((f) => f.address.toLowerCase() === address.toLowerCase())) found.push({ address, line: i, rest: m[2] ?? '' });
      break;
    }
  }

  if (found.length === 0) {
    for (const id of ['inline', 'bare']) {
      const re = p.recipientLines.find((r) => r.id === id)?.re;
      if (!re) continue;
      for (let i = 0; i < lines.length && found.length === 0; i++) {
        if (p.ignoreLines.test(lines[i])) continue;
        const g = new RegExp(re.source, 'gi');
        for (const m of lines[i].matchAll(g)) {
          const address = normalizeAddress(m[1]);
          if (usable(address)) {
            found.push({ address, line: i, rest: '' });
            break;
          }
        }
      }
      if (found.length > 0) break;
    }
  }

  return found.map((f, idx) => {
    const stop = Math.min(found[idx + 1]?.line ?? lines.length, f.line + 1 + MAX_DIAG_LINES);
    const following = lines.slice(f.line + 1, stop).filter((l) => l.trim().length > 0);
    const diagnostic = [f.rest, ...following].join('\n').trim();
    return { address: f.address, diagnostic };
  });
}
