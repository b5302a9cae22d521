import { parseHeaders } from './mime.parser';

/** One per-recipient block of an RFC 3464 delivery-status body. */
export interface DsnRecipientFields {
  finalRecipient: string | null;
  originalRecipient: string | null;
  action: string | null;
  status: string | null;
  remoteMta: string | null;
  diagnosticCode: string | null;
  /** RFC 3464 §2.3.6 diagnostic-type, lower-cased: "smtp", "x-unix" (a local program's output), ... */
  diagnosticType: string | null;
}

export interface DsnFields {
  reportingMta: string | null;
  recipients: DsnRecipientFields[];
}

/** "rfc822; <User@Example.COM>" -> "User@Example.COM" (RFC 3464 §2.3.1-2: address-type ; address). */
export function dsnAddress(value: string | undefined): string | null {
  if (!value) return null;
  const addr = value
    .replace(/^[\w-]+\s*;\s*/, '')
    .replace(/^<|>$/g, '')
    .replace(/[<>"]/g, '')
    .trim();
  return addr.length > 0 ? addr : null;
}

/** "dns; mx.example.com" -> "mx.example.com" */
function typed(value: string | undefined): string | null {
  if (!value) return null;
  const v = value.replace(/^[\w-]+\s*;\s*/, '').trim();
  return v.length > 0 ? v : null;
}

/**
 * RFC 3464 §2.1: per-message fields, then one group of per-recipient fields per recipient,
 * groups separated by blank lines. Real DSNs omit blank lines or repeat fields, so a new
 * recipient also starts at a second Final-Recipient within one group.
 */
export function parseDeliveryStatus(body: string): DsnFields {
  const out: DsnFields = { reportingMta: null, recipients: [] };
  const groups = body.replace(/\r\n?/g, '\n').split(/\n\s*\n/);
  for (const group of groups) {
    // Within a group, a repeated recipient field starts the next recipient.
    const pieces: string[][] = [[]];
    const seen = new Set<string>();
    for (const line of group.replace(/\n[ \t]+/g, ' ').split('\n')) {
      const name = /^((?:final|original)-recipient)\s*:/i.exec(line)?.[1].toLowerCase();
      if (name && seen.has(name)) {
        pieces.push([]);
        seen.clear();
      }
      if (name) seen.add(name);
      pieces[pieces.length - 1].push(line);
    }
    for (const piece of pieces) {
      const h = parseHeaders(piece.join('\n'));
      out.reportingMta ??= typed(h.get('reporting-mta')?.[0]);
      const final = dsnAddress(h.get('final-recipient')?.[0]);
      const original = dsnAddress(h.get('original-recipient')?.[0]);
      if (!final && !original && !h.has('action') && !h.has('status') && !h.has('diagnostic-code')) continue;
      if (!final && !original && !h.has('status')) continue;
      out.recipients.push({
        finalRecipient: final,
        originalRecipient: original,
        action:
          h
            .get('action')?.[0]
            ?.toLowerCase()
            .replace(/\s[^]*$/, '') ?? null,
        status: h.get('status')?.[0]?.match(/[245]\.\d{1,3}\.\d{1,3}/)?.[0] ?? null,
        remoteMta: typed(h.get('remote-mta')?.[0]),
        diagnosticCode: typed(h.get('diagnostic-code')?.[0]),
        diagnosticType: /^\s*([\w-]+)\s*;/.exec(h.get('diagnostic-code')?.[0] ?? '')?.[1].toLowerCase() ?? null,
      });
    }
  }
  return out;
}
