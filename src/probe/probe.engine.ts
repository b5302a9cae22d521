import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { Clock, EngineLogger, EngineOutcome } from '../checks/check-kind';
import { finding, type Finding } from '../common/finding';
import { gradeKind, NO_CONNECTION_CODES } from '../findings/grading';
import type { DnsResolver } from '../infra/dns/resolver.port';
import { checkAddress } from '../infra/net/address-policy';
import { auditMx } from '../mx/mx.engine';
import { MX_FINDINGS } from '../mx/mx.findings';
import { type ProbeLimiter, type ProbeResultCache } from './politeness.port';
import { replyFinding } from '../kb/reply-findings';
import { PROBE_FINDINGS as F } from './probe.findings';
import { probeHostPort, type HostPortProbe, type ProbeIssue, type ProbePlan } from './probe.session';
import type { ProbeSettings } from './probe.settings';
import type { SmtpConnector } from './smtp-connector.port';

export interface ProbeRequest {
  domain?: string;
  host?: string;
  ports?: number[];
  recipient?: string;
  auth?: { username: string; password: string };
  mailFrom?: string;
  ehloName?: string;
  relayTest?: boolean;
  timeoutMs?: number;
}

export interface ProbeDeps {
  dns: DnsResolver;
  clock: Clock;
  log?: EngineLogger;
  connector: SmtpConnector;
  limiter: ProbeLimiter;
  cache: ProbeResultCache;
}

export interface HostResolution {
  host: string;
  mxPriority?: number;
  A: string[];
  AAAA: string[];
  status: string;
  /** The one address probed (resolved once, vetted, then connected to: no re-resolution). */
  probed?: string;
}

export interface ProbeResult {
  target: string;
  ports: number[];
  mx?: { exchange: string; priority: number }[];
  hosts: HostResolution[];
  probes: HostPortProbe[];
}

// isIP is a pure string check; no socket is touched here.
const isIpLiteral = (h: string) => isIP(h.replace(/^\[|\]$/g, '')) !== 0;

function cacheKey(h: string, ip: string, port: number, plan: ProbePlan): string {
  const params = createHash('sha256')
    .update(JSON.stringify([plan.ehloName, plan.mailFrom ?? null, plan.recipient ?? null, plan.relayTest]))
    .digest('hex')
    .slice(0, 16);
  return `${h}|${ip}|${port}|${params}`;
}

/**
 * Kind `smtp` engine: resolve targets once, vet them (SSRF policy), probe each host/port politely,
 * and turn every issue into a finding. Pure orchestration over injected ports.
 */
