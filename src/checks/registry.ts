import type { FindingDefinition } from '../common/finding';
import { REPORTS_FINDINGS } from '../reports/reports.findings';
import { contentKind } from '../content-spam-check/content.kind';
import { dnsKind } from '../dns/dns.kind';
import { mxKind } from '../mx/mx.kind';
import { smtpKind } from '../probe/probe.kind';
import { healthKind } from '../reports/health/health.kind';
import type { CheckKindDefinition } from './check-kind';

/**
 * The one list of check kinds. REST, GraphQL, the workers and the CLI all read it; adding a kind
 * is one folder plus one line here.
 */
export const CHECK_KINDS: readonly CheckKindDefinition[] = [mxKind, dnsKind, smtpKind, contentKind, healthKind];

const byName = new Map(CHECK_KINDS.map((k) => [k.name, k]));

export function getKind(name: string): CheckKindDefinition | undefined {
  return byName.get(name);
}

export function kindNames(): string[] {
  return CHECK_KINDS.map((k) => k.name);
}

/** Extra catalog entries from modules that are not check kinds (e.g. reports' explanations). */
const extraFindings: FindingDefinition[] = [...Object.values(REPORTS_FINDINGS)];
export function registerFindings(defs: FindingDefinition[]): void {
  extraFindings.push(...defs);
}

/** The finding catalog: every code any kind can emit, de-duplicated by code. */
export function findingCatalog(): FindingDefinition[] {
  const seen = new Map<string, FindingDefinition>();
  for (const k of CHECK_KINDS) for (const f of k.findings) if (!seen.has(f.code)) seen.set(f.code, f);
  for (const f of extraFindings) if (!seen.has(f.code)) seen.set(f.code, f);
  return [...seen.values()].sort((a, b) => a.code.localeCompare(b.code));
}
