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
 *   otherwise a `recovery`;
 * - a target that stays indeterminate for `indeterminateAfter` runs in a row (the operator's
 *   MONITOR_INDETERMINATE_ALERT_RUNS) alerts once, as `indeterminate` ("cannot check"), never as a
 *   problem: the monitor is blind, the target may be fine. The next determinate result clears it
 *   with a `resumed` alert, or, when that result itself confirms a change, with that change's
 *   alert marked `resumed`.
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

/** An indeterminate result keeps its alerting findings (e.g. DNS_TIMEOUT) as the reason it could not tell. */
export type Observation = { determinate: false; findings?: FindingSummary[] } | ({ determinate: true } & Snapshot);

export interface KindState {
  confirmed?: Snapshot;
  candidate?: { snapshot: Snapshot; count: number };
  /** Indeterminate results in a row (shown to the user; never alerts as a failure). */
  indeterminateRuns: number;
  /** The `indeterminate` alert of the current run of indeterminate results was sent. */
  indeterminateAlerted?: boolean;
}

export type AlertType = 'problem' | 'recovery' | 'indeterminate' | 'resumed';
export const ALERT_TYPES: readonly AlertType[] = ['problem', 'recovery', 'indeterminate', 'resumed'];

export interface AlertChange {
  type: AlertType;
  verdict: { from?: string; to: string };
  grade?: { from?: string; to?: string };
  appeared: FindingSummary[];
  cleared: FindingSummary[];
  /** `indeterminate`: the runs in a row that could not tell. */
  indeterminateRuns?: number;
  /** `indeterminate`: why the last run could not tell (its findings of severity warning or worse). */
  reasons?: FindingSummary[];
  /** A problem or recovery that is also the first determinate result after an `indeterminate` alert. */
  resumed?: boolean;
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
  const byCode = new Map<string, FindingSummary>();
  for (const f of check.findings) if (ALERTING.has(f.severity) && !byCode.has(f.code)) byCode.set(f.code, f);
  const codes = [...byCode.keys()].sort();
  if (check.status !== 'completed' || !check.verdict || !(check.verdict in VERDICT_RANK))
    return codes.length ? { determinate: false, findings: codes.map((c) => byCode.get(c)!) } : { determinate: false };
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

/**
 * Fold one observation into the state; returns the next state and the change to alert, if any.
 * `indeterminateAfter`: indeterminate runs in a row that alert once as `indeterminate` (0: never).
 */
export function fold(
  state: KindState,
  obs: Observation,
  confirmations: number,
  indeterminateAfter = 0,
): { state: KindState; change?: AlertChange } {
  if (!obs.determinate) {
    const runs = state.indeterminateRuns + 1;
    const next: KindState = { ...state, indeterminateRuns: runs };
    if (indeterminateAfter <= 0 || runs < indeterminateAfter || state.indeterminateAlerted) return { state: next };
    return {
      state: { ...next, indeterminateAlerted: true },
      change: {
        type: 'indeterminate',
        verdict: { ...(state.confirmed ? { from: state.confirmed.verdict } : {}), to: 'indeterminate' },
        appeared: [],
        cleared: [],
        indeterminateRuns: runs,
        reasons: obs.findings ?? [],
      },
    };
  }
  const r = foldDeterminate(state, obs, confirmations);
  if (!state.indeterminateAlerted) return r;
  if (r.change) return { state: r.state, change: { ...r.change, resumed: true } };
  return {
    state: r.state,
    change: {
      type: 'resumed',
      verdict: { from: 'indeterminate', to: obs.verdict },
      ...(obs.grade ? { grade: { to: obs.grade } } : {}),
      appeared: [],
      cleared: [],
    },
  };
}

function foldDeterminate(
  state: KindState,
  obs: Snapshot,
  confirmations: number,
): { state: KindState; change?: AlertChange } {
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
