import type { EngineContext, EngineOutcome } from '../../src/checks/check-kind';
import { loadConfig, type AppConfig } from '../../src/config/config.schema';
import { createResolver } from '../../src/infra/dns';
import { MemoryProbeCache, MemoryProbeLimiter } from '../../src/infra/net/probe-politeness.memory';
import { createSmtpConnector } from '../../src/infra/net/smtp-connector';
import type { ProbeLimiter, ProbeResultCache } from '../../src/probe/politeness.port';
import type { ProbeResult } from '../../src/probe/probe.engine';
import { smtpKind } from '../../src/probe/probe.kind';
import type { SmtpConnector } from '../../src/probe/smtp-connector.port';
import { startDnsServer } from '../support/dns-server';

/** The zone every probe test resolves through: a real fixture DNS server on loopback. */
export const ZONE = `
$ORIGIN test.
@            300 IN SOA ns hostmaster 1 3600 600 86400 60
mx               A     127.0.0.1
other            A     127.0.0.2
example          MX    10 mx.test.
mapped           AAAA  ::ffff:127.0.0.1
public           A     192.0.2.10
$ORIGIN 0.0.127.in-addr.arpa.
1                PTR   mx.test.
`;

export type Dns = Awaited<ReturnType<typeof startDnsServer>>;

export async function startProbeDns(): Promise<Dns> {
  return startDnsServer({ zoneText: ZONE });
}

export interface ProbeOpts {
  dns: Dns;
  ports: number[];
  env?: Record<string, string>;
  /** Omit to test the SSRF refusal of loopback. */
  allowLoopback?: boolean;
  limiter?: ProbeLimiter;
  cache?: ProbeResultCache;
  secrets?: Record<string, string>;
  connector?: SmtpConnector;
}

export function probeConfig(o: ProbeOpts): AppConfig {
  return loadConfig({
    DNS_SERVERS: o.dns.address,
    DNS_TIMEOUT_MS: '1000',
    PROBE_ALLOWED_CIDRS: o.allowLoopback === false ? '' : '127.0.0.0/8',
    PROBE_ALLOWED_PORTS: o.ports.join(','),
    PROBE_MIN_INTERVAL_MS: '0',
    PROBE_CACHE_TTL_MS: '0',
    PROBE_EHLO_NAME: 'probe.test',
    ...o.env,
  });
}

export async function probe(
  input: Record<string, unknown>,
  o: ProbeOpts,
): Promise<EngineOutcome<ProbeResult> & { codes: string[] }> {
  const config = probeConfig(o);
  const phases: string[] = [];
  const ctx: EngineContext = {
    config,
    ports: {
      dns: createResolver(config),
      clock: { now: () => new Date() },
      log: { debug() {}, info() {}, warn() {} },
      smtpConnector: o.connector ?? createSmtpConnector(),
      probeLimiter: o.limiter ?? new MemoryProbeLimiter(),
      probeCache: o.cache ?? new MemoryProbeCache(),
    },
    signal: new AbortController().signal,
    progress: (_p, phase) => phase && phases.push(phase),
    secrets: o.secrets ?? {},
  };
  const out = await smtpKind.run(input as never, ctx);
  return { ...out, codes: [...new Set(out.findings.map((f) => f.code))].sort() };
}
