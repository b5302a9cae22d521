import { finding, type Finding, type Verdict } from '../../common/finding';
import { HEALTH_FINDINGS } from './health.findings';
import { scoreHealth, type Area, type AreaReport, type Grade, type RankedFinding } from './health.score';

/** What the report needs of a child check (a row of kind dns, mx or smtp). */
export interface ChildCheck {
  id: string;
  kind: string;
  target: string;
  status: string;
  verdict: string | null;
  findings: Finding[];
  error: string | null;
}

export interface HealthReport {
  formula: string;
  domain: string;
  checkId: string;
  score: number;
  grade: Grade;
  verdict: Verdict;
  generatedAt: string;
  areas: AreaReport[];
  /** Ordered by impact, highest first; each carries its fix in `remediation`. */
  findings: RankedFinding[];
  checks: { id: string; kind: string; target: string; status: string; verdict: string | null }[];
}

/** Areas a child's result speaks about. */
const COVERS: Record<string, Area[]> = {
  dns: ['mail_routing', 'sender_authentication', 'transport_security', 'reputation'],
  mx: ['mail_routing'],
  smtp: ['mail_routing', 'transport_security', 'reputation', 'server_behaviour'],
};

const RANK = { critical: 3, error: 2, warning: 1, info: 0 } as const;

/**
 * Merge the children's findings into one report. The same code seen on several MX hosts counts
 * once (the most severe instance), with every check that saw it in `evidence.seenIn`, so a domain
 * with three MX is not punished three times for one configuration.
 */
export function buildHealthReport(domain: string, checkId: string, children: ChildCheck[], at: Date): HealthReport {
  const assessed = new Set<Area>();
  const byCode = new Map<string, { f: Finding; seenIn: string[] }>();
  const runFindings: Finding[] = [];
  for (const c of children) {
    if (c.status !== 'completed') {
      runFindings.push(
        finding(
          HEALTH_FINDINGS.HEALTH_PART_FAILED,
          `The ${c.kind} check of ${c.target} did not complete: ${c.error ?? c.status}.`,
          { evidence: { checkId: c.id } },
        ),
      );
      continue;
    }
    if (c.verdict !== 'indeterminate') for (const a of COVERS[c.kind] ?? []) assessed.add(a);
    for (const f of c.findings) {
      const seen = byCode.get(f.code);
      if (!seen) byCode.set(f.code, { f, seenIn: [c.id] });
      else {
        seen.seenIn.push(c.id);
        if (RANK[f.severity] > RANK[seen.f.severity]) seen.f = f;
      }
    }
  }
  const merged = [...byCode.values()].map(({ f, seenIn }) =>
    seenIn.length > 1 ? { ...f, evidence: { seenIn, first: f.evidence ?? null } } : f,
  );
  const scored = scoreHealth(merged, assessed);
  const allFailed = children.length > 0 && children.every((c) => c.status !== 'completed');
  return {
    formula: scored.formula,
    domain,
    checkId,
    score: scored.score,
    grade: scored.grade,
    verdict: allFailed ? 'indeterminate' : scored.verdict,
    generatedAt: at.toISOString(),
    areas: scored.areas,
    // Facts about the run itself carry no penalty and come last.
    findings: [...scored.findings, ...runFindings.map((f) => ({ ...f, area: 'server_behaviour' as const, impact: 0 }))],
    checks: children.map((c) => ({ id: c.id, kind: c.kind, target: c.target, status: c.status, verdict: c.verdict })),
  };
}
