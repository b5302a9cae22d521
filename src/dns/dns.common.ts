import type { DnsLookup, DnsResolver, DnsStatus, RRType } from '../infra/dns/resolver.port';

/** Status of one section of the audit. `indeterminate` = a lookup failed: never reported as missing. */
export type SectionStatus = 'ok' | 'warn' | 'fail' | 'missing' | 'indeterminate' | 'skipped';

export const INDETERMINATE_STATUSES: readonly DnsStatus[] = ['servfail', 'refused', 'timeout', 'error'];

export function isIndeterminate(l: Pick<DnsLookup, 'status'>): boolean {
  return INDETERMINATE_STATUSES.includes(l.status);
}

/** A short, user-facing description of a failed lookup. */
export function describeFailure(l: DnsLookup): string {
  return `${l.type} ${l.name}: ${l.status}${l.error ? ` (${l.error})` : ''}`;
}

/** A resolver that counts the queries one section makes (the "lookups" of each section). */
export interface CountingResolver extends DnsResolver {
  readonly count: number;
}

export function countingResolver(inner: DnsResolver): CountingResolver {
  let count = 0;
  return {
    get count() {
      return count;
    },
    query<T extends RRType>(name: string, type: T, opts?: Parameters<DnsResolver['query']>[2]): Promise<DnsLookup<T>> {
      count++;
      return inner.query(name, type, opts);
    },
  };
}

/** Joins each TXT record's character-strings (RFC 7208 §3.3, RFC 7489 §6.1, RFC 6376 §3.6.2.2). */
export function txtStrings(l: DnsLookup<'TXT'>): string[] {
  return l.answers.map((chunks) => chunks.join(''));
}

/** Tag-list syntax shared by DKIM, DMARC, TLS-RPT and BIMI (RFC 6376 §3.2). */
export function parseTagList(text: string): { tags: Map<string, string>; errors: string[] } {
  const tags = new Map<string, string>();
  const errors: string[] = [];
  for (const part of text.split(';')) {
    const t = part.trim();
    if (!t) continue;
    const eq = t.indexOf('=');
    if (eq <= 0) {
      errors.push(`"${t}" is not tag=value`);
      continue;
    }
    const name = t.slice(0, eq).trim().toLowerCase();
    const value = t.slice(eq + 1).trim();
    if (!/^[a-z][a-z0-9_]*$/.test(name)) {
      errors.push(`"${name}" is not a valid tag name`);
      continue;
    }
    // RFC 6376 §3.2: duplicate tags make the whole list invalid.
    if (tags.has(name)) errors.push(`tag "${name}" appears more than once`);
    tags.set(name, value);
  }
  return { tags, errors };
}

/**
 * At most `max` queries of one audit in flight: the DKIM sweep alone asks ~40 names of the same
 * authoritative servers, and bursts like that get rate-limited (or dropped, over UDP).
 */
export function limitInFlight(inner: DnsResolver, max: number): DnsResolver {
  let active = 0;
  const waiting: (() => void)[] = [];
  return {
    async query<T extends RRType>(
      name: string,
      type: T,
      opts?: Parameters<DnsResolver['query']>[2],
    ): Promise<DnsLookup<T>> {
      if (active >= max) await new Promise<void>((r) => waiting.push(r));
      active++;
      try {
        return await inner.query(name, type, opts);
      } finally {
        active--;
        waiting.shift()?.();
      }
    },
  };
}
