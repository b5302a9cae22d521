import { AREAS, type Area, type Finding } from '../../common/finding';
import {
  AREA_LABELS,
  AREA_WEIGHTS,
  areaOf,
  gradeFindings,
  gradeOf,
  ROOT_CAUSES,
  SEVERITY_PENALTY,
  type AreaReport,
  type AreaStatus,
  type Grade,
  type Graded,
  type RankedFinding,
} from '../../findings/grading';

/**
 * The domain health formula, versioned: a stored report names the formula that scored it, so a
 * changed formula never silently rewrites history. Bump the version for any change of weights,
 * penalties, area mapping, root causes or grade bounds, and keep this comment the documentation of
 * record. The grading itself lives in src/findings/grading.ts, because every kind's score uses it
 * too (issue 13: one scenario table for the kinds and the grade).
 *
 * health-v2 (health-v1 plus root causes everywhere, and the kinds scored the same way)
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
 * 4. Grade bands: A 90-100, B 80-89, C 70-79, D 60-69, F 0-59. No known area at all: score 0,
 *    grade F, verdict indeterminate.
 * 5. Area status: fail (an error or critical finding, or the root cause's area), warn (a
 *    warning), pass, or unknown.
 * 6. Root cause first: when mail cannot be delivered, that is the finding. In precedence order:
 *    DOMAIN_NOT_FOUND (NXDOMAIN) and DOMAIN_DNS_FAILING (every name server fails: SERVFAIL for
 *    the MX, SOA and NS) imply everything else, and only their own area is known;
 *    MX_MISSING (no MX, no address), MX_NULL (RFC 7505) and MX_ALL_UNREACHABLE (no MX host
 *    resolves, or every probed MX refuses the connection) imply what receives mail (MX_*, SMTP_*,
 *    TLS_*, MTA_STS_*, TLSRPT_*, DANE_*), while SPF, DMARC, DKIM and reputation stay judged.
 *    Implied findings are folded under the cause (its `folded` codes), not scored; the score is
 *    capped at 59 (F) and the verdict is fail.
 * 7. Findings are ordered root cause first, then by impact = severity penalty x area weight / 100
 *    (then severity, code).
 * 8. A kind's score (mx, dns, smtp) is the same grading over the areas that kind covers.
 *
 * History across versions: a stored report keeps its formula; the history marks the first point
 * scored by a new formula (`formulaChanged`), so a grade moved by the formula is not read as a
 * change of the domain, and finding codes are compared including folded ones.
 */
export const HEALTH_FORMULA_VERSION = 'health-v2';

export { AREAS, AREA_LABELS, AREA_WEIGHTS, SEVERITY_PENALTY, ROOT_CAUSES, areaOf, gradeOf };
export type { Area, AreaReport, AreaStatus, Grade, RankedFinding };

/** A grade (findings/grading.ts) with the formula version that produced it. */
export interface HealthScore extends Graded {
  formula: string;
}

/**
 * Score findings by the formula above. `assessed` names the areas whose checks produced a result;
 * the others are unknown whatever their findings (a failed probe says nothing about TLS).
 */
export function scoreHealth(findings: Finding[], assessed: ReadonlySet<Area>): HealthScore {
  return { formula: HEALTH_FORMULA_VERSION, ...gradeFindings(findings, assessed) };
}
