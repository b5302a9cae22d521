import { spf as mailauthSpf } from 'mailauth/lib/spf';
import type { Finding, Verdict } from '../common/finding';
import { gradeKind } from '../findings/grading';
import { toMailauthResolver } from '../infra/dns/mailauth-adapter';
import type { DnsResolver } from '../infra/dns/resolver.port';
import type { HttpsFetcher } from '../infra/net/https-fetcher';
import { auditMx, type MxResult } from '../mx/mx.engine';
import { checkBimi, type BimiSection } from './bimi.check';
import { checkDane, type DaneSection } from './dane.check';
import { countingResolver, limitInFlight, type SectionStatus } from './dns.common';
import { checkDkim, type DkimSection } from './dkim.check';
import { checkDmarc, type DmarcSection } from './dmarc.check';
import { pslOrgDomain, type OrgDomainMode } from './dmarc.discovery';
import { checkDnsbl, type DnsblSection } from './dnsbl.check';
import { checkDnssec, type DnssecSection } from './dnssec.check';
import { checkMtaSts, type MtaStsSection } from './mta-sts.check';
import { checkPtr, type PtrSection } from './ptr.check';
import { checkSpf, type SpfSection } from './spf.check';
import { checkTlsRpt, type TlsRptSection } from './tlsrpt.check';

/**
 * The `dns` audit: every section is a small check on the injected resolver; independent ones run
 * concurrently, and those that need the MX hosts (PTR, DNSBL, DANE, MTA-STS matching) start as
 * soon as the MX section has them. Repeated lookups across sections are served by the shared
 * cache behind the resolver.
 */
export interface DnsAuditInput {
  domain: string;
  dkimSelectors?: string[];
  sendingIps?: string[];
}

export interface DnsAuditPorts {
  dns: DnsResolver;
  /** SSRF-safe HTTPS GET for the MTA-STS policy; without it the policy is not fetched. */
  https?: HttpsFetcher;
}

export interface DnsAuditOptions {
  dnsblZones: string[];
  dnsblDomainZones: string[];
  /** Evaluate sending IPs with mailauth too, as a second opinion shown next to ours (default true). */
  mailauthCrossCheck?: boolean;
  /** Queries of one audit in flight at once (default 16). */
  maxInFlight?: number;
  /** Bound on MX addresses checked for PTR and blocklists. */
  maxMxAddresses?: number;
  /** DMARC organizational domain: RFC 9989 tree walk (default) or the legacy PSL of RFC 7489. */
  dmarcOrgDomainMode?: OrgDomainMode;
  /** An RRSIG of the zone expiring within this many days is a finding (default 7; 0: off). */
  dnssecExpiryWarnDays?: number;
  /** The MTA-STS policy host's certificate expiring within this many days is a finding (default 21; 0: off). */
  certExpiryWarnDays?: number;
  /** The clock for expiry findings (default: now). */
  now?: Date;
}

export interface MxSection extends MxResult {
  sectionStatus: SectionStatus;
  queries: number;
}

export interface DnsAuditResult {
  domain: string;
  orgDomain: string;
  sections: {
    mx: MxSection;
    spf: SpfSection;
    dmarc: DmarcSection;
    dkim: DkimSection;
    ptr: PtrSection;
    dnsbl: DnsblSection;
    mtaSts: MtaStsSection;
    tlsRpt: TlsRptSection;
    dane: DaneSection;
    dnssec: DnssecSection;
    bimi: BimiSection;
  };
  /** Sections whose key lookups failed, making the verdict indeterminate. */
  indeterminate: string[];
  queries: number;
}

export interface DnsAuditOutcome {
  verdict: Verdict;
  score: number;
  findings: Finding[];
  result: DnsAuditResult;
  transient: boolean;
}

function mxStatus(r: MxResult, findings: Finding[]): SectionStatus {
  switch (r.status) {
    case 'indeterminate':
      return 'indeterminate';
    case 'missing':
    case 'nxdomain':
    case 'dns-failing':
    case 'unreachable':
      return 'fail';
    default:
      return findings.some((f) => f.severity === 'error' || f.severity === 'critical')
        ? 'fail'
        : findings.some((f) => f.severity === 'warning')
          ? 'warn'
          : 'ok';
  }
}

