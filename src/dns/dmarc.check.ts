import { getDomain } from 'tldts';
import { finding, type Finding } from '../common/finding';
import type { DnsLookup, DnsResolver } from '../infra/dns/resolver.port';
import {
  countingResolver,
  describeFailure,
  isIndeterminate,
  parseTagList,
  txtStrings,
  type SectionStatus,
} from './dns.common';
import { DNS_FINDINGS as F, suggestTxt } from './dns.findings';

/**
 * DMARC (RFC 7489; DMARCbis where it clarifies). mailauth's getDmarcRecord answers "policy or
 * false", folding "several records", "no record" and a DNS failure together; an audit must tell
 * them apart and show the raw records, so the fetch is done here on the resolver port, with the
 * same public-suffix list mailauth uses (tldts).
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
  pct: number;
  adkim: 'r' | 's';
  aspf: 'r' | 's';
  rua: DmarcUri[];
  ruf: DmarcUri[];
}

const POLICIES = ['none', 'quarantine', 'reject'];

/** dmarc-uri = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ] (§6.4); only mailto: is usable. */
function parseUris(value: string, tag: string, errors: string[]): DmarcUri[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((uri) => {
      const m = /^mailto:([^!@\s]+@([^!\s]+?))(?:!(\d+[kmgt]?))?$/i.exec(uri);
      if (!m) {
        errors.push(`${tag}: "${uri}" is not a mailto: URI (RFC 7489 §6.4)`);
        return { uri, valid: false };
      }
      return { uri, address: m[1]!, host: m[2]!.toLowerCase(), ...(m[3] ? { size: m[3] } : {}), valid: true };
    });
}

/** Tag-by-tag validation (RFC 7489 §6.3, §6.4). Unknown tags are ignored, as receivers do. */
export function parseDmarc(text: string): ParsedDmarc {
  const errors: string[] = [];
  const out: ParsedDmarc = { valid: false, errors, tags: {}, pct: 100, adkim: 'r', aspf: 'r', rua: [], ruf: [] };
  const { tags, errors: listErrors } = parseTagList(text);
  errors.push(...listErrors);
  out.tags = Object.fromEntries(tags);
  if (!/^v\s*=\s*DMARC1\s*(;|$)/.test(text.trim()))
    errors.push('the record must start with "v=DMARC1" (RFC 7489 §6.4)');
  for (const [k, v] of tags) {
    switch (k) {
      case 'v':
        break;
      case 'p':
      case 'sp':
      case 'np':
        if (!POLICIES.includes(v.toLowerCase())) errors.push(`${k}="${v}" must be none, quarantine or reject`);
        else out[k] = v.toLowerCase() as DmarcPolicy;
        break;
      case 'pct':
        if (!/^\d{1,3}$/.test(v) || Number(v) > 100) errors.push(`pct="${v}" must be an integer 0..100`);
        else out.pct = Number(v);
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
      case 'ri':
        if (!/^\d{1,10}$/.test(v)) errors.push(`ri="${v}" must be a number of seconds`);
        break;
      case 'fo':
        if (!/^[01ds](:[01ds])*$/i.test(v)) errors.push(`fo="${v}" must be a colon-separated list of 0, 1, d, s`);
        break;
      case 'rf':
        if (!/^afrf(:afrf)*$/i.test(v)) errors.push(`rf="${v}" must be afrf`);
        break;
      case 'psd':
        if (!/^[ynu]$/i.test(v)) errors.push(`psd="${v}" must be y, n or u (DMARCbis)`);
        break;
      case 't':
        if (!/^[yn]$/i.test(v)) errors.push(`t="${v}" must be y or n (DMARCbis)`);
        break;
      default:
        break;
    }
  }
  // §6.6.3 step 6: a record with a missing p= but a valid rua= is treated as p=none.
  if (!tags.has('p')) {
    if (out.rua.some((u) => u.valid)) out.p = 'none';
    else errors.push('the required tag p= is missing');
  }
  out.valid = errors.length === 0;
  return out;
}

/** Render tags back into a record, v= first (§6.4 requires v and, by convention, p next). */
export function formatDmarc(tags: Record<string, string>): string {
  const order = ['v', 'p', 'sp', 'np', 'pct', 'adkim', 'aspf', 'rua', 'ruf', 'fo', 'ri', 'rf', 'psd', 't'];
  const keys = [...order.filter((k) => k in tags), ...Object.keys(tags).filter((k) => !order.includes(k))];
  return keys.map((k) => `${k}=${tags[k]}`).join('; ');
}

