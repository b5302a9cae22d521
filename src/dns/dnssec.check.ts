import { finding, type Finding } from '../common/finding';
import type { DnsResolver } from '../infra/dns/resolver.port';
import { countingResolver, describeFailure, isIndeterminate, type SectionStatus } from './dns.common';
import { DNS_FINDINGS as F } from './dns.findings';

/**
 * DNSSEC status as the resolver reports it: the AD flag (RFC 4035 §3.2.3, RFC 6840 §5.8) on the
 * zone's SOA. It is only meaningful when the configured resolver validates; a SERVFAIL from a
 * validating resolver often means a broken (bogus) signature, so it is indeterminate, not "unsigned".
 */
export interface DnssecSection {
  status: SectionStatus;
  authenticated: boolean;
  dnsStatus: string;
  error?: string;
  queries: number;
}

export async function checkDnssec(
  domain: string,
  resolver: DnsResolver,
): Promise<{ section: DnssecSection; findings: Finding[] }> {
  const dns = countingResolver(resolver);
  const l = await dns.query(domain, 'SOA');
  const section: DnssecSection = { status: 'ok', authenticated: l.authenticated, dnsStatus: l.status, queries: 0 };
  const findings: Finding[] = [];
  if (isIndeterminate(l)) {
    section.status = 'indeterminate';
    section.error = `${describeFailure(l)}; with a validating resolver, SERVFAIL can mean the DNSSEC signatures are broken`;
  } else if (!l.authenticated) {
    section.status = 'missing';
    findings.push(
      finding(
        F.DNSSEC_UNSIGNED,
        `The resolver did not mark the answers for ${domain} as authenticated (no AD flag). Either the zone is not signed, or the configured resolver does not validate DNSSEC.`,
        { evidence: { name: domain, type: 'SOA', status: l.status, server: l.server } },
      ),
    );
  }
  section.queries = dns.count;
  return { section, findings };
}
