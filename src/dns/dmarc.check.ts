import { finding, type Finding } from '../common/finding';
import type { DnsResolver } from '../infra/dns/resolver.port';
import { countingResolver, isIndeterminate, txtStrings, type SectionStatus } from './dns.common';
import { DNS_FINDINGS as F, suggestTxt } from './dns.findings';
import {
  discoverDmarc,
  isWithin,
  pslOrgDomain,
  queryDmarc,
  type Discovery,
  type OrgDomainMode,
  type WalkStep,
} from './dmarc.discovery';
import {
  formatDmarc,
  isDmarcRecord,
  migrateRemovedTags,
  parseDmarc,
  POLICIES,
  type DmarcPolicy,
  type ParsedDmarc,
} from './dmarc.record';

/**
 * DMARC per RFC 9989 (which obsoletes RFC 7489): discovery by the DNS Tree Walk (dmarc.discovery.ts),
 * the record's tags (dmarc.record.ts), and external report destinations per RFC 9990. mailauth's
 * getDmarcRecord answers "policy or false", folding "several records", "no record" and a DNS failure
 * together; an audit must tell them apart and show the raw records, so the fetch is done here on
 * the resolver port. Where an RFC 7489 reader behaves differently, the finding says so.
 */
export { formatDmarc, parseDmarc, type DmarcPolicy, type DmarcUri, type ParsedDmarc } from './dmarc.record';
export { pslOrgDomain as orgDomainOf } from './dmarc.discovery';

export interface AppliedPolicy {
  policy: DmarcPolicy;
  /** Which tag supplied it: p at the domain; sp, or np for a non-existent domain, from a parent. */
  tag: 'p' | 'sp' | 'np';
  /** Whether the audited domain exists (A, AAAA or MX answered): decides np (RFC 9989 §4.7). */
  domainExists: boolean | 'indeterminate';
  /** t=y: receivers apply the next lower policy (RFC 9989 §4.7). */
  testing: boolean;
}

export interface DmarcSection {
  status: SectionStatus;
  /** The name the policy was found at (the domain, its organizational domain, or a PSD). */
  policyDomain?: string;
  orgDomain: string;
  /** How the organizational domain was found (RFC 9989 §4.10.2), or the PSL in legacy mode. */
  orgDomainMode: OrgDomainMode;
  orgReason: Discovery['orgReason'];
  /** A psd=y record met on the walk. */
  psdDomain?: string;
  /** The policy came from the organizational domain or a PSD, not the domain's own record. */
  inherited: boolean;
  appliedPolicy?: AppliedPolicy;
  record?: string;
  /** Every TXT string of every name the walk asked. */
  raw: { name: string; status: string; txt: string[] }[];
  parsed?: ParsedDmarc;
  externalReports: { uri: string; authName: string; authorized: boolean | 'indeterminate'; txt: string[] }[];
  queries: number;
}

export interface DmarcCheckOptions {
  /** Organizational domain discovery: RFC 9989 tree walk (default) or the legacy PSL of RFC 7489. */
  orgDomainMode?: OrgDomainMode;
}

const rawOf = (s: WalkStep) => ({ name: s.name, status: s.status, txt: s.txt });

/** A name "does not exist" for np when A, AAAA and MX all give NXDOMAIN or NODATA (RFC 9989 §3.2). */
async function domainExists(dns: DnsResolver, domain: string): Promise<boolean | 'indeterminate'> {
  const ls = await Promise.all((['A', 'AAAA', 'MX'] as const).map((t) => dns.query(domain, t)));
  if (ls.some((l) => l.status === 'noerror' && l.answers.length > 0)) return true;
  if (ls.some(isIndeterminate)) return 'indeterminate';
  return false;
}

function applied(p: ParsedDmarc, inherited: boolean, exists: boolean | 'indeterminate'): AppliedPolicy {
  const own = p.p ?? 'none';
  const testing = p.t === 'y';
  if (!inherited) return { policy: own, tag: 'p', domainExists: true, testing };
  if (exists === false && p.np) return { policy: p.np, tag: 'np', domainExists: exists, testing };
  return { policy: p.sp ?? own, tag: p.sp ? 'sp' : 'p', domainExists: exists, testing };
}

