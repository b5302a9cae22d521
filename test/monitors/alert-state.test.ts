import { describe, expect, it } from 'vitest';
import { fold, observe, type KindState, type Observation } from '../../src/monitors/alert-state';

const f = (code: string, severity = 'error') => ({ code, severity, title: `${code} title` });
const ok = observe({ status: 'completed', verdict: 'pass', findings: [f('MX_SINGLE_HOST', 'info')] });
const broken = observe({ status: 'completed', verdict: 'fail', findings: [f('MX_MISSING')] });
const timeout = observe({ status: 'completed', verdict: 'indeterminate', findings: [f('DNS_TIMEOUT', 'warning')] });

function run(seq: Observation[], confirmations = 2, indeterminateAfter = 0) {
  let state: KindState = { indeterminateRuns: 0 };
  const changes = [];
  for (const o of seq) {
    const r = fold(state, o, confirmations, indeterminateAfter);
    state = r.state;
    if (r.change) changes.push(r.change);
  }
  return { state, changes };
}

describe('alert state (hysteresis)', () => {
  it('summarises a result by verdict, grade and findings of severity warning or worse', () => {
    expect(ok).toMatchObject({ determinate: true, verdict: 'pass', codes: [] });
    expect(broken).toMatchObject({ determinate: true, verdict: 'fail', codes: ['MX_MISSING'] });
    // An indeterminate result keeps its reason, and nothing else.
    expect(timeout).toEqual({ determinate: false, findings: [f('DNS_TIMEOUT', 'warning')] });
    expect(observe({ status: 'failed', verdict: null, findings: [] })).toEqual({ determinate: false });
  });

  it('the baseline never alerts, a confirmed change alerts once, the way back is one recovery', () => {
    expect(run([broken]).changes).toEqual([]);
    const { changes } = run([ok, broken, broken, broken, broken, ok, ok, ok]);
    expect(changes.map((c) => c.type)).toEqual(['problem', 'recovery']);
    expect(changes[0]!.appeared.map((x) => x.code)).toEqual(['MX_MISSING']);
    expect(changes[0]!.verdict).toEqual({ from: 'pass', to: 'fail' });
    expect(changes[1]!.cleared.map((x) => x.code)).toEqual(['MX_MISSING']);
  });

  it('a target flapping faster than the confirmations alerts nothing', () => {
    expect(run([ok, broken, ok, broken, ok, broken, ok]).changes).toEqual([]);
    expect(run([ok, broken, broken, ok, broken, broken, ok], 3).changes).toEqual([]);
    // With one confirmation every change alerts.
    expect(run([ok, broken, ok], 1).changes.map((c) => c.type)).toEqual(['problem', 'recovery']);
  });

  it('indeterminate results neither alert, confirm nor reset a pending change', () => {
    const quiet = run([ok, timeout, timeout, timeout, timeout]);
    expect(quiet.changes).toEqual([]);
    expect(quiet.state.indeterminateRuns).toBe(4);
    expect(quiet.state.confirmed?.verdict).toBe('pass');
    // broken, timeout, broken: still two agreeing results, so one alert.
    expect(run([ok, broken, timeout, broken]).changes.map((c) => c.type)).toEqual(['problem']);
  });

  it('a worse grade is a problem, a better one a recovery', () => {
    const a = observe({ status: 'completed', verdict: 'warn', findings: [], grade: 'A' });
    const c = observe({ status: 'completed', verdict: 'warn', findings: [], grade: 'C' });
    expect(run([a, c, c, a, a]).changes.map((x) => [x.type, x.grade])).toEqual([
      ['problem', { from: 'A', to: 'C' }],
      ['recovery', { from: 'C', to: 'A' }],
    ]);
  });

  it('indeterminate for N runs in a row alerts once, as "cannot check", and a result clears it', () => {
    const seq = [ok, timeout, timeout, timeout, timeout, timeout, ok, ok];
    const { changes, state } = run(seq, 2, 3);
    expect(changes.map((c) => c.type)).toEqual(['indeterminate', 'resumed']);
    expect(changes[0]).toEqual({
      type: 'indeterminate',
      verdict: { from: 'pass', to: 'indeterminate' },
      appeared: [],
      cleared: [],
      indeterminateRuns: 3,
      reasons: [f('DNS_TIMEOUT', 'warning')],
    });
    expect(changes[1]).toEqual({
      type: 'resumed',
      verdict: { from: 'indeterminate', to: 'pass' },
      appeared: [],
      cleared: [],
    });
    expect(state).toMatchObject({ indeterminateRuns: 0, confirmed: { verdict: 'pass' } });
    expect(state.indeterminateAlerted).toBeUndefined();
    // Under N nothing; 0 turns the alert off whatever the number.
    expect(run([ok, timeout, timeout, ok], 2, 3).changes).toEqual([]);
    expect(run([ok, ...Array<Observation>(20).fill(timeout), ok], 2, 0).changes).toEqual([]);
    // Never a problem: no finding appears and the confirmed state is kept.
    expect(run(seq.slice(0, 6), 2, 3).state.confirmed?.verdict).toBe('pass');
  });

  it('a monitor that never had a result alerts "cannot check" too; the first result is the baseline', () => {
    const { changes, state } = run([timeout, timeout, broken], 2, 2);
    expect(changes.map((c) => [c.type, c.verdict])).toEqual([
      ['indeterminate', { to: 'indeterminate' }],
      ['resumed', { from: 'indeterminate', to: 'fail' }],
    ]);
    expect(state.confirmed?.verdict).toBe('fail');
  });

  it('the result that ends a blind spot and confirms a change is one alert, marked resumed', () => {
    // ok confirmed; broken once (candidate), blind for 2 runs, broken again: confirmed with 2.
    const { changes } = run([ok, broken, timeout, timeout, broken, broken], 2, 2);
    expect(changes.map((c) => [c.type, c.resumed])).toEqual([
      ['indeterminate', undefined],
      ['problem', true],
    ]);
    // A second blind spot alerts again, once.
    const twice = run([ok, timeout, timeout, timeout, ok, timeout, timeout], 2, 2).changes;
    expect(twice.map((c) => c.type)).toEqual(['indeterminate', 'resumed', 'indeterminate']);
  });
});
