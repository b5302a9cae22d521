/**
 * The Finding: the one shape every diagnosis speaks, over REST, GraphQL, CLI and webhooks.
 * `code` is a stable UPPER_SNAKE identifier from the catalog; clients map codes to their own UI.
 */
export type Severity = 'critical' | 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'error', 'warning', 'info'];

export type Verdict = 'pass' | 'warn' | 'fail' | 'indeterminate';
export const VERDICTS: readonly Verdict[] = ['pass', 'warn', 'fail', 'indeterminate'];

export interface Finding {
  code: string;
  severity: Severity;
  title: string;
  detail: string;
  remediation: string;
  /** Raw evidence: records, replies, transcript excerpts. JSON-serialisable. */
  evidence?: unknown;
  references?: string[];
  /** The health-grade area of the code (from its catalog entry); absent for codes the grade never sees. */
  area?: Area;
  /**
   * Root cause first (issue 13): the codes of the findings this one implies, folded under it
   * instead of listed as separate problems (src/findings/grading.ts).
   */
  folded?: string[];
}

/** A root cause: a finding the findings it implies were folded under (`folded`). */
export function isRootCause(f: Pick<Finding, 'folded'>): boolean {
  return Array.isArray(f.folded) && f.folded.length > 0;
}

/** The areas of the health grade (src/reports/health/health.score.ts). */
export const AREAS = [
  'mail_routing',
  'sender_authentication',
  'transport_security',
  'reputation',
  'server_behaviour',
] as const;
export type Area = (typeof AREAS)[number];

/** One catalog entry: what a code means in general. A Finding instance adds the specific detail. */
export interface FindingDefinition {
  code: string;
  severity: Severity;
  /**
   * The health-grade area this code counts toward, written beside the code (issue 13: no default
   * bucket); null for codes the health grade never sees (content rules, reply-only codes of bounces).
   */
  area: Area | null;
  title: string;
  /** Default remediation in the user's words; a finding may give a more specific one. */
  remediation: string;
  references?: string[];
  /** The module that emits it (mx, dns, probe, content, reports, ...). */
  module: string;
}

/**
 * Build a Finding from its catalog definition. `detail` says what was seen in this case;
 * `overrides` may sharpen severity or remediation (e.g. with the suggested record text).
 */
export function finding(
  def: FindingDefinition,
  detail: string,
  overrides: Partial<Pick<Finding, 'severity' | 'remediation' | 'evidence' | 'references' | 'title'>> = {},
): Finding {
  return {
    code: def.code,
    severity: overrides.severity ?? def.severity,
    title: overrides.title ?? def.title,
    detail,
    remediation: overrides.remediation ?? def.remediation,
    ...(def.area ? { area: def.area } : {}),
    ...(overrides.evidence !== undefined ? { evidence: overrides.evidence } : {}),
    ...((overrides.references ?? def.references) ? { references: overrides.references ?? def.references } : {}),
  };
}

/** Helper to declare a module's catalog with type-checked keys. */
export function defineFindings<K extends string>(
  module: string,
  defs: Record<K, Omit<FindingDefinition, 'code' | 'module'>>,
): Record<K, FindingDefinition> {
  const out = {} as Record<K, FindingDefinition>;
  for (const code of Object.keys(defs) as K[]) {
    out[code] = { code, module, ...defs[code] };
  }
  return out;
}