export async function runProbe(
  req: ProbeRequest,
  settings: ProbeSettings,
  deps: ProbeDeps,
  signal: AbortSignal,
  progress: (pct: number, phase?: string) => void = () => {},
): Promise<EngineOutcome<ProbeResult>> {
  const findings: Finding[] = [];
  const issueFindings: { f: Finding; transient: boolean; definitive: boolean }[] = [];
  const ports = [...new Set(req.ports?.length ? req.ports : req.auth ? [587] : [25])];
  const result: ProbeResult = { target: req.host ?? req.domain ?? '', ports, hosts: [], probes: [] };
  const plan: ProbePlan = {
    ehloName: req.ehloName ?? settings.ehloName,
    ...(req.mailFrom !== undefined ? { mailFrom: req.mailFrom } : {}),
    ...(req.recipient ? { recipient: req.recipient } : {}),
    ...(req.auth ? { auth: req.auth } : {}),
    relayTest: req.relayTest ?? false,
  };
  const add = (f: Finding, transient: boolean, definitive = !transient) => {
    findings.push(f);
    issueFindings.push({ f, transient, definitive });
  };

  // --- targets: resolve once ---
  progress(5, 'resolving');
  if (req.host) {
    const host = req.host.replace(/^\[|\]$/g, '');
    if (isIpLiteral(host)) {
      result.hosts.push({
        host,
        A: host.includes(':') ? [] : [host],
        AAAA: host.includes(':') ? [host] : [],
        status: 'literal',
      });
    } else {
      const [a, aaaa] = await Promise.all([
        deps.dns.query(host, 'A', { signal }),
        deps.dns.query(host, 'AAAA', { signal }),
      ]);
      result.hosts.push({
        host,
        A: a.answers,
        AAAA: aaaa.answers,
        status: a.status === 'noerror' || aaaa.status !== 'noerror' ? a.status : aaaa.status,
      });
    }
  } else if (req.domain) {
    const mx = await auditMx(req.domain, deps.dns);
    if (
      mx.result.status === 'nxdomain' ||
      mx.result.status === 'null-mx' ||
      mx.result.status === 'missing' ||
      mx.result.status === 'dns-failing' ||
      mx.result.status === 'indeterminate'
    ) {
      const outcome =
        mx.result.status === 'indeterminate'
          ? { verdict: 'indeterminate' as const, score: 0, findings: mx.findings }
          : gradeKind('smtp', mx.findings);
      return {
        ...outcome,
        result,
        transient: mx.result.status === 'indeterminate' || mx.result.status === 'dns-failing',
      };
    }
    result.mx = mx.result.hosts.map((h) => ({ exchange: h.exchange, priority: h.priority }));
    for (const h of mx.result.hosts.slice(0, settings.maxMxHosts)) {
      const undetermined =
        !['noerror', 'nxdomain'].includes(h.lookup.A) || !['noerror', 'nxdomain'].includes(h.lookup.AAAA);
      result.hosts.push({
        host: h.exchange,
        mxPriority: h.priority,
        A: h.addresses.A,
        AAAA: h.addresses.AAAA,
        status: undetermined ? `${h.lookup.A}/${h.lookup.AAAA}` : 'noerror',
      });
    }
  } else {
    throw new Error('smtp probe needs a domain or a host');
  }

  // --- vet addresses and ports (SSRF) ---
  const jobs: { h: HostResolution; ip: string; port: number }[] = [];
  const okPorts = ports.filter((p) => settings.allowedPorts.includes(p));
  for (const p of ports.filter((x) => !okPorts.includes(x))) {
    add(
      finding(
        F.TARGET_NOT_ALLOWED,
        `Port ${p} is not in the allowed probe ports (${settings.allowedPorts.join(', ')}).`,
        { evidence: { port: p } },
      ),
      false,
      false,
    );
  }
  for (const h of result.hosts) {
    const candidates = settings.ipv6 ? [...h.AAAA, ...h.A] : [...h.A, ...h.AAAA];
    if (!candidates.length) {
      const failed = h.status !== 'noerror' && h.status !== 'nxdomain' && h.status !== 'literal';
      if (failed)
        add(
          finding(F.SMTP_DNS_FAILED, `The address lookup for ${h.host} did not complete (${h.status}).`, {
            evidence: { host: h.host, status: h.status },
          }),
          true,
        );
      else
        add(
          finding(F.SMTP_HOST_UNRESOLVABLE, `${h.host} has no A or AAAA record.`, { evidence: { host: h.host } }),
          false,
        );
      continue;
    }
    const ip = candidates[0]!;
    const verdict = checkAddress(ip, settings.allowedCidrs);
    if (!verdict.allowed) {
      add(
        finding(F.TARGET_NOT_ALLOWED, `${h.host} resolves to ${ip}: ${verdict.reason}.`, {
          evidence: { host: h.host, ip, range: verdict.range },
        }),
        false,
        false,
      );
      continue;
    }
    h.probed = ip;
    for (const port of okPorts) jobs.push({ h, ip, port });
  }

  // --- probe, politely ---
  const total = jobs.length;
  for (const [i, j] of jobs.entries()) {
    if (signal.aborted) break;
    progress(10 + Math.round((80 * i) / Math.max(1, total)), `probing ${j.h.host}:${j.port}`);
    const key = cacheKey(j.h.host, j.ip, j.port, plan);
    const cacheable = !plan.auth && settings.cacheTtlMs > 0;
    const hit = cacheable ? await deps.cache.get(key).catch(() => undefined) : undefined;
    if (hit) {
      result.probes.push({ ...(JSON.parse(hit) as HostPortProbe), cached: true });
      continue;
    }
    const release = await deps.limiter.acquire(j.ip, {
      maxConcurrent: settings.maxPerIp,
      minIntervalMs: settings.minIntervalMs,
      waitMs: Math.min(settings.defaultTimeoutMs, 30_000),
      leaseMs: settings.maxTimeoutMs,
      signal,
    });
    if (!release) {
      add(
        finding(
          F.SMTP_PROBE_LIMITED,
          `${j.h.host}[${j.ip}]:${j.port} was not probed: the per-server connection limit stayed full.`,
          { evidence: { host: j.h.host, ip: j.ip, port: j.port } },
        ),
        true,
      );
      continue;
    }
    let probe: HostPortProbe;
    try {
      probe = await probeHostPort(
        {
          host: j.h.host,
          ip: j.ip,
          port: j.port,
          ...(j.h.mxPriority !== undefined ? { mxPriority: j.h.mxPriority } : {}),
          hostIsIp: isIpLiteral(j.h.host),
        },
        plan,
        settings,
        { connector: deps.connector, dns: deps.dns, clock: deps.clock },
        signal,
      );
    } finally {
      await release().catch((e: unknown) => deps.log?.warn({ err: String(e) }, 'probe limiter release failed'));
    }
    result.probes.push(probe);
    if (cacheable && !probe.issues.some((x) => x.transient)) {
      await deps.cache.set(key, JSON.stringify(probe), settings.cacheTtlMs).catch(() => undefined);
    }
  }
  if (signal.aborted && result.probes.length < total) {
    add(
      finding(
        F.SMTP_COMMAND_TIMEOUT,
        `The probe's total time bound ran out after ${result.probes.length} of ${total} host/port probes.`,
      ),
      true,
    );
  }

  // --- issues to findings ---
  for (const p of result.probes) {
    const label = `${p.host}${p.host === p.ip ? '' : `[${p.ip}]`}:${p.port}`;
    for (const x of p.issues) {
      let cause = x.cause;
      if (x.code === 'SMTP_CONNECT_TIMEOUT') cause += answeredPorts(result.probes, p);
      add(toFinding(x, `${label}${p.cached ? ' (cached)' : ''}: ${cause}`, p), x.transient);
    }
  }

  // --- root cause: a domain's every MX probed and none reachable (refused or no address) ---
  if (
    req.domain &&
    result.mx &&
    result.hosts.length === result.mx.length &&
    findings.length > 0 &&
    findings.every((f) => NO_CONNECTION_CODES.has(f.code))
  ) {
    add(
      finding(
        MX_FINDINGS.MX_ALL_UNREACHABLE,
        `None of the ${result.hosts.length} MX host(s) of ${req.domain} accepted a connection on port(s) ${okPorts.join(', ')}.`,
        { evidence: { hosts: result.hosts.map((h) => h.host) } },
      ),
      issueFindings.some((x) => x.transient),
      true,
    );
  }

  // --- verdict: a dialogue that happened, or a definitive finding, decides; else indeterminate ---
  const transient = issueFindings.some((x) => x.transient);
  const decided =
    result.probes.some((p) => p.reached === 'ehlo' || p.reached === 'complete') ||
    issueFindings.some((x) => x.definitive);
  progress(100, 'done');
  if (!decided) return { verdict: 'indeterminate', score: 0, findings, result, transient };
  return { ...gradeKind('smtp', findings), result, transient };
}

function answeredPorts(all: HostPortProbe[], p: HostPortProbe): string {
  const answered = all.filter((q) => q.ip === p.ip && q.reached !== 'none').map((q) => q.port);
  return answered.length
    ? ` Port(s) ${answered.join(', ')} on the same host did answer, so the host is up: port ${p.port} is blocked or closed to the probe.`
    : ' No other probed port on this host answered either.';
}

function toFinding(x: ProbeIssue, detail: string, p: HostPortProbe): Finding {
  return finding(replyFinding(x.code), detail, {
    ...(x.severity ? { severity: x.severity } : {}),
    ...(x.remediation ? { remediation: x.remediation } : {}),
    evidence: {
      host: p.host,
      ip: p.ip,
      port: p.port,
      ...(x.stage ? { stage: x.stage } : {}),
      ...(x.reply ? { reply: x.reply } : {}),
      transient: x.transient,
    },
  });
}
