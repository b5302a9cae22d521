import { bimi } from 'mailauth/lib/bimi';
import { finding, type Finding } from '../common/finding';
import { toMailauthResolver } from '../infra/dns/mailauth-adapter';
import type { DnsResolver } from '../infra/dns/resolver.port';
import { countingResolver, isIndeterminate, parseTagList, txtStrings, type SectionStatus } from './dns.common';
import type { DmarcSection } from './dmarc.check';
import { DNS_FINDINGS as F, suggestTxt } from './dns.findings';

/**
 * BIMI (draft-brand-indicators-for-message-identification): the record at default._bimi, looked
 * up and validated by mailauth's `bimi()` (given a synthetic DMARC pass, since we audit a domain,
 * not a message), plus whether the domain's DMARC policy is strong enough for BIMI to apply.
 */
/** A BIMI record's first tag, as mailauth recognises it. */
const BIMI_VERSION = /^v[ \t]*=[ \t]*BIMI1[ \t]*(?:;|$)/i;

export interface BimiParsed {
  valid: boolean;
  errors: string[];
  l?: string;
  a?: string;
}

/** Our own reading of a record, used to check suggestions: v=BIMI1 first, l= and a= https URLs or empty. */
export function parseBimi(text: string): BimiParsed {
  const { tags, errors } = parseTagList(text);
  if (!/^v=BIMI1\s*(;|$)/i.test(text.trim())) errors.push('the record must start with "v=BIMI1"');
  const out: BimiParsed = { valid: false, errors };
  for (const k of ['l', 'a'] as const) {
    const v = tags.get(k);
    if (v === undefined) continue;
    if (v !== '' && !/^https:\/\/[^\s;]+$/i.test(v)) errors.push(`${k}= must be an https: URL`);
    out[k] = v;
  }
  if (!tags.has('l') && !tags.has('a')) errors.push('l= is required');
  out.valid = errors.length === 0;
  return out;
}

export interface BimiSection {
  status: SectionStatus;
  names: { name: string; status: string; txt: string[] }[];
  record?: string;
  mailauth?: { result: string; comment?: string; location?: string; authority?: string };
  dmarcStrongEnough?: boolean;
  queries: number;
}

export async function checkBimi(
  domain: string,
  orgDomain: string,
  dmarc: Promise<DmarcSection>,
  resolver: DnsResolver,
): Promise<{ section: BimiSection; findings: Finding[] }> {
  const dns = countingResolver(resolver);
  const findings: Finding[] = [];
  const names = [...new Set([`default._bimi.${domain}`, `default._bimi.${orgDomain}`])];
  // The discovery of mailauth's bimi() below (draft §7.2): the organizational domain's record is
  // read only when the domain's own answer holds no BIMI record and did not fail, so it is not
  // asked for otherwise (one query fewer for a domain that publishes its record).
  const raw: BimiSection['names'] = [];
  for (const name of names) {
    const l = await dns.query(name, 'TXT');
    const txt = txtStrings(l);
    raw.push({ name, status: l.status, txt });
    if (isIndeterminate(l) || txt.some((t) => BIMI_VERSION.test(t.trim()))) break;
  }
  const section: BimiSection = { status: 'ok', names: raw, queries: 0 };
  // The lookups above are cached by the shared resolver; mailauth reads the same answers.
  // mailauth 7 also checks the DMARC records' strength (p, sp, pct) and looks them up when they are
  // not given: the synthetic pass carries a strong record and no separate organizational one, so its
  // verdict is about the BIMI record alone; DMARC strength is BIMI_DMARC_TOO_WEAK, from our parse.
  const r = await bimi({
    dmarc: {
      status: { result: 'pass', header: { from: domain } },
      domain: orgDomain,
      policy: 'reject',
      record: { p: 'reject' },
      orgRecord: false,
    } as never,
    headers: { parsed: [] },
    resolver: toMailauthResolver(dns) as never,
  });
  const d = await dmarc;
  const p = d.parsed;
  const policy = d.appliedPolicy?.policy;
  // BIMI asks for enforcement: pct=100 for RFC 7489 readers, and no RFC 9989 testing mode (t=y).
  section.dmarcStrongEnough =
    !!p?.valid && (policy === 'quarantine' || policy === 'reject') && p.pct === 100 && !d.appliedPolicy?.testing;
  if (r) {
    section.mailauth = {
      result: r.status.result,
      ...(r.status.comment ? { comment: String(r.status.comment) } : {}),
      ...(r.location ? { location: r.location } : {}),
      ...(r.authority ? { authority: r.authority } : {}),
    };
    if (r.rr) section.record = r.rr;
  }
  const owner = `default._bimi.${domain}`;
  const result = section.mailauth?.result;
  if (result === 'temperr' || result === 'temperror') {
    section.status = 'indeterminate';
  } else if (result === 'none' || !r) {
    section.status = 'missing';
    findings.push(
      finding(F.BIMI_MISSING, `No BIMI record at ${raw.map((n) => n.name).join(' or ')}.`, {
        remediation: `Optional, once DMARC is at quarantine or reject: ${suggestTxt(owner, `v=BIMI1; l=https://${domain}/bimi/logo.svg`)} (the logo must be SVG Tiny PS).`,
        evidence: { names: raw },
      }),
    );
  } else {
    if (result !== 'pass') {
      findings.push(
        finding(
          F.BIMI_INVALID,
          `The BIMI record ${section.record ? `"${section.record}" ` : ''}is invalid: ${section.mailauth?.comment ?? result}.`,
          {
            remediation: `Use: ${suggestTxt(owner, `v=BIMI1; l=https://${domain}/bimi/logo.svg`)}`,
            evidence: { record: section.record, mailauth: section.mailauth },
          },
        ),
      );
    } else if (!section.mailauth?.authority) {
      findings.push(
        finding(F.BIMI_NO_AUTHORITY, `The BIMI record of ${domain} has no a= (Verified Mark Certificate).`, {
          evidence: { record: section.record },
        }),
      );
    }
    // An indeterminate DMARC lookup says nothing about its strength.
    if (!section.dmarcStrongEnough && d.status !== 'indeterminate') {
      findings.push(
        finding(
          F.BIMI_DMARC_TOO_WEAK,
          `A BIMI record is published, but DMARC for ${domain} is ${p ? `p=${policy ?? '?'} pct=${p.pct}` : 'missing'}; logos are shown only with quarantine or reject at 100%.`,
          {
            ...(p && d.policyDomain
              ? {
                  remediation: `Strengthen DMARC, e.g. ${suggestTxt(`_dmarc.${d.policyDomain}`, `v=DMARC1; p=quarantine${p.rua.length ? `; rua=${p.rua.map((u) => u.uri).join(',')}` : ''}`)}`,
                }
              : {}),
            evidence: { dmarc: d.record, policy, pct: p?.pct },
          },
        ),
      );
    }
    section.status = findings.some((f) => f.severity === 'warning' || f.severity === 'error') ? 'warn' : 'ok';
  }
  section.queries = dns.count;
  return { section, findings };
}
