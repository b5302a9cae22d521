import type { FindingDefinition } from '../common/finding';
import { CONTENT_FINDINGS } from '../content-spam-check/rules/rule.registry';
import { DNS_FINDINGS } from '../dns/dns.findings';
import { MX_FINDINGS } from '../mx/mx.findings';
import { PROBE_FINDINGS } from '../probe/probe.findings';
import { HEALTH_FINDINGS } from '../reports/health/health.findings';
import { REPORTS_FINDINGS } from '../reports/reports.findings';

/**
 * The one finding catalog (issue 13): every code any module emits, each defined exactly once in the
 * module that owns it, with one severity, title, remediation, references and the health-grade area
 * beside it. Kinds list (subsets of) these same objects, so GET /v1/findings, the health grade and
 * the reports all read one definition. Building it fails at start-up if two modules define a code.
 */
export const MODULE_CATALOGS: readonly (readonly FindingDefinition[])[] = [
  Object.values(MX_FINDINGS),
  Object.values(DNS_FINDINGS),
  Object.values(PROBE_FINDINGS),
  CONTENT_FINDINGS,
  Object.values(REPORTS_FINDINGS),
  Object.values(HEALTH_FINDINGS),
];

function build(): Map<string, FindingDefinition> {
  const out = new Map<string, FindingDefinition>();
  for (const catalog of MODULE_CATALOGS)
    for (const def of catalog) {
      const seen = out.get(def.code);
      if (seen && seen !== def)
        throw new Error(`finding code ${def.code} is defined twice (modules ${seen.module} and ${def.module})`);
      out.set(def.code, def);
    }
  return out;
}

export const FINDING_CATALOG: ReadonlyMap<string, FindingDefinition> = build();

/** The catalog entry of a code, or undefined for a code no module defines. */
export function findingDefinition(code: string): FindingDefinition | undefined {
  return FINDING_CATALOG.get(code);
}
