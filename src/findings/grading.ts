import { AREAS, type Area, type Finding, type Severity, type Verdict } from '../common/finding';
import { findingDefinition } from './catalog';

/**
 * One grading for every kind's score and for the domain health grade (issue 13): the same
 * root-cause folding, the same penalties, caps and grade bands, so a domain gets the same answer
 * from `mx`, `dns`, `smtp` and `health`. The health formula (src/reports/health/health.score.ts)
 * documents and versions it; a kind's score is this grading over the areas that kind covers.
 */

export type Grade = 'A' | 'B' | 'C' | 'D' | 'F';

/** Score bands of the grades (inclusive): a score in a band means that grade, everywhere. */
export const GRADE_BANDS: Readonly<Record<Grade, readonly [number, number]>> = {
  A: [90, 100],
  B: [80, 89],
  C: [70, 79],
  D: [60, 69],
  F: [0, 59],
};

export function gradeOf(score: number): Grade {
  for (const g of ['A', 'B', 'C', 'D'] as const) if (score >= GRADE_BANDS[g][0]) return g;
  return 'F';
}

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

/** The areas each kind's result speaks about (its score is graded over these). */
export const KIND_AREAS: Readonly<Record<string, readonly Area[]>> = {
  mx: ['mail_routing'],
  dns: ['mail_routing', 'sender_authentication', 'transport_security', 'reputation'],
  smtp: ['mail_routing', 'transport_security', 'reputation', 'server_behaviour'],
};

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

/**
 * What receives mail for the domain: moot once no mail can reach it (no MTA-STS, TLS-RPT or DANE
 * to judge, no STARTTLS to test, no MX detail worth a separate line).
 */
const INBOUND = /^(MX_|SMTP_|TLS_|MTA_STS_|TLSRPT_|DANE_)/;

/**
 * What a probe says when the server is definitely not there: the connection was refused, or the
 * host has no address. A timeout is not among them (it may be the probe's own network dropping
 * port 25), so a run that only timed out never makes every MX "unreachable".
 */
export const NO_CONNECTION_CODES: ReadonlySet<string> = new Set(['SMTP_CONNECTION_REFUSED', 'SMTP_HOST_UNRESOLVABLE']);

export interface RootCause {
  code: string;
  /** `all`: nothing else can be judged; otherwise the codes this cause makes moot. */
  implies: 'all' | ((code: string) => boolean);
}

/**
 * Findings that make others follow: mail cannot be delivered to the domain. In order of
 * precedence; the first present is the cause, and what it implies is folded under it.
 * Sender authentication (SPF, DMARC, DKIM) is not implied by a missing or unreachable MX: a
 * domain that receives no mail can still be spoofed, so those stay separate findings.
 */
export const ROOT_CAUSES: readonly RootCause[] = [
  { code: 'DOMAIN_NOT_FOUND', implies: 'all' },
  { code: 'DOMAIN_DNS_FAILING', implies: 'all' },
  { code: 'MX_MISSING', implies: (c) => INBOUND.test(c) },
  { code: 'MX_NULL', implies: (c) => INBOUND.test(c) },
  { code: 'MX_ALL_UNREACHABLE', implies: (c) => INBOUND.test(c) },
];

export interface Folded {
  /** The root cause present, if any. */
  root?: RootCause;
  /** The root finding first (carrying `folded`), then the findings it does not imply. */
  findings: Finding[];
}

/** The root cause among these findings, if any: the first of ROOT_CAUSES present. */
function findRoot(all: readonly Pick<Finding, 'code'>[]): RootCause | undefined {
  return ROOT_CAUSES.find((r) => all.some((f) => f.code === r.code));
}

/** The code of the root cause among these findings, if any (what a check's `rootCause` says). */
export function rootCauseOf(all: readonly Pick<Finding, 'code'>[]): string | undefined {
  return findRoot(all)?.code;
}

const FOLDED = 'Folded under this cause (moot while it lasts)';

