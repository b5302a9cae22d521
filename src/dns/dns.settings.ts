import { envInt } from '../config/env-int';

/** Settings of the DNS audit (AppConfig slice `dnsAudit`, parsed once at boot). */
export interface DnsAuditSettings {
  /** DNS_AUDIT_MAX_INFLIGHT (default 16, 1..256): queries of one audit in flight at once. */
  maxInFlight: number;
}

export function readDnsAuditSettings(env: Record<string, string | undefined>): DnsAuditSettings {
  return { maxInFlight: envInt(env, 'DNS_AUDIT_MAX_INFLIGHT', 16, 1, 256) };
}
