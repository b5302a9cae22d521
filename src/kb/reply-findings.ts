import type { FindingDefinition } from '../common/finding';
import { DNS_FINDINGS } from '../dns/dns.findings';
import { PROBE_FINDINGS } from '../probe/probe.findings';
import { REPORTS_FINDINGS } from '../reports/reports.findings';

/**
 * Every finding code an SMTP reply can be classified as, each defined once in the module that
 * owns it: the probe's SMTP_* and TLS_* codes, the reply-only codes of the reports module, and the
 * dns module's DNSBL_LISTED. The probe, explain, bounces and logs all speak this vocabulary.
 */
export const REPLY_FINDINGS: Record<string, FindingDefinition> = {
  ...PROBE_FINDINGS,
  ...REPORTS_FINDINGS,
  DNSBL_LISTED: DNS_FINDINGS.DNSBL_LISTED,
};

/** The catalog entry of a reply code (SMTP_UNCLASSIFIED for a code the tables do not know). */
export function replyFinding(code: string): FindingDefinition {
  return REPLY_FINDINGS[code] ?? REPORTS_FINDINGS.SMTP_UNCLASSIFIED;
}
