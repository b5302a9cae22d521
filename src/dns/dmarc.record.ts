import { parseTagList } from './dns.common';

/**
 * The DMARC record (RFC 9989 §4.7, which obsoletes RFC 7489 §6.3). Tag-by-tag validation written
 * here because the libraries at hand (mailauth) fold every problem into "no policy", and an audit
 * must say which tag is wrong and how to fix it.
 *
 * What RFC 9989 changed for a record reader, and what this parser does about it:
 * - `pct`, `rf` and `ri` are removed: they are recorded in `removed` (the check warns with the
 *   migration advice), never rejected; RFC 7489 readers may still honour them, so the value is kept.
 * - `t` (y/n) replaces `pct` for testing; `np` is the policy for non-existent subdomains; `psd`
 *   (y/n/u) marks Public Suffix Domain records and organizational-domain boundaries.
 * - Unknown tags MUST be ignored (§4.7).
 * - `p` is no longer strictly required: a record without it is treated as `p=none` (`pMissing`).
 *   An RFC 7489 reader ignores such a record unless it has a valid rua= (RFC 7489 §6.6.3 step 6).
 */
export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

export interface DmarcUri {
  uri: string;
  address?: string;
  host?: string;
  size?: string;
  valid: boolean;
}

export interface ParsedDmarc {
  valid: boolean;
  errors: string[];
  tags: Record<string, string>;
  p?: DmarcPolicy;
  sp?: DmarcPolicy;
  np?: DmarcPolicy;
  /** No p= tag (RFC 9989: treated as p=none; RFC 7489 readers may ignore the record). */
  pMissing: boolean;
  /** RFC 7489's pct, kept for legacy readers and BIMI; RFC 9989 receivers ignore it. */
  pct: number;
  t: 'y' | 'n';
  psd: 'y' | 'n' | 'u';
  adkim: 'r' | 's';
  aspf: 'r' | 's';
  rua: DmarcUri[];
  ruf: DmarcUri[];
  /** Tags RFC 9989 removed that the record still carries (pct, rf, ri). */
  removed: string[];
}

export const POLICIES: readonly DmarcPolicy[] = ['none', 'quarantine', 'reject'];
export const REMOVED_TAGS = ['pct', 'rf', 'ri'] as const;

/** True when the TXT string is a DMARC record (RFC 9989 §4.7: it starts with v=DMARC1). */
export function isDmarcRecord(txt: string): boolean {
  return /^v\s*=\s*DMARC1\s*(;|$)/i.test(txt.trim());
}

/** dmarc-uri = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ]; only mailto: is usable (RFC 9990 §3). */
function parseUris(value: string, tag: string, errors: string[]): DmarcUri[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((uri) => {
      const m = /^mailto:([^!@\s]+@([^!\s]+?))(?:!(\d+[kmgt]?))?$/i.exec(uri);
      if (!m) {
        errors.push(`${tag}: "${uri}" is not a mailto: URI (RFC 9989 §4.7)`);
        return { uri, valid: false };
      }
      return { uri, address: m[1]!, host: m[2]!.toLowerCase(), ...(m[3] ? { size: m[3] } : {}), valid: true };
    });
}

export function parseDmarc(text: string): ParsedDmarc {
  const errors: string[] = [];
  const out: ParsedDmarc = {
    valid: false,
    errors,
    tags: {},
    pMissing: false,
    pct: 100,
    t: 'n',
    psd: 'u',
    adkim: 'r',
    aspf: 'r',
    rua: [],
    ruf: [],
    removed: [],
  };
  const { tags, errors: listErrors } = parseTagList(text);
  errors.push(...listErrors);
  out.tags = Object.fromEntries(tags);
  if (!/^v\s*=\s*DMARC1\s*(;|$)/.test(text.trim()))
    errors.push('the record must start with "v=DMARC1" (RFC 9989 §4.7)');
  for (const [k, v] of tags) {
    switch (k) {
      case 'v':
        break;
      case 'p':
      case 'sp':
      case 'np':
        if (!POLICIES.includes(v.toLowerCase() as DmarcPolicy))
          errors.push(`${k}="${v}" must be none, quarantine or reject`);
        else out[k] = v.toLowerCase() as DmarcPolicy;
        break;
      case 'adkim':
      case 'aspf':
        if (!/^[rs]$/i.test(v)) errors.push(`${k}="${v}" must be r or s`);
        else out[k] = v.toLowerCase() as 'r' | 's';
        break;
      case 'rua':
      case 'ruf':
        out[k] = parseUris(v, k, errors);
        break;
      case 'fo':
        if (!/^[01ds](:[01ds])*$/i.test(v)) errors.push(`fo="${v}" must be a colon-separated list of 0, 1, d, s`);
        break;
      case 'psd':
        if (!/^[ynu]$/i.test(v)) errors.push(`psd="${v}" must be y, n or u (RFC 9989 §4.7)`);
        else out.psd = v.toLowerCase() as 'y' | 'n' | 'u';
        break;
      case 't':
        if (!/^[yn]$/i.test(v)) errors.push(`t="${v}" must be y or n (RFC 9989 §4.7)`);
        else out.t = v.toLowerCase() as 'y' | 'n';
        break;
      case 'pct':
        // Removed by RFC 9989; kept (when well-formed) for RFC 7489 readers and BIMI.
        out.removed.push(k);
        if (/^\d{1,3}$/.test(v) && Number(v) <= 100) out.pct = Number(v);
        break;
      case 'rf':
      case 'ri':
        out.removed.push(k);
        break;
      default:
        // RFC 9989 §4.7: unknown tags MUST be ignored.
        break;
    }
  }
  if (!tags.has('p')) out.pMissing = true;
  out.valid = errors.length === 0;
  return out;
}

/** Render tags back into a record, v= first, p= next by convention. */
export function formatDmarc(tags: Record<string, string>): string {
  const order = ['v', 'p', 'sp', 'np', 't', 'psd', 'adkim', 'aspf', 'rua', 'ruf', 'fo', 'pct', 'ri', 'rf'];
  const keys = [...order.filter((k) => k in tags), ...Object.keys(tags).filter((k) => !order.includes(k))];
  return keys.map((k) => `${k}=${tags[k]}`).join('; ');
}

/**
 * The record an RFC 9989 domain owner should publish instead (migration advice for removed tags):
 * rf= and ri= moved to the reporting documents and are dropped; pct=0 becomes t=y (the testing mode
 * that replaced it); any other pct is dropped, because RFC 9989 receivers already apply p= to all
 * failing mail (partial application no longer exists) and only RFC 7489 readers still sample.
 */
export function migrateRemovedTags(tags: Record<string, string>): Record<string, string> {
  const { pct, rf: _rf, ri: _ri, ...rest } = tags;
  if (pct !== undefined && /^0+$/.test(pct.trim()) && rest.t === undefined) rest.t = 'y';
  return rest;
}
