import type { EngineContext, EngineOutcome } from '../../checks/check-kind';
import { validateInput } from '../../common/errors/validate-input';
import { planChildren } from './health.children';
import { buildHealthReport, type ChildCheck, type HealthReport } from './health.report';
import type { HealthSettings } from './health.settings';

/**
 * The health run without a queue (the CLI, or an engine test): the same children and the same
 * report, run in-process and in parallel.
 */
export async function runHealthLocally(
  domain: string,
  ctx: EngineContext,
  s: HealthSettings,
): Promise<EngineOutcome<HealthReport>> {
  const specs = await planChildren(domain, ctx, s);
  const children = await Promise.all(
    specs.map(async (spec, i): Promise<ChildCheck> => {
      const def = ctx.kinds!.get(spec.kind)!;
      const id = `local-${i + 1}`;
      const { host, domain: childDomain } = spec.body;
      const target = typeof host === 'string' ? host : typeof childDomain === 'string' ? childDomain : '';
      const { value, errors } = await validateInput<object>(def.inputClass, spec.body);
      if (!value)
        return {
          id,
          kind: spec.kind,
          target,
          status: 'failed',
          verdict: 'indeterminate',
          findings: [],
          error: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
        };
      try {
        const o = await def.run(value, { ...ctx, progress: () => undefined });
        return {
          id,
          kind: spec.kind,
          target,
          status: 'completed',
          verdict: o.verdict,
          findings: o.findings,
          error: null,
          result: o.result,
        };
      } catch (e) {
        return {
          id,
          kind: spec.kind,
          target,
          status: 'failed',
          verdict: 'indeterminate',
          findings: [],
          error: (e as Error).message,
        };
      }
    }),
  );
  const report = buildHealthReport(domain, 'local', children, ctx.ports.clock.now());
  return { verdict: report.verdict, score: report.score, findings: report.findings, result: report };
}
