import type { EngineContext } from '../../checks/check-kind';
import { auditMx } from '../../mx/mx.engine';
import type { HealthSettings } from './health.settings';

export interface ChildSpec {
  kind: string;
  body: Record<string, unknown>;
}

/**
 * The checks a health run is made of: the DNS audit (kind `dns`; kind `mx` when dns is not
 * registered) and an SMTP probe (kind `smtp`) of each MX host on HEALTH_SMTP_PORT, in priority
 * order. Kinds are looked up by name in the registry (ctx.kinds), so a deployment without the probe still
 * grades what it can (the areas only the probe covers are then `unknown`).
 */
export async function planChildren(domain: string, ctx: EngineContext, s: HealthSettings): Promise<ChildSpec[]> {
  const has = (kind: string) => Boolean(ctx.kinds?.get(kind));
  const specs: ChildSpec[] = [{ kind: has('dns') ? 'dns' : 'mx', body: { domain } }];
  if (!has('smtp')) return specs;
  const mx = await auditMx(domain, ctx.ports.dns);
  const hosts = mx.result.hosts.map((h) => h.exchange).filter((h) => h && h !== '.');
  for (const host of [...new Set(hosts)].slice(0, s.maxMx))
    specs.push({ kind: 'smtp', body: { host, ports: [s.smtpPort] } });
  return specs;
}
