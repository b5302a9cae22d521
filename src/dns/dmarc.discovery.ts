import { getDomain } from 'tldts';
import type { DnsLookup, DnsResolver } from '../infra/dns/resolver.port';
import { isIndeterminate, txtStrings } from './dns.common';
import { isDmarcRecord, parseDmarc, type ParsedDmarc } from './dmarc.record';

/**
 * DMARC policy discovery and the organizational domain by the DNS Tree Walk of RFC 9989 §4.10
 * (§4.10.1 policy discovery, §4.10.2 organizational domain), which replaced RFC 7489's Public
 * Suffix List. Written here, on the resolver port, because no maintained library does the walk
 * with per-step evidence (mailauth still uses the PSL). The PSL (tldts) stays only as the
 * explicit legacy mode `psl`, for comparing with what RFC 7489 receivers do.
 */
export type OrgDomainMode = 'tree-walk' | 'psl';

/** RFC 9989 §4.10: the walk makes at most this many queries. */
export const MAX_WALK_QUERIES = 8;

export interface WalkStep {
  domain: string;
  name: string;
  status: DnsLookup['status'];
  txt: string[];
  /** The "v=DMARC1" strings at this name. */
  records: string[];
  /** The record when exactly one was found (several are discarded: §4.10 step 2). */
  parsed?: ParsedDmarc;
}

export interface Discovery {
  mode: OrgDomainMode;
  steps: WalkStep[];
  /** The author domain's own lookup failed: nothing can be said. */
  authorIndeterminate: boolean;
  /** A parent lookup failed, so the walk stopped early and the boundary may be wrong. */
  walkIncomplete: boolean;
  orgDomain: string;
  /** How the organizational domain was chosen (shown as evidence). */
  orgReason: 'psd=n' | 'below psd=y' | 'fewest labels' | 'no record (the domain itself)' | 'public suffix list';
  /** A psd=y record met on the walk (RFC 9989 Public Suffix Domain). */
  psdDomain?: string;
}

/**
 * The names the walk queries (RFC 9989 §4.10): the domain itself, then, if it has eight labels or
 * more, the name shortened to seven labels, and then one label less each time down to the TLD;
 * never more than eight queries.
 */
export function treeWalkTargets(domain: string): string[] {
  const labels = domain.split('.').filter(Boolean);
  const out = [labels.join('.')];
  const start = Math.min(labels.length - 1, MAX_WALK_QUERIES - 1);
  for (let n = start; n >= 1; n--) out.push(labels.slice(labels.length - n).join('.'));
  return out;
}

/** The organizational domain by the Public Suffix List (RFC 7489 §3.2); legacy mode only. */
export function pslOrgDomain(domain: string): string {
  return getDomain(domain, { allowPrivateDomains: true }) ?? domain;
}

export async function queryDmarc(dns: DnsResolver, domain: string): Promise<WalkStep> {
  const lookup = await dns.query(`_dmarc.${domain}`, 'TXT');
  const txt = txtStrings(lookup);
  const records = txt.filter(isDmarcRecord);
  return {
    domain,
    name: lookup.name,
    status: lookup.status,
    txt,
    records,
    ...(records.length === 1 ? { parsed: parseDmarc(records[0]!) } : {}),
  };
}

/** The name one label below `ancestor` on the way to `domain`. */
function oneBelow(domain: string, ancestor: string): string {
  const labels = domain.split('.');
  const n = ancestor.split('.').length + 1;
  return labels.slice(labels.length - n).join('.');
}

/**
 * Walk from `domain` towards the root. The walk stops at a psd=n record (that domain is the
 * organizational domain) or at a psd=y record above the start (the organizational domain is one
 * label below it); otherwise the organizational domain is the domain with the fewest labels that
 * has a record, or, with none, the domain itself (RFC 9989 §4.10.2).
 */
export async function discoverDmarc(dns: DnsResolver, domain: string, mode: OrgDomainMode): Promise<Discovery> {
  const first = await queryDmarc(dns, domain);
  const d: Discovery = {
    mode,
    steps: [first],
    authorIndeterminate: isIndeterminate(first),
    walkIncomplete: false,
    orgDomain: domain,
    orgReason: 'no record (the domain itself)',
  };
  if (d.authorIndeterminate) return d;
  if (mode === 'psl') {
    d.orgDomain = pslOrgDomain(domain);
    d.orgReason = 'public suffix list';
    // RFC 7489 §6.6.3 step 3: only the organizational domain is consulted after the domain.
    if (first.records.length === 0 && d.orgDomain !== domain) d.steps.push(await queryDmarc(dns, d.orgDomain));
    d.walkIncomplete = d.steps.some(isIndeterminate);
    return d;
  }
  if (first.parsed?.valid !== false && first.parsed?.psd === 'n') {
    d.orgDomain = domain;
    d.orgReason = 'psd=n';
    return d;
  }
  for (const target of treeWalkTargets(domain).slice(1)) {
    const step = await queryDmarc(dns, target);
    d.steps.push(step);
    if (isIndeterminate(step)) {
      d.walkIncomplete = true;
      break;
    }
    if (step.parsed?.psd === 'n') {
      d.orgDomain = target;
      d.orgReason = 'psd=n';
      return d;
    }
    if (step.parsed?.psd === 'y') {
      d.psdDomain = target;
      d.orgDomain = oneBelow(domain, target);
      d.orgReason = 'below psd=y';
      return d;
    }
  }
  const withRecord = d.steps.filter((s) => s.parsed);
  const fewest = withRecord[withRecord.length - 1];
  if (fewest) {
    d.orgDomain = fewest.domain;
    d.orgReason = 'fewest labels';
  }
  return d;
}

/** True when `host` is `org` or below it (no query: the org domain of a name is itself or an ancestor). */
export function isWithin(host: string, org: string): boolean {
  return host === org || host.endsWith(`.${org}`);
}