/** Fold the findings a root cause implies under it (listed in its `folded` and its detail). */
export function foldRootCauses(all: readonly Finding[]): Folded {
  const root = findRoot(all);
  if (!root) return { findings: [...all] };
  const implied = (code: string) => code === root.code || root.implies === 'all' || root.implies(code);
  const cause = all.find((f) => f.code === root.code)!;
  const folded: string[] = [];
  const kept: Finding[] = [];
  for (const f of all) {
    if (f === cause) continue;
    if (implied(f.code)) folded.push(f.code);
    else kept.push(f);
  }
  const codes = [...new Set([...(cause.folded ?? []), ...folded.filter((c) => c !== root.code)])];
  // A cause folded once already (by a kind, then again in the health report) is listed once.
  const at = cause.detail.indexOf(FOLDED);
  const detail = at >= 0 ? cause.detail.slice(0, at) : cause.detail;
  const head: Finding = codes.length
    ? { ...cause, folded: codes, detail: `${detail.trimEnd()} ${FOLDED}: ${codes.join(', ')}.` }
    : cause;
  return { root, findings: [head, ...kept] };
}

export type AreaStatus = 'pass' | 'warn' | 'fail' | 'unknown';

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

export interface Graded {
  score: number;
  grade: Grade;
  verdict: Verdict;
  /** The root cause's code when one decided the grade. */
  rootCause?: string;
  areas: AreaReport[];
  /** Root cause first, then by impact; implied findings folded under the cause. */
  findings: RankedFinding[];
}

/**
 * Grade findings (the formula of health.score.ts). `assessed` names the areas whose checks produced
 * a result; the others are unknown whatever their findings. A root cause decides: the grade is F,
 * the verdict fail, and when it implies everything only its own area is known.
 */
export function gradeFindings(all: readonly Finding[], assessedAreas: ReadonlySet<Area>): Graded {
  const { root, findings } = foldRootCauses(all);
  const assessed: ReadonlySet<Area> = root?.implies === 'all' ? new Set([areaOf(root.code)]) : assessedAreas;
  const ranked: RankedFinding[] = findings.map((f) => {
    const area = areaOf(f.code);
    return { ...f, area, impact: Math.round((SEVERITY_PENALTY[f.severity] * AREA_WEIGHTS[area]) / 10) / 10 };
  });
  ranked.sort(
    (a, b) =>
      Number(b.code === root?.code) - Number(a.code === root?.code) ||
      b.impact - a.impact ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      a.code.localeCompare(b.code),
  );

  const areas: AreaReport[] = AREAS.map((area) => {
    const mine = ranked.filter((f) => f.area === area);
    const base = { area, label: AREA_LABELS[area], weight: AREA_WEIGHTS[area], findingCount: mine.length };
    if (!assessed.has(area)) return { ...base, status: 'unknown', score: null };
    const score = Math.max(0, 100 - mine.reduce((s, f) => s + SEVERITY_PENALTY[f.severity], 0));
    const status: AreaStatus =
      (root && areaOf(root.code) === area) || mine.some((f) => f.severity === 'critical' || f.severity === 'error')
        ? 'fail'
        : mine.some((f) => f.severity === 'warning')
          ? 'warn'
          : 'pass';
    return { ...base, status, score };
  });

  const rootCause = root ? { rootCause: root.code } : {};
  const known = areas.filter((a) => a.score !== null);
  if (!known.length) return { score: 0, grade: 'F', verdict: 'indeterminate', areas, findings: ranked };
  const weight = known.reduce((s, a) => s + a.weight, 0);
  let score = Math.round(known.reduce((s, a) => s + a.score! * a.weight, 0) / weight);
  const counted = ranked.filter((f) => assessed.has(f.area));
  if (root || counted.some((f) => f.severity === 'critical')) score = Math.min(score, GRADE_BANDS.F[1]);
  else if (counted.some((f) => f.severity === 'error')) score = Math.min(score, GRADE_BANDS.C[1]);
  const verdict: Verdict =
    root || counted.some((f) => f.severity === 'critical' || f.severity === 'error')
      ? 'fail'
      : counted.some((f) => f.severity === 'warning')
        ? 'warn'
        : 'pass';
  return { score, grade: gradeOf(score), verdict, ...rootCause, areas, findings: ranked };
}

/**
 * A kind's verdict and score: the same grading over the areas the kind covers. The findings come
 * back folded (root cause first) and without the grading's area/impact decoration.
 */
export function gradeKind(
  kind: keyof typeof KIND_AREAS,
  all: readonly Finding[],
): { verdict: Verdict; score: number; findings: Finding[]; rootCause?: string } {
  const g = gradeFindings(all, new Set(KIND_AREAS[kind]));
  const { findings } = foldRootCauses(all);
  return { verdict: g.verdict, score: g.score, findings, ...(g.rootCause ? { rootCause: g.rootCause } : {}) };
}