export async function auditDns(
  input: DnsAuditInput,
  ports: DnsAuditPorts,
  opts: DnsAuditOptions,
): Promise<DnsAuditOutcome> {
  const total = countingResolver(limitInFlight(ports.dns, opts.maxInFlight ?? 16));
  const dns: DnsResolver = total;
  const domain = input.domain.replace(/\.$/, '').toLowerCase();
  // BIMI's mailauth call takes a synchronous organizational domain; the audit reports DMARC's.
  const pslOrg = pslOrgDomain(domain);
  const sendingIps = input.sendingIps ?? [];

  const mxDns = countingResolver(dns);
  const mxP = auditMx(domain, mxDns).then(({ result, findings }) => ({
    section: { ...result, sectionStatus: mxStatus(result, findings), queries: mxDns.count } as MxSection,
    findings,
  }));
  const mxHostsP = mxP.then(({ section }) => section.hosts.filter((h) => !h.isIpLiteral).map((h) => h.exchange));
  const mxAddrsP = mxP.then(({ section }) =>
    section.hosts
      .flatMap((h) => [...h.addresses.A, ...h.addresses.AAAA].map((ip) => ({ ip, host: h.exchange })))
      .slice(0, opts.maxMxAddresses ?? 10),
  );

  const crossCheck =
    opts.mailauthCrossCheck === false
      ? undefined
      : async (ip: string, d: string) => {
          const r = await mailauthSpf({
            ip,
            sender: `postmaster@${d}`,
            helo: d,
            mta: 'smtp-doctor',
            resolver: toMailauthResolver(dns) as never,
          });
          return { engine: 'mailauth', result: String(r.status.result) };
        };
  const spfP = checkSpf(domain, dns, { sendingIps, crossCheck });
  const dmarcP = checkDmarc(domain, dns, { orgDomainMode: opts.dmarcOrgDomainMode });
  const dkimP = checkDkim(domain, dns, input.dkimSelectors ?? []);
  const tlsRptP = checkTlsRpt(domain, dns);
  const now = opts.now ?? new Date();
  const dnssecP = checkDnssec(domain, dns, { expiryWarnDays: opts.dnssecExpiryWarnDays ?? 7, now });
  const mtaStsP = checkMtaSts(domain, mxHostsP, dns, ports.https, {
    certExpiryWarnDays: opts.certExpiryWarnDays ?? 21,
    now,
  });
  const daneP = mxHostsP.then((hosts) => checkDane(hosts, dns));
  const ptrP = mxAddrsP.then((addrs) =>
    checkPtr(
      domain,
      [
        ...addrs.map((a) => ({ ip: a.ip, role: 'mx' as const, host: a.host })),
        ...sendingIps.map((ip) => ({ ip, role: 'sending' as const })),
      ],
      dns,
    ),
  );
  const dnsblP = mxAddrsP.then((addrs) =>
    checkDnsbl(
      {
        ips: [...sendingIps.map((ip) => ({ ip, role: 'sending' })), ...addrs.map((a) => ({ ip: a.ip, role: 'mx' }))],
        domains: [domain],
      },
      { ip: opts.dnsblZones, domain: opts.dnsblDomainZones },
      dns,
    ),
  );
  const bimiP = checkBimi(
    domain,
    pslOrg,
    dmarcP.then((d) => d.section),
    dns,
  );

  const [mx, spf, dmarc, dkim, tlsRpt, dnssec, mtaSts, dane, ptr, dnsbl, bimi] = await Promise.all([
    mxP,
    spfP,
    dmarcP,
    dkimP,
    tlsRptP,
    dnssecP,
    mtaStsP,
    daneP,
    ptrP,
    dnsblP,
    bimiP,
  ]);
  let findings = [mx, spf, dmarc, dkim, ptr, dnsbl, mtaSts, tlsRpt, dane, dnssec, bimi].flatMap((s) => s.findings);
  // A null MX (RFC 7505) declares the domain receives no mail: inbound transport security is moot.
  if (mx.section.status === 'null-mx') {
    findings = findings.filter((f) => f.code !== 'MTA_STS_MISSING' && f.code !== 'TLSRPT_MISSING');
    if (mtaSts.section.status === 'missing') mtaSts.section.status = 'skipped';
    if (tlsRpt.section.status === 'missing') tlsRpt.section.status = 'skipped';
  }
  const result: DnsAuditResult = {
    domain,
    orgDomain: dmarc.section.orgDomain,
    sections: {
      mx: mx.section,
      spf: spf.section,
      dmarc: dmarc.section,
      dkim: dkim.section,
      ptr: ptr.section,
      dnsbl: dnsbl.section,
      mtaSts: mtaSts.section,
      tlsRpt: tlsRpt.section,
      dane: dane.section,
      dnssec: dnssec.section,
      bimi: bimi.section,
    },
    indeterminate: [],
    queries: 0,
  };
  // The key lookups: a timeout there makes the whole verdict indeterminate, never "missing".
  if (mx.section.sectionStatus === 'indeterminate') result.indeterminate.push('mx');
  if (spf.section.status === 'indeterminate') result.indeterminate.push('spf');
  if (dmarc.section.status === 'indeterminate') result.indeterminate.push('dmarc');
  result.queries = total.count;
  // One grading for every kind (src/findings/grading.ts): root cause first, so a domain that
  // does not exist or whose name servers all fail is F here as in the health grade, with what
  // it implies (no SPF, no DMARC, lookups that failed with it) folded under it.
  const scored = gradeKind('dns', findings);
  const indeterminate = !scored.rootCause && result.indeterminate.length > 0;
  return {
    verdict: indeterminate ? 'indeterminate' : scored.verdict,
    score: scored.score,
    findings: scored.findings,
    result,
    transient: indeterminate || mx.section.status === 'dns-failing',
  };
}
