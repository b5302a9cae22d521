import type { Logger } from 'pino';
import type { CheckModel } from '../checks/check.model';
import type { KindLookup } from '../checks/check-kind';
import { DomainError } from '../common/errors/domain-error';
import { validateInput } from '../common/errors/validate-input';
import type { AppConfig } from '../config/config.schema';
import { createEnginePorts } from '../infra/ports.factory';
import { setContentInputBound } from '../content-spam-check/content.config';

let portsFor: ((id: string) => ReturnType<ReturnType<typeof createEnginePorts>>) | undefined;

/**
 * Run one check in-process (no Redis, no database): the same validation and the same engine as
 * the worker, and the same output shape as GET /v1/checks/:id.
 */
export async function runLocal(
  config: AppConfig,
  log: Logger,
  body: Record<string, unknown>,
  kinds: KindLookup,
): Promise<CheckModel> {
  setContentInputBound(config.content.maxBytes);
  const { kind, ...rest } = body;
  const def = kinds.get(String(kind));
  if (!def) throw new DomainError('UNKNOWN_KIND', `unknown kind "${String(kind)}"`);
  const { value, errors } = await validateInput<object>(def.inputClass, rest);
  if (!value)
    throw new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  const extracted = def.extractSecrets ? def.extractSecrets(value) : { input: value, secrets: {} };
  const input = extracted.input as object;
  const { secrets } = extracted;
  portsFor ??= createEnginePorts(config, log);
  const started = new Date();
  const ac = new AbortController();
  const timeoutMs = def.timeoutMs?.(value, config) ?? 120_000;
  const timer = setTimeout(() => ac.abort(new Error(`check exceeded its ${timeoutMs} ms bound`)), timeoutMs);
  const base = {
    id: 'local',
    kind: def.name,
    target: def.target(value),
    input,
    createdAt: started.toISOString(),
    startedAt: started.toISOString(),
  };
  try {
    const o = await def.run(def.extractSecrets ? { ...value } : value, {
      config,
      kinds,
      ports: portsFor('local'),
      signal: ac.signal,
      secrets,
      progress: () => undefined,
    });
    const end = new Date();
    return {
      ...base,
      status: 'completed',
      verdict: o.verdict,
      score: Math.round(o.score),
      findings: o.findings,
      result: o.result,
      completedAt: end.toISOString(),
      durationMs: end.getTime() - started.getTime(),
    };
  } catch (e) {
    const end = new Date();
    return {
      ...base,
      status: 'failed',
      verdict: 'indeterminate',
      findings: [],
      error: `The check could not run: ${(e as Error).message}`,
      completedAt: end.toISOString(),
      durationMs: end.getTime() - started.getTime(),
    };
  } finally {
    clearTimeout(timer);
  }
}
