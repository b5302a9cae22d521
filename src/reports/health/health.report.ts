import { finding, type Finding, type Verdict } from '../../common/finding';
import { KIND_AREAS, NO_CONNECTION_CODES } from '../../findings/grading';
import { MX_FINDINGS } from '../../mx/mx.findings';
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
  /** The child's result (kind-specific); the MX hosts the dns or mx child found are read from it. */
  result?: unknown;
}

export interface HealthReport {
  formula: string;
  domain: string;
  checkId: string;
  score: number;
  grade: Grade;
  verdict: Verdict;
  /** The finding that decided the grade when mail cannot be delivered (root cause first). */
  rootCause?: string;
  generatedAt: string;
  areas: AreaReport[];
  /** Ordered by impact, highest first; each carries its fix in `remediation`. */
  findings: RankedFinding[];
  checks: { id: string; kind: string; target: string; status: string; verdict: string | null }[];
}

/** Areas a child's result speaks about (the same as the kind's own score). */
const COVERS: Readonly<Record<string, readonly Area[]>> = KIND_AREAS;

/** How many MX hosts the dns (or mx) child found, if it says. */
function mxHostCount(children: ChildCheck[]): number | undefined {
  for (const c of children) {
    const r = c.result as { hosts?: unknown[]; sections?: { mx?: { hosts?: unknown[] } } } | null | undefined;
    const hosts = c.kind === 'dns' ? r?.sections?.mx?.hosts : c.kind === 'mx' ? r?.hosts : undefined;
    if (c.status === 'completed' && Array.isArray(hosts)) return hosts.length;
  }
  return undefined;
}

/**
 * Every MX host was probed and none could be reached: each probe's findings are only refused
 * connections or unresolvable hosts (NO_CONNECTION_CODES), so no dialogue happened. A timeout is
 * not enough: such a run stays as its findings say.
 */
function everyMxUnreachable(children: ChildCheck[]): Finding | undefined {
  const probes = children.filter((c) => c.kind === 'smtp');
  const hosts = mxHostCount(children);
  if (!probes.length || hosts === undefined || probes.length < hosts) return undefined;
  const down = probes.filter(
    (c) =>
      c.status === 'completed' && c.findings.length > 0 && c.findings.every((f) => NO_CONNECTION_CODES.has(f.code)),
  );
  if (down.length < probes.length) return undefined;
  return finding(
    MX_FINDINGS.MX_ALL_UNREACHABLE,
    `None of the ${probes.length} MX host(s) accepted a connection from the probe: ${probes.map((c) => c.target).join(', ')}.`,
    { evidence: { checks: probes.map((c) => c.id) } },
  );
}

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
  const unreachable = byCode.has(MX_FINDINGS.MX_ALL_UNREACHABLE.code) ? undefined : everyMxUnreachable(children);
  const scored = scoreHealth(unreachable ? [unreachable, ...merged] : merged, assessed);
  const allFailed = children.length > 0 && children.every((c) => c.status !== 'completed');
  return {
    formula: scored.formula,
    domain,
    checkId,
    score: scored.score,
    grade: scored.grade,
    verdict: allFailed ? 'indeterminate' : scored.verdict,
    ...(scored.rootCause ? { rootCause: scored.rootCause } : {}),
    generatedAt: at.toISOString(),
    areas: scored.areas,
    // Facts about the run itself carry no penalty and come last.
    findings: [...scored.findings, ...runFindings.map((f) => ({ ...f, area: 'server_behaviour' as const, impact: 0 }))],
    checks: children.map((c) => ({ id: c.id, kind: c.kind, target: c.target, status: c.status, verdict: c.verdict })),
  };
}
