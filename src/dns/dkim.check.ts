import { createPublicKey } from 'node:crypto';
import { finding, type Finding } from '../common/finding';
import type { DnsResolver } from '../infra/dns/resolver.port';
import { countingResolver, isIndeterminate, parseTagList, txtStrings, type SectionStatus } from './dns.common';
import { DNS_FINDINGS as F, suggestTxt } from './dns.findings';

/**
 * DKIM key records (RFC 6376 §3.6.1, RFC 8301, RFC 8463). Selectors cannot be enumerated from
 * DNS, so the audit tries the caller's selectors and a list of common ones; "none found" never
 * means "no DKIM".
 */
export const COMMON_DKIM_SELECTORS: readonly string[] = [
  'default',
  'dkim',
  'mail',
  'smtp',
  'selector1',
  'selector2', // generic, Microsoft 365
  'google',
  'k1',
  'k2',
  'k3',
  's1',
  's2',
  'sm',
  'mx',
  'key1',
  'key2', // Google, Mailchimp/Mandrill, SendGrid
  'mandrill',
  'mailjet',
  'fm1',
  'fm2',
  'fm3',
  'protonmail',
  'protonmail2',
  'protonmail3', // Fastmail, Proton
  'zoho',
  'zmail',
  'sig1',
  'hs1',
  'hs2',
  'cm',
  'krs',
  'pic',
  'everlytickey1',
  'everlytickey2',
  'dkim1',
  's1024',
  's2048',
  'mxvault',
];

export interface DkimKeyInfo {
  valid: boolean;
  errors: string[];
  tags: Record<string, string>;
  keyType?: string;
  bits?: number;
  revoked: boolean;
  testing: boolean;
  hashes?: string[];
}

/** Parse and check one key record; the key is decoded with node:crypto from its SPKI (RFC 6376 §3.6.1 "p="). */
export function parseDkimKey(text: string): DkimKeyInfo {
  const { tags, errors } = parseTagList(text);
  const info: DkimKeyInfo = { valid: false, errors, tags: Object.fromEntries(tags), revoked: false, testing: false };
  const v = tags.get('v');
  if (v !== undefined && v !== 'DKIM1') errors.push(`v="${v}" must be DKIM1`);
  if (v !== undefined && !/^\s*v\s*=/.test(text)) errors.push('v= must be the first tag');
  const k = (tags.get('k') ?? 'rsa').toLowerCase();
  info.keyType = k;
  if (k !== 'rsa' && k !== 'ed25519') errors.push(`k="${k}" is not a known key type (rsa, ed25519)`);
  const h = tags.get('h');
  if (h !== undefined) {
    info.hashes = h.split(':').map((x) => x.trim().toLowerCase());
    if (!info.hashes.includes('sha256')) errors.push(`h="${h}" does not allow sha256 (RFC 8301 §3.1)`);
  }
  const flags = (tags.get('t') ?? '').split(':').map((x) => x.trim().toLowerCase());
  info.testing = flags.includes('y');
  const p = tags.get('p');
  if (p === undefined) {
    errors.push('the required tag p= is missing');
  } else {
    const b64 = p.replace(/\s+/g, '');
    if (b64 === '') {
      info.revoked = true;
    } else if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
      errors.push('p= is not base64');
    } else if (k === 'ed25519') {
      const raw = Buffer.from(b64, 'base64');
      if (raw.length !== 32) errors.push(`an ed25519 key is 32 bytes, p= has ${raw.length} (RFC 8463 §4.2)`);
      else info.bits = 256;
    } else if (k === 'rsa') {
      try {
        const key = createPublicKey({ key: Buffer.from(b64, 'base64'), format: 'der', type: 'spki' });
        if (key.asymmetricKeyType !== 'rsa') errors.push(`p= holds a ${key.asymmetricKeyType} key, not rsa`);
        info.bits = key.asymmetricKeyDetails?.modulusLength;
      } catch (e) {
        errors.push(`p= is not a DER SubjectPublicKeyInfo RSA key (${(e as Error).message})`);
      }
    }
  }
  info.valid = errors.length === 0;
  return info;
}

export interface DkimSelectorResult {
  selector: string;
  name: string;
  source: 'given' | 'common';
  status: 'found' | 'absent' | 'indeterminate';
  dnsStatus: string;
  txt: string[];
  key?: DkimKeyInfo;
}

export interface DkimSection {
  status: SectionStatus;
  tried: number;
  found: DkimSelectorResult[];
  /** Every selector tried, with its outcome (given selectors first). */
  selectors: DkimSelectorResult[];
  queries: number;
}

const MAX_SELECTORS = 64;

