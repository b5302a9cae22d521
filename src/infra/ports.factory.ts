import type { RedisClient as Redis } from './queue/redis.factory';
import type { Logger } from 'pino';
import type { Clock, EnginePorts } from '../checks/check-kind';
import type { AppConfig } from '../config/config.schema';
import { PROBE_PORT_KEYS, type ProbeLimiter, type ProbeResultCache } from '../probe/politeness.port';
import type { SmtpConnector } from '../probe/smtp-connector.port';
import { createCheckResolver, createResolver, type SharedResolver } from './dns';
import type { DnsResolver } from './dns/resolver.port';
import type { ReportedSelectors } from './reported-selectors';
import { createHttpsFetcher, type HttpsFetcher } from './net/https-fetcher';
import { MemoryProbeCache, MemoryProbeLimiter } from './net/probe-politeness.memory';
import { RedisProbeCache, RedisProbeLimiter } from './net/probe-politeness.redis';
import { createSmtpConnector } from './net/smtp-connector';
import type { SpamEngine } from './spam/spam-engine.port';
import { createSpamEngines } from './spam/spam-engines.factory';

export type HttpsFetcherFactory = (resolver: DnsResolver) => HttpsFetcher;
export interface ProbePoliteness {
  limiter: ProbeLimiter;
  cache: ProbeResultCache;
}

/** The long-lived parts the per-check ports are made of (PortsModule provides each under its token). */
export interface EnginePortParts {
  resolver: SharedResolver;
  clock: Clock;
  connector: SmtpConnector;
  httpsFetcher: HttpsFetcherFactory;
  spamEngines: SpamEngine[];
  politeness: ProbePoliteness;
  log: Logger;
  /** DKIM selectors seen in DMARC reports (absent in the CLI). */
  reportedSelectors?: ReportedSelectors;
}

export const systemClock: Clock = { now: () => new Date() };

/** SSRF-safe HTTPS fetcher (MTA-STS) on a given resolver, with the `mtaSts` settings. */
export function httpsFetcherFactory(config: Pick<AppConfig, 'probeAllowedCidrs' | 'mtaSts'>): HttpsFetcherFactory {
  return (resolver) =>
    createHttpsFetcher({ resolver, allowedCidrs: config.probeAllowedCidrs, settings: config.mtaSts });
}

/** Probe politeness: shared through Redis across workers, or in-process (the CLI). */
export function probePoliteness(config: Pick<AppConfig, 'queuePrefix'>, redis?: Redis): ProbePoliteness {
  return redis
    ? {
        limiter: new RedisProbeLimiter(redis, `${config.queuePrefix}:probe`),
        cache: new RedisProbeCache(redis, `${config.queuePrefix}:probe`),
      }
    : { limiter: new MemoryProbeLimiter(), cache: new MemoryProbeCache() };
}

/**
 * The ports one check's engine runs on. The shared resolver (with its TTL cache) lives as long as
 * the process; each check gets its own query budget (DNS_QUERY_BUDGET) on top of it, and the HTTPS
 * fetcher resolves through that budget too.
 */
export function assembleEnginePorts(p: EnginePortParts): (checkId: string) => EnginePorts {
  return (checkId) => {
    // Made on first use: a check whose engine needs no DNS, log or fetcher (content, the bench's
    // no-op) does not pay for them. The fetcher resolves through the check's own budget.
    let dns: DnsResolver | undefined;
    let log: Logger | undefined;
    let httpsFetcher: HttpsFetcher | undefined;
    const resolver = () => (dns ??= createCheckResolver(p.resolver));
    return {
      get dns() {
        return resolver();
      },
      clock: p.clock,
      get log() {
        return (log ??= p.log.child({ checkId }));
      },
      [PROBE_PORT_KEYS.connector]: p.connector,
      [PROBE_PORT_KEYS.limiter]: p.politeness.limiter,
      [PROBE_PORT_KEYS.cache]: p.politeness.cache,
      get httpsFetcher() {
        return (httpsFetcher ??= p.httpsFetcher(resolver()));
      },
      spamEngines: p.spamEngines,
      ...(p.reportedSelectors ? { reportedSelectors: p.reportedSelectors } : {}),
    };
  };
}

/**
 * The ports built straight from config, without a Nest container (the CLI runs checks this way).
 * With Redis, probe politeness holds across processes; without it, it is in-process.
 */
export function createEnginePorts(config: AppConfig, log: Logger, redis?: Redis): (checkId: string) => EnginePorts {
  return assembleEnginePorts({
    resolver: createResolver(config),
    clock: systemClock,
    connector: createSmtpConnector(),
    httpsFetcher: httpsFetcherFactory(config),
    spamEngines: createSpamEngines(config),
    politeness: probePoliteness(config, redis),
    log,
  });
}
