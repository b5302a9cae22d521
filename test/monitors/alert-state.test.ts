import { describe, expect, it } from 'vitest';
import { fold, observe, type KindState, type Observation } from '../../src/monitors/alert-state';

const f = (code: string, severity = 'error') => ({ code, severity, title: `${code} title` });
const ok = observe({ status: 'completed', verdict: 'pass', findings: [f('MX_SINGLE_HOST', 'info')] });
const broken = observe({ status: 'completed', verdict: 'fail', findings: [f('MX_MISSING')] });
const timeout = observe({ status: 'completed', verdict: 'indeterminate', findings: [f('DNS_TIMEOUT', 'warning')] });

function run(seq: Observation[], confirmations = 2) {
  let state: KindState = { indeterminateRuns: 0 };
  const changes = [];
  for (const o of seq) {
    const r = fold(state, o, confirmations);
    state = r.state;
    if (r.change) changes.push(r.change);
  }
  return { state, changes };
}

describe('alert state (hysteresis)', () => {
  it('summarises a result by verdict, grade and findings of severity warning or worse', () => {
    expect(ok).toMatchObject({ determinate: true, verdict: 'pass', codes: [] });
    expect(broken).toMatchObject({ determinate: true, verdict: 'fail', codes: ['MX_MISSING'] });
    expect(timeout).toEqual({ determinate: false });
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
});
