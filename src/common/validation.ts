import { domainToASCII } from 'node:url';
import { Transform } from 'class-transformer';
import { registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * Domain names from strangers: trimmed, lower-cased, a trailing dot dropped, IDN to punycode
 * (RFC 5890), then checked against RFC 1035 §2.3.4 limits (labels 1-63 octets, name <= 253)
 * and LDH syntax (RFC 1123 §2.1 allows a leading digit). Underscores are accepted in labels
 * because SPF/DKIM/DMARC owner names use them (RFC 8552).
 */
export function normalizeDomain(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  let s = raw.trim().toLowerCase();
  if (s.endsWith('.')) s = s.slice(0, -1);
  if (!s || s.length > 253 * 4) return null;
  if (/[\s/\\@:?#[\]]/.test(s)) return null;
  const ascii = /^[\x21-\x7e]+$/.test(s) ? s : domainToASCII(s);
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2) return null;
  for (const l of labels) {
    if (l.length < 1 || l.length > 63) return null;
    if (!/^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/.test(l)) return null;
  }
  // The top-level label is never all-numeric (RFC 3696 §2): "1.2.3.4" is an address, not a name.
  if (/^\d+$/.test(labels[labels.length - 1]!)) return null;
  return ascii;
}

/**
 * Mailbox per RFC 5321 §4.1.2 (dot-atom or quoted local part) with RFC 6531 UTF-8 local parts;
 * the domain part goes through normalizeDomain, or is an address literal [1.2.3.4].
 */
export function normalizeAddress(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const s = raw.trim();
  if (s.length > 320 || /[\r\n\0]/.test(s)) return null;
  const at = s.lastIndexOf('@');
  if (at <= 0) return null;
  const local = s.slice(0, at);
  const domainPart = s.slice(at + 1);
  if (Buffer.byteLength(local) > 64) return null;
  const dotAtom = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
  const quoted = /^"([\x20\x21\x23-\x5b\x5d-\x7e\u0080-\uffff]|\\[\x20-\x7e])*"$/u;
  if (!dotAtom.test(local) && !quoted.test(local)) return null;
  if (/^\[(\d{1,3}\.){3}\d{1,3}\]$/.test(domainPart)) return `${local}@${domainPart}`;
  const domain = normalizeDomain(domainPart);
  return domain ? `${local}@${domain}` : null;
}

/** Host name or IP literal (for probe targets). */
export function normalizeHost(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const s = raw.trim().replace(/^\[|\]$/g, '');
  if (/^(\d{1,3})(\.\d{1,3}){3}$/.test(s) && s.split('.').every((o) => Number(o) <= 255)) return s;
  if (s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s)) return s.toLowerCase();
  return normalizeDomain(s);
}

function makeDecorator(name: string, fn: (v: unknown) => string | null, message: string) {
  return (options?: ValidationOptions): PropertyDecorator =>
    (target: object, propertyName: string | symbol) => {
      // Normalise first (class-transformer), then validate the normalised value.
      Transform(({ value }: { value: unknown }) =>
        Array.isArray(value) ? (value as unknown[]).map((v) => fn(v) ?? v) : (fn(value) ?? value),
      )(target, propertyName);
      registerDecorator({
        name,
        target: target.constructor,
        propertyName: propertyName as string,
        options: { message, ...options },
        // typeof: fn(null) is null, so `fn(value) === value` alone would accept null.
        validator: { validate: (value: unknown) => typeof value === 'string' && fn(value) === value },
      });
    };
}

/** A domain name (IDN converted to punycode). */
export const IsDomainName = makeDecorator(
  'isDomainName',
  normalizeDomain,
  '$property must be a valid domain name (RFC 1035), e.g. example.com',
);
/** An email address per RFC 5321 / RFC 6531. */
export const IsMailbox = makeDecorator(
  'isMailbox',
  normalizeAddress,
  '$property must be an email address (RFC 5321), e.g. user@example.com',
);
/** A host name or IP address. */
export const IsHostOrIp = makeDecorator('isHostOrIp', normalizeHost, '$property must be a host name or an IP address');
