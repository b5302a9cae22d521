import { AREAS, type Area, type Finding, type Severity, type Verdict } from '../../common/finding';
import { findingDefinition } from '../../findings/catalog';

/**
 * The domain health formula, versioned: a stored report names the formula that scored it, so a
 * changed formula never silently rewrites history. Bump the version for any change of weights,
 * penalties, area mapping or grade bounds, and keep this comment the documentation of record.
 *
 * health-v1
 * 1. Every finding belongs to one area, written beside its code in the catalog (`area` of
 *    src/findings/catalog.ts, no default bucket): mail routing, sender authentication, transport
 *    security, reputation, server behaviour.
 * 2. Area score = max(0, 100 - sum of penalties); penalty by severity: critical 50, error 25,
 *    warning 8, info 0. An area whose checks did not run (or were indeterminate) is `unknown` and
 *    has no score.
 * 3. Overall score = the weighted mean of the known areas' scores (weights: routing 30,
 *    sender authentication 25, transport security 20, reputation 15, server behaviour 10),
 *    rounded. Caps: any critical finding caps the score at 59 (grade F); any error caps it at 79
 *    (at best C), so one serious problem is never averaged away by healthy areas.
 * 4. Grade: A >= 90, B >= 80, C >= 70, D >= 60, F below. No known area at all: score 0, grade F,
 *    verdict indeterminate.
 * 5. Area status: fail (an error or critical finding), warn (a warning), pass, or unknown.
 * 6. Root cause first (issue 13): a finding in ROOT_CAUSES (the domain does not exist)
 *    means mail cannot be delivered: the findings it implies are folded under it (named
 *    in its detail, not scored), only its own area is known, and the score is capped at 59 (F).
 * 7. Findings are ordered by impact = severity penalty x area weight / 100 (then severity, code).
 */
export const HEALTH_FORMULA_VERSION = 'health-v1';

export { AREAS, type Area };

export const AREA_LABELS: Record<Area, string> = {
  mail_routing: 'Mail routing',
  sender_authentication: 'Sender authentication',
  transport_security: 'Transport security',
  reputation: 'Reputation',
  server_behaviour: 'Server behaviour',
};

export const AREA_WEIGHTS: Record<Area, number> = {
  mail_routing: 30,
  sender_authentication: 25,
  transport_security: 20,
  reputation: 15,
  server_behaviour: 10,
};

export const SEVERITY_PENALTY: Record<Severity, number> = { critical: 50, error: 25, warning: 8, info: 0 };
const SEVERITY_RANK: Record<Severity, number> = { critical: 3, error: 2, warning: 1, info: 0 };

/**
 * Finding code -> area: the area written beside the code in its catalog entry (src/findings/catalog.ts).
 * A code without one is a programming error the catalog tests catch, not a silent default.
 */
export function areaOf(code: string): Area {
  const def = findingDefinition(code);
  if (!def) throw new Error(`finding code ${code} is not in the catalog`);
  if (!def.area) throw new Error(`finding code ${code} does not count toward the health grade`);
  return def.area;
}

/** Findings that make the others follow: mail cannot be delivered to the domain at all. */
export const ROOT_CAUSES: ReadonlySet<string> = new Set(['DOMAIN_NOT_FOUND']);

export type AreaStatus = 'pass' | 'warn' | 'fail' | 'unknown';
export type Grade = 'A' | 'B' | 'C' | 'D' | 'F';

export interface AreaReport {
  area: Area;
  label: string;
  status: AreaStatus;
  /** null when unknown. */
  score: number | null;
  weight: number;
  findingCount: number;
}

export interface RankedFinding extends Finding {
  area: Area;
  /** Points this finding costs the overall score before caps (penalty x weight / 100). */
  impact: number;
}

export interface HealthScore {
  formula: string;
  score: number;
  grade: Grade;
  verdict: Verdict;
  areas: AreaReport[];
  findings: RankedFinding[];
}

export function gradeOf(score: number): Grade {
  if (score >= 90) return 'A';
  if (score >= 80) return 'B';
  if (score >= 70) return 'C';
  if (score >= 60) return 'D';
  return 'F';
}

/**
 * Score findings by the formula above. `assessed` names the areas whose checks produced a result;
 * the others are unknown whatever their findings (a failed probe says nothing about TLS).
 */
export function scoreHealth(all: Finding[], assessedAreas: ReadonlySet<Area>): HealthScore {
  // Root cause first (issue 13): when mail cannot reach the domain at all, that is the finding;
  // what it implies (no SPF, no DMARC, no MTA-STS ... of a domain that does not exist) is folded
  // under it instead of listed as separate problems, and the other areas cannot be judged.
  const roots = all.filter((f) => ROOT_CAUSES.has(f.code));
  const findings = roots.length
    ? roots.map((f, i) => {
        const folded = i === 0 ? all.filter((x) => !ROOT_CAUSES.has(x.code)).map((x) => x.code) : [];
        return folded.length
          ? { ...f, detail: `${f.detail} Folded under this cause: ${[...new Set(folded)].join(', ')}.` }
          : f;
      })
    : all;
  const assessed: ReadonlySet<Area> = roots.length ? new Set(roots.map((f) => areaOf(f.code))) : assessedAreas;
  const ranked: RankedFinding[] = findings.map((f) => {
    const area = areaOf(f.code);
    return { ...f, area, impact: Math.round((SEVERITY_PENALTY[f.severity] * AREA_WEIGHTS[area]) / 10) / 10 };
  });
  ranked.sort(
    (a, b) =>
      b.impact - a.impact || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.code.localeCompare(b.code),
  );

  const areas: AreaReport[] = AREAS.map((area) => {
    const mine = ranked.filter((f) => f.area === area);
    if (!assessed.has(area))
      return {
        area,
        label: AREA_LABELS[area],
        status: 'unknown',
        score: null,
        weight: AREA_WEIGHTS[area],
        findingCount: mine.length,
      };
    const score = Math.max(0, 100 - mine.reduce((s, f) => s + SEVERITY_PENALTY[f.severity], 0));
    const status: AreaStatus = mine.some((f) => f.severity === 'critical' || f.severity === 'error')
      ? 'fail'
      : mine.some((f) => f.severity === 'warning')
        ? 'warn'
        : 'pass';
    return { area, label: AREA_LABELS[area], status, score, weight: AREA_WEIGHTS[area], findingCount: mine.length };
  });

  const known = areas.filter((a) => a.score !== null);
  if (!known.length)
    return { formula: HEALTH_FORMULA_VERSION, score: 0, grade: 'F', verdict: 'indeterminate', areas, findings: ranked };
  const weight = known.reduce((s, a) => s + a.weight, 0);
  let score = Math.round(known.reduce((s, a) => s + a.score! * a.weight, 0) / weight);
  const counted = ranked.filter((f) => assessed.has(f.area));
  if (roots.length || counted.some((f) => f.severity === 'critical')) score = Math.min(score, 59);
  else if (counted.some((f) => f.severity === 'error')) score = Math.min(score, 79);
  const verdict: Verdict = counted.some((f) => f.severity === 'critical' || f.severity === 'error')
    ? 'fail'
    : counted.some((f) => f.severity === 'warning')
      ? 'warn'
      : 'pass';
  return { formula: HEALTH_FORMULA_VERSION, score, grade: gradeOf(score), verdict, areas, findings: ranked };
}
