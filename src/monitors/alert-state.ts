/**
 * Alerts on change, with hysteresis: the pure state machine folded over each monitor run's result,
 * one state per (monitor, kind). Rules:
 * - a result is summarised as its verdict, grade (health) and the codes of its findings of
 *   severity warning or worse (informational findings never alert);
 * - "indeterminate" results (timeouts, a check that could not run) carry no information: they
 *   neither confirm nor reset a pending change, so they never alert as a failure by themselves;
 * - the first determinate result is the baseline: it does not alert (nothing changed yet; the
 *   monitor's state shows it), every later confirmed change does;
 * - a result that differs from the confirmed one becomes a candidate; it is confirmed (and
 *   alerts, once) after `confirmations` consecutive identical results; any result equal to the
 *   confirmed state drops the candidate, so a target flapping faster than that never alerts;
 * - a confirmed change is a `problem` when a finding appeared or the verdict/grade got worse,
 *   otherwise a `recovery`.
 */

export interface FindingSummary {
  code: string;
  severity: string;
  title: string;
  detail?: string;
  remediation?: string;
}

export interface Snapshot {
  verdict: string;
  grade?: string;
  /** Sorted codes of the findings of severity warning or worse. */
  codes: string[];
  /** Those findings, for the alert text. */
  findings: FindingSummary[];
}

export type Observation = { determinate: false } | ({ determinate: true } & Snapshot);

export interface KindState {
  confirmed?: Snapshot;
  candidate?: { snapshot: Snapshot; count: number };
  /** Indeterminate results in a row (shown to the user; never alerts by itself). */
  indeterminateRuns: number;
}

export interface AlertChange {
  type: 'problem' | 'recovery';
  verdict: { from?: string; to: string };
  grade?: { from?: string; to?: string };
  appeared: FindingSummary[];
  cleared: FindingSummary[];
}

const ALERTING = new Set(['critical', 'error', 'warning']);
const VERDICT_RANK: Record<string, number> = { pass: 0, warn: 1, fail: 2 };
const GRADE_RANK: Record<string, number> = { A: 0, B: 1, C: 2, D: 3, E: 4, F: 5 };

/** The observation of one finished check (its stored status, verdict, findings and result). */
export function observe(check: {
  status: string;
  verdict: string | null;
  findings: FindingSummary[];
  grade?: string;
}): Observation {
  if (check.status !== 'completed' || !check.verdict || !(check.verdict in VERDICT_RANK)) return { determinate: false };
  const byCode = new Map<string, FindingSummary>();
  for (const f of check.findings) if (ALERTING.has(f.severity) && !byCode.has(f.code)) byCode.set(f.code, f);
  const codes = [...byCode.keys()].sort();
  return {
    determinate: true,
    verdict: check.verdict,
    ...(check.grade ? { grade: check.grade } : {}),
    codes,
    findings: codes.map((c) => byCode.get(c)!),
  };
}

function same(a: Snapshot, b: Snapshot): boolean {
  return a.verdict === b.verdict && a.grade === b.grade && a.codes.join(',') === b.codes.join(',');
}

function snapshotOf(o: Snapshot): Snapshot {
  return { verdict: o.verdict, ...(o.grade ? { grade: o.grade } : {}), codes: o.codes, findings: o.findings };
}

function diff(from: Snapshot | undefined, to: Snapshot): AlertChange {
  const before = new Set(from?.codes ?? []);
  const after = new Set(to.codes);
  const appeared = to.findings.filter((f) => !before.has(f.code));
  const cleared = (from?.findings ?? []).filter((f) => !after.has(f.code));
  const worse =
    appeared.length > 0 ||
    (VERDICT_RANK[to.verdict] ?? 0) > (VERDICT_RANK[from?.verdict ?? 'pass'] ?? 0) ||
    (to.grade !== undefined && (GRADE_RANK[to.grade] ?? 0) > (GRADE_RANK[from?.grade ?? 'A'] ?? 0));
  return {
    type: worse ? 'problem' : 'recovery',
    verdict: { ...(from ? { from: from.verdict } : {}), to: to.verdict },
    ...(from?.grade !== to.grade ? { grade: { from: from?.grade, to: to.grade } } : {}),
    appeared,
    cleared,
  };
}

/** Fold one observation into the state; returns the next state and the change to alert, if any. */
export function fold(
  state: KindState,
  obs: Observation,
  confirmations: number,
): { state: KindState; change?: AlertChange } {
  if (!obs.determinate) return { state: { ...state, indeterminateRuns: state.indeterminateRuns + 1 } };
  const snap = snapshotOf(obs);
  if (!state.confirmed) {
    return { state: { confirmed: snap, indeterminateRuns: 0 } };
  }
  if (same(state.confirmed, snap)) return { state: { confirmed: snap, indeterminateRuns: 0 } };
  const count = state.candidate && same(state.candidate.snapshot, snap) ? state.candidate.count + 1 : 1;
  if (count >= confirmations)
    return { state: { confirmed: snap, indeterminateRuns: 0 }, change: diff(state.confirmed, snap) };
  return { state: { confirmed: state.confirmed, candidate: { snapshot: snap, count }, indeterminateRuns: 0 } };
}
