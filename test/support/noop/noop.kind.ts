import type { CheckKindDefinition } from '../../../src/checks/check-kind';
import { CheckKind } from '../../../src/checks/check-kind.decorator';
import { defineFindings, finding } from '../../../src/common/finding';
import { CLOCK } from '../../../src/infra/ports.tokens';
import { NoopCheckInput } from './noop.input';

export const NOOP_FINDINGS = defineFindings('noop', {
  NOOP_DONE: {
    severity: 'info',
    area: null,
    title: 'Nothing was checked',
    remediation: 'Nothing to do: this kind only exercises the pipeline.',
  },
});

/**
 * Kind `noop` (tests and the pipeline bench only): does nothing, at once. What a run costs is the
 * pipe around the engine: validation, storage, queue, worker, lifecycle hooks, events.
 */
export const noopKind: CheckKindDefinition<NoopCheckInput, { at: string }> = {
  name: 'noop',
  description: 'Do nothing (test-only): measures the pipeline around an engine.',
  queue: 'noop',
  inputClass: NoopCheckInput,
  target: (input) => input.target,
  findings: Object.values(NOOP_FINDINGS),
  timeoutMs: () => 5_000,
  async run(input, ctx) {
    return {
      verdict: 'pass',
      score: 100,
      findings: [finding(NOOP_FINDINGS.NOOP_DONE, `Nothing was checked for ${input.target}.`)],
      result: { at: ctx.ports.clock.now().toISOString() },
    };
  },
  cli: { usage: 'noop <target>', toInput: (target) => ({ target }) },
};

/** Registered by NoopKindModule (queue `noop`). */
@CheckKind(noopKind, { ports: [CLOCK] })
export class NoopKind {}
