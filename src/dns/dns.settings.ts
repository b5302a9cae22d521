import { ConfigError } from '../config/config-error';
import { envInt } from '../config/env-int';
import type { OrgDomainMode } from './dmarc.discovery';

/** Settings of the DNS audit (AppConfig slice `dnsAudit`, parsed once at boot). */
export interface DnsAuditSettings {
  /** DNS_AUDIT_MAX_INFLIGHT (default 16, 1..256): queries of one audit in flight at once. */
  maxInFlight: number;
  /**
   * DNS_DMARC_ORG_DOMAIN (default `tree-walk`): how the DMARC organizational domain is found, by the
   * RFC 9989 DNS tree walk, or `psl`, the legacy Public Suffix List of RFC 7489.
   */
  dmarcOrgDomainMode: OrgDomainMode;
  /**
   * DNSSEC_EXPIRY_WARN_DAYS (default 7, 0..365; 0 = off): an RRSIG of the zone (SOA, DNSKEY)
   * expiring within this many days is a DNSSEC_SIGNATURE_EXPIRING finding. Signers re-sign well
   * ahead (BIND's dnssec-policy refreshes at a third of the validity left), so a week left means
   * re-signing has stopped.
   */
  dnssecExpiryWarnDays: number;
}

export function readDnsAuditSettings(env: Record<string, string | undefined>): DnsAuditSettings {
  const problems: string[] = [];
  let maxInFlight = 16;
  try {
    maxInFlight = envInt(env, 'DNS_AUDIT_MAX_INFLIGHT', 16, 1, 256);
  } catch (e) {
    problems.push((e as Error).message);
  }
  let dnssecExpiryWarnDays = 7;
  try {
    dnssecExpiryWarnDays = envInt(env, 'DNSSEC_EXPIRY_WARN_DAYS', 7, 0, 365);
  } catch (e) {
    problems.push((e as Error).message);
  }
  const mode = env.DNS_DMARC_ORG_DOMAIN || 'tree-walk';
  if (mode !== 'tree-walk' && mode !== 'psl')
    problems.push(`DNS_DMARC_ORG_DOMAIN: "${mode}" must be tree-walk (RFC 9989) or psl (legacy RFC 7489)`);
  if (problems.length) throw new ConfigError(problems);
  return { maxInFlight, dmarcOrgDomainMode: mode as OrgDomainMode, dnssecExpiryWarnDays };
}
