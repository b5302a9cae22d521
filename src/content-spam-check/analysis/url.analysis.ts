import { getDomain } from 'tldts';
import { trimTrailing } from '../../common/text/trim-chars';
import shortenersData from '../data/url-shorteners.v1.json';

/**
 * URLs found in the text and HTML: shortener hosts (list in data/url-shorteners.v1.json) and raw
 * IP hosts, both classic signs of links that hide their destination.
 */
export interface UrlReport {
  urls: string[];
  shorteners: string[];
  rawIp: string[];
}

const SHORTENERS = new Set(shortenersData.domains.map((d) => d.toLowerCase()));
const URL_RE = /\bhttps?:\/\/[^\s<>"')\]]{1,2000}/gi;
const MAX_URLS = 1000;

export function registrableDomain(host: string): string | undefined {
  return getDomain(host.toLowerCase(), { allowPrivateDomains: false }) ?? undefined;
}

/** A host written as an IPv4/IPv6 literal, or as a bare decimal/hex number browsers still accept. */
export function isRawIpHost(host: string): boolean {
  const h = host.toLowerCase();
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(h) || /^\[[0-9a-f:.]+\]$/.test(h) || /^(0x[0-9a-f]+|\d{8,10})$/.test(h);
}

export function collectUrls(text: string, hrefs: string[]): UrlReport {
  const set = new Set<string>();
  for (const h of hrefs) if (/^https?:/i.test(h) && set.size < MAX_URLS) set.add(h);
  for (const m of text.matchAll(URL_RE)) {
    if (set.size >= MAX_URLS) break;
    set.add(trimTrailing(m[0], '.,;:!?'));
  }
  const rep: UrlReport = { urls: [...set], shorteners: [], rawIp: [] };
  for (const u of rep.urls) {
    let host: string;
    try {
      host = new URL(u).hostname;
    } catch {
      // new URL rejects some raw-number hosts; read the authority by hand.
      host = /^https?:\/\/(?:[^@/]*@)?([^/:?#]+)/i.exec(u)?.[1] ?? '';
    }
    if (isRawIpHost(host) || isRawIpHost(/^https?:\/\/(?:[^@/]*@)?([^/:?#]+)/i.exec(u)?.[1] ?? '')) rep.rawIp.push(u);
    else if (SHORTENERS.has(host.toLowerCase().replace(/^www\./, ''))) rep.shorteners.push(u);
  }
  return rep;
}