export interface DmarcSection {
  status: SectionStatus;
  /** The name the policy was found at (the domain or the organizational domain). */
  policyDomain?: string;
  orgDomain: string;
  inherited: boolean;
  record?: string;
  /** Every TXT string at _dmarc.<domain> (and at the org domain if it was consulted). */
  raw: { name: string; status: string; txt: string[] }[];
  parsed?: ParsedDmarc;
  externalReports: { uri: string; authName: string; authorized: boolean | 'indeterminate'; txt: string[] }[];
  queries: number;
}

/** The organizational domain from the public suffix list (RFC 7489 §3.2). */
export function orgDomainOf(domain: string): string {
  return getDomain(domain, { allowPrivateDomains: true }) ?? domain;
}

async function fetchDmarc(
  dns: DnsResolver,
  domain: string,
): Promise<{ lookup: DnsLookup<'TXT'>; records: string[]; txt: string[] }> {
  const lookup = await dns.query(`_dmarc.${domain}`, 'TXT');
  const txt = txtStrings(lookup);
  return { lookup, txt, records: txt.filter((t) => /^v\s*=\s*DMARC1\b/i.test(t.trim())) };
}

export async function checkDmarc(
  domain: string,
  resolver: DnsResolver,
): Promise<{ section: DmarcSection; findings: Finding[] }> {
  const dns = countingResolver(resolver);
  const findings: Finding[] = [];
  const orgDomain = orgDomainOf(domain);
  const section: DmarcSection = { status: 'ok', orgDomain, inherited: false, raw: [], externalReports: [], queries: 0 };
  const done = () => {
    section.queries = dns.count;
    return { section, findings };
  };
  const owner = `_dmarc.${domain}`;
  const starter = { v: 'DMARC1', p: 'none', rua: `mailto:dmarc-reports@${domain}` };

  let got = await fetchDmarc(dns, domain);
  section.raw.push({ name: got.lookup.name, status: got.lookup.status, txt: got.txt });
  if (isIndeterminate(got.lookup)) {
    section.status = 'indeterminate';
    findings.push(
      finding(F.DMARC_LOOKUP_FAILED, `The DMARC lookup ended in ${describeFailure(got.lookup)}.`, {
        evidence: { lookup: got.lookup },
      }),
    );
    return done();
  }
  section.policyDomain = domain;
  // §6.6.3 step 3: no record at the domain -> the organizational domain's record.
  if (got.records.length === 0 && orgDomain !== domain) {
    const org = await fetchDmarc(dns, orgDomain);
    section.raw.push({ name: org.lookup.name, status: org.lookup.status, txt: org.txt });
    if (isIndeterminate(org.lookup)) {
      section.status = 'indeterminate';
      findings.push(
        finding(
          F.DMARC_LOOKUP_FAILED,
          `${domain} has no DMARC record and the organizational domain lookup ended in ${describeFailure(org.lookup)}.`,
          { evidence: { lookup: org.lookup } },
        ),
      );
      return done();
    }
    if (org.records.length) {
      got = org;
      section.inherited = true;
      section.policyDomain = orgDomain;
    }
  }
  if (got.records.length === 0) {
    section.status = 'missing';
    findings.push(
      finding(
        F.DMARC_MISSING,
        `No "v=DMARC1" record at _dmarc.${domain}${orgDomain !== domain ? ` or _dmarc.${orgDomain}` : ''}.`,
        {
          remediation: `Start monitoring with: ${suggestTxt(owner, formatDmarc(starter))}`,
          evidence: { raw: section.raw },
        },
      ),
    );
    return done();
  }
  const policyOwner = `_dmarc.${section.policyDomain}`;
  if (got.records.length > 1) {
    section.status = 'fail';
    const keep = got.records.map(parseDmarc).find((p) => p.valid);
    findings.push(
      finding(
        F.DMARC_MULTIPLE_RECORDS,
        `${policyOwner} publishes ${got.records.length} DMARC records; receivers then apply no DMARC policy at all.`,
        {
          remediation: `Keep a single record, e.g.: ${suggestTxt(policyOwner, formatDmarc(keep?.tags ?? starter))}`,
          evidence: { records: got.records },
        },
      ),
    );
    return done();
  }
  section.record = got.records[0]!;
  const p = parseDmarc(section.record);
  section.parsed = p;
  if (section.inherited) {
    findings.push(
      finding(
        F.DMARC_INHERITED,
        `${domain} has no record of its own; the record of ${orgDomain} applies${p.sp ? ` with sp=${p.sp}` : ''}.`,
        { evidence: { record: section.record } },
      ),
    );
  }
  const fixed: Record<string, string> = { ...p.tags };
  if (!p.valid) {
    for (const [k, v] of Object.entries(p.tags)) {
      const one = parseDmarc(`v=DMARC1; p=none; ${k}=${v}`);
      if (k !== 'v' && !one.valid) delete fixed[k];
    }
    fixed.v = 'DMARC1';
    fixed.p ??= 'none';
    findings.push(
      finding(F.DMARC_SYNTAX_ERROR, `The DMARC record at ${policyOwner} has errors: ${p.errors.join('; ')}.`, {
        remediation: `Corrected record: ${suggestTxt(policyOwner, formatDmarc(fixed))}`,
        evidence: { record: section.record, errors: p.errors },
      }),
    );
  }
  if (p.p === 'none') {
    findings.push(
      finding(
        F.DMARC_POLICY_NONE,
        `The DMARC policy of ${section.policyDomain} is p=none: spoofed mail is delivered normally.`,
        {
          remediation: `When reports show your own mail aligned, publish: ${suggestTxt(policyOwner, formatDmarc({ ...fixed, p: 'quarantine' }))}`,
          evidence: { record: section.record },
        },
      ),
    );
  }
  const effective = section.inherited ? (p.sp ?? p.p) : p.p;
  if (p.sp && p.p && POLICIES.indexOf(p.sp) < POLICIES.indexOf(p.p)) {
    findings.push(
      finding(
        F.DMARC_SUBDOMAIN_POLICY_WEAKER,
        `sp=${p.sp} is weaker than p=${p.p}${section.inherited ? `, and it is the policy that applies to ${domain}` : ''}.`,
        {
          remediation: `Align them: ${suggestTxt(policyOwner, formatDmarc({ ...fixed, sp: p.p }))}`,
          evidence: { record: section.record, effective },
        },
      ),
    );
  }
  if (p.pct < 100 && p.p !== 'none') {
    const { pct: _pct, ...rest } = fixed;
    findings.push(
      finding(F.DMARC_PCT_PARTIAL, `pct=${p.pct}: the ${p.p} policy applies to only ${p.pct}% of failing mail.`, {
        remediation: `Apply it to all mail: ${suggestTxt(policyOwner, formatDmarc(rest))}`,
        evidence: { record: section.record },
      }),
    );
  }
  if (!p.rua.some((u) => u.valid)) {
    findings.push(
      finding(
        F.DMARC_NO_REPORTING,
        `The DMARC record of ${section.policyDomain} has no usable rua= address, so no aggregate reports are sent.`,
        {
          remediation: `Add an aggregate report address: ${suggestTxt(policyOwner, formatDmarc({ ...fixed, rua: `mailto:dmarc-reports@${section.policyDomain}` }))}`,
          evidence: { record: section.record },
        },
      ),
    );
  }

  // §7.1: a report address outside the policy domain's organizational domain must opt in.
  const policyOrg = orgDomainOf(section.policyDomain!);
  const external = [...p.rua, ...p.ruf].filter((u) => u.valid && u.host && orgDomainOf(u.host) !== policyOrg);
  const seenHosts = new Set<string>();
  await Promise.all(
    external
      .filter((u) => !seenHosts.has(u.host!) && seenHosts.add(u.host!))
      .map(async (u) => {
        const authName = `${section.policyDomain}._report._dmarc.${u.host}`;
        const l = await dns.query(authName, 'TXT');
        const txt = txtStrings(l);
        const authorized = isIndeterminate(l)
          ? ('indeterminate' as const)
          : txt.some((t) => /^v\s*=\s*DMARC1\b/i.test(t.trim()));
        section.externalReports.push({ uri: u.uri, authName, authorized, txt });
        if (authorized === false) {
          findings.push(
            finding(
              F.DMARC_EXTERNAL_REPORTING_UNAUTHORIZED,
              `Reports for ${section.policyDomain} go to ${u.address}, but ${authName} has no "v=DMARC1" record, so report generators will not send them (RFC 7489 §7.1).`,
              {
                remediation: `The owner of ${u.host} must publish: ${suggestTxt(authName, 'v=DMARC1')}`,
                evidence: { uri: u.uri, authName, status: l.status, txt },
              },
            ),
          );
        }
      }),
  );
  if (findings.some((f) => f.severity === 'error')) section.status = 'fail';
  else if (findings.some((f) => f.severity === 'warning')) section.status = 'warn';
  return done();
}
