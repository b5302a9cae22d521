import type { CheckKindDefinition, EngineContext } from '../../checks/check-kind';
import { healthFlowFor } from './health.flow';
import { HEALTH_FINDINGS } from './health.findings';
import { HealthCheckInput } from './health.input';
import { runHealthLocally } from './health.local';
import type { HealthReport } from './health.report';

/**
 * The id of the check being run. EngineContext has no check id yet, so it is read from where the
 * platform puts it: a `checkId` on the context or the ports if a later contract adds one, else the
 * bindings of the per-check logger (createEnginePorts binds { checkId }).
 */
function checkIdOf(ctx: EngineContext): string | undefined {
  const direct = (ctx as { checkId?: unknown }).checkId ?? ctx.ports.checkId;
  if (typeof direct === 'string') return direct;
  const log = ctx.ports.log as { bindings?: () => Record<string, unknown> };
  const bound = typeof log.bindings === 'function' ? log.bindings().checkId : undefined;
  return typeof bound === 'string' ? bound : undefined;
}

/**
 * Kind `health` (issue 6): the DNS audit plus an SMTP probe of each MX on port 25, run as one
 * BullMQ flow, graded by the versioned formula of health.score.ts. Without a platform (the CLI)
 * the same children run in-process.
 */
export const healthKind: CheckKindDefinition<HealthCheckInput, HealthReport> = {
  name: 'health',
  description: 'Grade a domain\'s mail health A-F: DNS audit plus an SMTP probe of each MX, with per-area status and the fixes ordered by impact.',
  queue: 'reports',
  inputClass: HealthCheckInput,
  target: (input) => input.domain,
  findings: Object.values(HEALTH_FINDINGS),
  timeoutMs: (_input, config) => config.health.timeoutMs,
  async run(input, ctx) {
    const settings = ctx.config.health;
    const flow = healthFlowFor(ctx.config);
    const checkId = checkIdOf(ctx);
    if (flow && checkId) return flow.run(checkId, input.domain, ctx);
    return runHealthLocally(input.domain, ctx, settings);
  },
  cli: { usage: 'health <domain>', toInput: (target) => ({ domain: target }) },
};