export async function checkDmarc(
  domain: string,
  resolver: DnsResolver,
  opts: DmarcCheckOptions = {},
): Promise<{ section: DmarcSection; findings: Finding[] }> {
  const dns = countingResolver(resolver);
  const findings: Finding[] = [];
  const mode = opts.orgDomainMode ?? 'tree-walk';
  const disc = await discoverDmarc(dns, domain, mode);
  const section: DmarcSection = {
    status: 'ok',
    orgDomain: disc.orgDomain,
    orgDomainMode: mode,
    orgReason: disc.orgReason,
    ...(disc.psdDomain ? { psdDomain: disc.psdDomain } : {}),
    inherited: false,
    raw: disc.steps.map(rawOf),
    externalReports: [],
    queries: 0,
  };
  const done = () => {
    section.queries = dns.count;
    return { section, findings };
  };
  const indeterminate = (detail: string, step: WalkStep) => {
    section.status = 'indeterminate';
    findings.push(finding(F.DMARC_LOOKUP_FAILED, detail, { evidence: { lookup: rawOf(step), raw: section.raw } }));
    return done();
  };
  const owner = `_dmarc.${domain}`;
  const starter = { v: 'DMARC1', p: 'none', rua: `mailto:dmarc-reports@${domain}` };
  const first = disc.steps[0]!;
  if (disc.authorIndeterminate)
    return indeterminate(`The DMARC lookup ended in TXT ${first.name}: ${first.status}.`, first);

  // Policy discovery (RFC 9989 §4.10.1): the domain's record, else the organizational domain's,
  // else the Public Suffix Domain's.
  let chosen: WalkStep | undefined = first.records.length ? first : undefined;
  if (!chosen) {
    const failed = disc.steps.find(isIndeterminate);
    if (failed)
      return indeterminate(
        `${domain} has no DMARC record and the walk up the DNS tree ended in TXT ${failed.name}: ${failed.status}, so the organizational domain's policy is unknown.`,
        failed,
      );
    let org = disc.steps.find((s) => s.domain === disc.orgDomain);
    if (!org && disc.orgDomain !== domain) {
      // Only when the walk skipped labels (eight or more) and the boundary fell in between.
      org = await queryDmarc(dns, disc.orgDomain);
      section.raw.push(rawOf(org));
      if (isIndeterminate(org))
        return indeterminate(`The organizational domain lookup ended in TXT ${org.name}: ${org.status}.`, org);
    }
    if (org && org.domain !== domain && org.records.length) chosen = org;
    else if (disc.psdDomain) chosen = disc.steps.find((s) => s.domain === disc.psdDomain);
  }
  if (!chosen) {
    section.status = 'missing';
    const asked = section.raw.map((r) => r.name).join(', ');
    findings.push(
      finding(F.DMARC_MISSING, `No "v=DMARC1" record for ${domain}; the DNS tree walk asked ${asked}.`, {
        remediation: `Start monitoring with: ${suggestTxt(owner, formatDmarc(starter))}`,
        evidence: { raw: section.raw, orgDomain: disc.orgDomain, orgReason: disc.orgReason },
      }),
    );
    return done();
  }
  section.policyDomain = chosen.domain;
  section.inherited = chosen.domain !== domain;
  const policyOwner = `_dmarc.${chosen.domain}`;
  if (chosen.records.length > 1) {
    section.status = 'fail';
    const keep = chosen.records.map(parseDmarc).find((p) => p.valid);
    findings.push(
      finding(
        F.DMARC_MULTIPLE_RECORDS,
        `${policyOwner} publishes ${chosen.records.length} DMARC records; receivers discard them all and apply no DMARC policy (RFC 9989 §4.10).`,
        {
          remediation: `Keep a single record, e.g.: ${suggestTxt(policyOwner, formatDmarc(keep?.tags ?? starter))}`,
          evidence: { records: chosen.records },
        },
      ),
    );
    return done();
  }
  section.record = chosen.records[0]!;
  const p = chosen.parsed ?? parseDmarc(section.record);
  section.parsed = p;
  const exists = section.inherited ? await domainExists(dns, domain) : true;
  const ap = applied(p, section.inherited, exists);
  section.appliedPolicy = ap;

  if (section.inherited) {
    const fromPsd = chosen.domain === disc.psdDomain;
    findings.push(
      finding(
        fromPsd ? F.DMARC_PSD_POLICY : F.DMARC_INHERITED,
        `${domain} has no record of its own; the record of ${fromPsd ? `the public suffix domain ${chosen.domain} (psd=y)` : `its organizational domain ${chosen.domain}`} applies with ${ap.tag}=${ap.policy}${ap.tag === 'np' ? ` because ${domain} does not exist (no A, AAAA or MX)` : ''}.`,
        {
          ...(fromPsd
            ? {
                remediation: `Publish your own policy: ${suggestTxt(owner, formatDmarc({ ...starter, p: ap.policy }))}`,
              }
            : {}),
          evidence: { record: section.record, appliedPolicy: ap, orgDomain: disc.orgDomain, orgReason: disc.orgReason },
        },
      ),
    );
  }
  if (mode === 'tree-walk') {
    const psl = pslOrgDomain(domain);
    if (psl !== disc.orgDomain)
      findings.push(
        finding(
          F.DMARC_ORG_DOMAIN_DIFFERS_FROM_PSL,
          `The DNS tree walk finds the organizational domain ${disc.orgDomain} (${disc.orgReason}); RFC 7489 receivers using the Public Suffix List use ${psl}, so relaxed alignment and the fallback policy differ between them.`,
          { evidence: { treeWalk: disc.orgDomain, psl, raw: section.raw } },
        ),
      );
  }

  // A PSD operator's record is not the domain owner's to fix: only the PSD finding above applies.
  if (chosen.domain === disc.psdDomain) return done();
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
        remediation: `Corrected record: ${suggestTxt(policyOwner, formatDmarc(migrateRemovedTags(fixed)))}`,
        evidence: { record: section.record, errors: p.errors },
      }),
    );
  }
  if (p.removed.length) {
    const migrated = migrateRemovedTags(fixed);
    const pctNote =
      p.removed.includes('pct') && p.pct < 100
        ? ` RFC 9989 receivers ignore pct=${p.pct} and apply ${p.p ?? 'the policy'} to all failing mail, while RFC 7489 receivers still apply it to ${p.pct}%;${p.pct === 0 ? ' t=y is the RFC 9989 way to say "testing".' : ' drop pct, or use t=y while still testing.'}`
        : '';
    findings.push(
      finding(
        F.DMARC_REMOVED_TAG,
        `${policyOwner} uses ${p.removed.map((t) => `${t}=${p.tags[t]}`).join(', ')}, removed by RFC 9989 (rf and ri moved out of the policy record; pct was replaced by t).${pctNote}`,
        {
          remediation: `Publish instead: ${suggestTxt(policyOwner, formatDmarc(migrated))}`,
          evidence: { record: section.record, removed: p.removed },
        },
      ),
    );
  }
  if (p.t === 'y' && p.p && p.p !== 'none') {
    const { t: _t, ...rest } = fixed;
    findings.push(
      finding(
        F.DMARC_TESTING_MODE,
        `t=y: ${chosen.domain} is testing p=${p.p}; receivers apply the next lower policy (${p.p === 'reject' ? 'quarantine' : 'none'}) instead.`,
        {
          remediation: `When reports show your own mail aligned, enforce: ${suggestTxt(policyOwner, formatDmarc(migrateRemovedTags(rest)))}`,
          evidence: { record: section.record },
        },
      ),
    );
  }
  if ((p.p ?? 'none') === 'none') {
    findings.push(
      finding(
        F.DMARC_POLICY_NONE,
        p.pMissing
          ? `The DMARC record of ${chosen.domain} has no p= tag; RFC 9989 receivers treat it as p=none (monitoring only)${p.rua.some((u) => u.valid) ? '' : ', and RFC 7489 receivers ignore the record entirely because it has no valid rua= either'}.`
          : `The DMARC policy of ${chosen.domain} is p=none: spoofed mail is delivered normally.`,
        {
          remediation: `When reports show your own mail aligned, publish: ${suggestTxt(policyOwner, formatDmarc(migrateRemovedTags({ ...fixed, p: 'quarantine' })))}`,
          evidence: { record: section.record },
        },
      ),
    );
  }
  if (p.sp && p.p && POLICIES.indexOf(p.sp) < POLICIES.indexOf(p.p)) {
    findings.push(
      finding(
        F.DMARC_SUBDOMAIN_POLICY_WEAKER,
        `sp=${p.sp} is weaker than p=${p.p}${section.inherited && ap.tag === 'sp' ? `, and it is the policy that applies to ${domain}` : ''}.`,
        {
          remediation: `Align them: ${suggestTxt(policyOwner, formatDmarc(migrateRemovedTags({ ...fixed, sp: p.p })))}`,
          evidence: { record: section.record, appliedPolicy: ap },
        },
      ),
    );
  }
  if (!p.rua.some((u) => u.valid)) {
    findings.push(
      finding(
        F.DMARC_NO_REPORTING,
        `The DMARC record of ${chosen.domain} has no usable rua= address, so no aggregate reports are sent.`,
        {
          remediation: `Add an aggregate report address: ${suggestTxt(policyOwner, formatDmarc(migrateRemovedTags({ ...fixed, rua: `mailto:dmarc-reports@${chosen.domain}` })))}`,
          evidence: { record: section.record },
        },
      ),
    );
  }

  // RFC 9990 §3: a destination outside the policy domain's organizational domain must opt in with a
  // record at <policy domain>._report._dmarc.<destination host>. The destination's organizational
  // domain is itself or an ancestor, so "not within ours" is decided without further queries.
  const policyOrg = section.inherited ? chosen.domain : disc.orgDomain;
  const internal = (host: string) =>
    mode === 'psl' ? pslOrgDomain(host) === pslOrgDomain(chosen.domain) : isWithin(host, policyOrg);
  const external = [...p.rua, ...p.ruf].filter((u) => u.valid && u.host && !internal(u.host));
  const seenHosts = new Set<string>();
  const checked = await Promise.all(
    external
      .filter((u) => !seenHosts.has(u.host!) && seenHosts.add(u.host!))
      .map(async (u) => {
        const authName = `${chosen.domain}._report._dmarc.${u.host}`;
        const l = await dns.query(authName, 'TXT');
        const txt = txtStrings(l);
        const authorized = isIndeterminate(l) ? ('indeterminate' as const) : txt.some(isDmarcRecord);
        return { u, l, report: { uri: u.uri, authName, authorized, txt } };
      }),
  );
  for (const { u, l, report } of checked) {
    section.externalReports.push(report);
    if (report.authorized !== false) continue;
    findings.push(
      finding(
        F.DMARC_EXTERNAL_REPORTING_UNAUTHORIZED,
        `Reports for ${chosen.domain} go to ${u.address}, but ${report.authName} has no "v=DMARC1" record, so report generators will not send them (RFC 9990 §3).`,
        {
          remediation: `The owner of ${u.host} must publish: ${suggestTxt(report.authName, 'v=DMARC1')}`,
          evidence: { uri: u.uri, authName: report.authName, status: l.status, txt: report.txt },
        },
      ),
    );
  }
  if (findings.some((f) => f.severity === 'error')) section.status = 'fail';
  else if (findings.some((f) => f.severity === 'warning')) section.status = 'warn';
  return done();
}
