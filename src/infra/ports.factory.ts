import type { Logger } from 'pino';
import type { EnginePorts } from '../checks/check-kind';
import type { AppConfig } from '../config/config.schema';
import { createCheckResolver, createResolver } from './dns';

/**
 * Builds the ports engines run on, from config. The shared resolver (with its TTL cache) lives
 * as long as the process; each check gets its own query budget (DNS_QUERY_BUDGET) on top of it.
 */
export function createEnginePorts(config: AppConfig, log: Logger): (checkId: string) => EnginePorts {
  const shared = createResolver(config);
  return (checkId) => ({
    dns: createCheckResolver(shared),
    clock: { now: () => new Date() },
    log: log.child({ checkId }),
  });
}