export async function checkDkim(
  domain: string,
  resolver: DnsResolver,
  given: string[] = [],
): Promise<{ section: DkimSection; findings: Finding[] }> {
  const dns = countingResolver(resolver);
  const findings: Finding[] = [];
  const givenSet = new Set(given.map((s) => s.toLowerCase()));
  const all = [...givenSet, ...COMMON_DKIM_SELECTORS.filter((s) => !givenSet.has(s))].slice(0, MAX_SELECTORS);
  const selectors = await Promise.all(
    all.map(async (selector): Promise<DkimSelectorResult> => {
      const name = `${selector}._domainkey.${domain}`;
      const l = await dns.query(name, 'TXT');
      const txt = txtStrings(l);
      const base = {
        selector,
        name,
        source: givenSet.has(selector) ? ('given' as const) : ('common' as const),
        dnsStatus: l.status,
        txt,
      };
      if (isIndeterminate(l)) return { ...base, status: 'indeterminate' };
      // A key record has p= (possibly empty); other TXT data at the name (wildcards) is not a key.
      const rec = txt.find((t) => /(^|;)\s*p\s*=/.test(t)) ?? txt.find((t) => /^\s*v\s*=\s*DKIM1/i.test(t));
      if (!rec) return { ...base, status: 'absent' };
      return { ...base, status: 'found', key: parseDkimKey(rec) };
    }),
  );
  const section: DkimSection = {
    status: 'ok',
    tried: selectors.length,
    selectors,
    found: selectors.filter((s) => s.status === 'found'),
    queries: 0,
  };

  for (const s of section.found) {
    const k = s.key!;
    const rec = s.txt.find((t) => /(^|;)\s*p\s*=/.test(t)) ?? s.txt[0]!;
    if (!k.valid) {
      findings.push(
        finding(F.DKIM_KEY_INVALID, `The key at ${s.name} is invalid: ${k.errors.join('; ')}.`, {
          evidence: { name: s.name, record: rec, errors: k.errors },
        }),
      );
      continue;
    }
    if (k.revoked) {
      findings.push(
        finding(F.DKIM_KEY_REVOKED, `The key at ${s.name} is revoked (empty p=).`, {
          evidence: { name: s.name, record: rec },
        }),
      );
      continue;
    }
    if (k.keyType === 'rsa' && k.bits !== undefined && k.bits < 2048) {
      findings.push(
        finding(
          F.DKIM_KEY_WEAK,
          `The RSA key at ${s.name} has ${k.bits} bits${k.bits < 1024 ? '; verifiers must reject keys under 1024 bits (RFC 8301 §3.2)' : '; 2048 is recommended'}.`,
          {
            severity: k.bits < 1024 ? 'error' : 'warning',
            remediation: `Generate a 2048-bit key pair, publish it under a new selector, switch signing to it, then revoke ${s.selector} with ${suggestTxt(s.name, 'v=DKIM1; p=')}.`,
            evidence: { name: s.name, bits: k.bits },
          },
        ),
      );
    }
    if (k.testing) {
      const tags = { ...k.tags };
      const flags = (tags.t ?? '').split(':').filter((f) => f.trim().toLowerCase() !== 'y');
      if (flags.length) tags.t = flags.join(':');
      else delete tags.t;
      findings.push(
        finding(F.DKIM_TESTING_MODE, `The key at ${s.name} has t=y (testing).`, {
          remediation: `Publish without the testing flag: ${suggestTxt(
            s.name,
            Object.entries(tags)
              .map(([a, b]) => `${a}=${b}`)
              .join('; '),
          )}`,
          evidence: { name: s.name, record: rec },
        }),
      );
    }
  }
  for (const s of selectors.filter((x) => x.source === 'given' && x.status === 'absent')) {
    findings.push(
      finding(F.DKIM_SELECTOR_NOT_FOUND, `No DKIM key at ${s.name} (${s.dnsStatus}).`, {
        evidence: { name: s.name, status: s.dnsStatus, txt: s.txt },
      }),
    );
  }
  const failed = selectors.filter((s) => s.status === 'indeterminate');
  if (failed.length) {
    findings.push(
      finding(
        F.DKIM_LOOKUP_FAILED,
        `${failed.length} selector lookup(s) did not complete: ${failed
          .slice(0, 5)
          .map((s) => `${s.name} (${s.dnsStatus})`)
          .join(', ')}.`,
        { evidence: { failed: failed.map((s) => ({ name: s.name, status: s.dnsStatus })) } },
      ),
    );
  }
  if (section.found.length === 0) {
    section.status = failed.length ? 'indeterminate' : 'missing';
    if (!failed.length) {
      findings.push(
        finding(
          F.DKIM_NO_SELECTOR_FOUND,
          `None of the ${selectors.length} selectors tried (${given.length ? `${given.length} given, ` : ''}common ones) has a key for ${domain}. This does not prove DKIM is absent: selectors are not discoverable from DNS.`,
          { evidence: { tried: all } },
        ),
      );
    }
  } else if (findings.some((f) => f.severity === 'error')) section.status = 'fail';
  else if (findings.some((f) => f.severity === 'warning')) section.status = 'warn';
  section.queries = dns.count;
  return { section, findings };
}
