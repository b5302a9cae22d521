import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EnginePorts } from '../checks/check-kind';
import type { AppConfig } from '../config/config.schema';
import { PROBE_PORT_KEYS } from '../probe/politeness.port';
import { createCheckResolver, createResolver } from './dns';
import { RedisProbeCache, RedisProbeLimiter } from './net/probe-politeness.redis';
import { createSmtpConnector } from './net/smtp-connector';

/**
 * Builds the ports engines run on, from config. The shared resolver (with its TTL cache) lives
 * as long as the process; each check gets its own query budget (DNS_QUERY_BUDGET) on top of it.
 * With Redis (workers), probe politeness (per-IP concurrency, min interval, result cache) holds
 * across all workers; without it (the CLI), engines fall back to in-process versions.
 */
export function createEnginePorts(config: AppConfig, log: Logger, redis?: Redis): (checkId: string) => EnginePorts {
  const shared = createResolver(config);
  const connector = createSmtpConnector();
  const politeness = redis
    ? {
        [PROBE_PORT_KEYS.limiter]: new RedisProbeLimiter(redis, `${config.queuePrefix}:probe`),
        [PROBE_PORT_KEYS.cache]: new RedisProbeCache(redis, `${config.queuePrefix}:probe`),
      }
    : {};
  return (checkId) => ({
    dns: createCheckResolver(shared),
    clock: { now: () => new Date() },
    log: log.child({ checkId }),
    [PROBE_PORT_KEYS.connector]: connector,
    ...politeness,
  });
}
