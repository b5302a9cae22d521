import { Inject } from '@nestjs/common';
import type { CheckKindDefinition, EngineContext, EngineOutcome } from '../../checks/check-kind';
import { CheckKind, type CheckKindProvider } from '../../checks/check-kind.decorator';
import { CLOCK, DNS_RESOLVER } from '../../infra/ports.tokens';
import { HealthFlow } from './health.flow';
import { HEALTH_FINDINGS } from './health.findings';
import { HealthCheckInput } from './health.input';
import { runHealthLocally } from './health.local';
import type { HealthReport } from './health.report';

/**
 * Kind `health` (issue 6): the DNS audit plus an SMTP probe of each MX on port 25, run as one
 * BullMQ flow, graded by the versioned formula of health.score.ts. The definition's engine runs
 * the same children in-process (the CLI); in the app, HealthKind runs them as a flow.
 */
export const healthKind: CheckKindDefinition<HealthCheckInput, HealthReport> = {
  name: 'health',
  description:
    "Grade a domain's mail health A-F: DNS audit plus an SMTP probe of each MX, with per-area status and the fixes ordered by impact.",
  queue: 'reports',
  inputClass: HealthCheckInput,
  target: (input) => input.domain,
  findings: Object.values(HEALTH_FINDINGS),
  timeoutMs: (_input, config) => config.health.timeoutMs,
  run: (input, ctx) => runHealthLocally(input.domain, ctx, ctx.config.health),
  cli: { usage: 'health <domain>', toInput: (target) => ({ domain: target }) },
};

/** Registered by HealthModule (queue `reports`): a stored check runs as a flow of stored child checks. */
@CheckKind(healthKind, { ports: [DNS_RESOLVER, CLOCK] })
export class HealthKind implements CheckKindProvider {
  constructor(@Inject(HealthFlow) private readonly flow: HealthFlow) {}

  run(input: HealthCheckInput, ctx: EngineContext): Promise<EngineOutcome<HealthReport>> {
    return ctx.checkId ? this.flow.run(ctx.checkId, input.domain, ctx) : healthKind.run(input, ctx);
  }
}
