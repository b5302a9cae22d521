/**
 * bench/dns-audit: the `dns` audit of many synthetic domains served by the fixture DNS server on
 * loopback, measured THROUGH THE RUNNING SERVICE (issue 3): the real app (HTTP API + BullMQ
 * workers on the shared Redis, SQLite in a temp dir) starts in this process with DNS_SERVERS
 * pointing at the fixture server, the domains go in as batches of kind `dns` (POST /v1/batches),
 * and the clock runs from the first submit until every batch reports completed. Printed:
 *   - domains per second through the service;
 *   - queries per domain: the fixture server's own query counter over the run / domains;
 *   - achieved queries per second as a ratio to the fixture server's own maximum, measured in the
 *     same run with a raw dns-packet UDP flood (so the ratio says how close the audit pipeline
 *     comes to saturating the server). The flood keeps 16, 64, 128 (the service's DNS_MAX_INFLIGHT)
 *     or 256 queries in flight and the best is taken. Its questions: until issue 17's session 5,
 *     the apex TXT of the domains without EDNS, which costs the server half of what an audit
 *     question costs (measured: ~27 against ~54 µs of server CPU per query: the audit's questions
 *     carry DO, so signed answers bring RRSIGs, and most are negative answers with their SOA), so
 *     that ceiling was one the server cannot reach on this workload. `serverMaxQps` is now the
 *     flood of the audit's own questions (the server's last 1,000, taken mid-run) sent as the
 *     service sends them (EDNS0 1232 with DO); the apex-TXT figure and its ratio are still printed
 *     (`serverMaxQpsApexTxt`, `qpsToServerMaxApexTxt`) so runs stay comparable with older ones;
 *   - CPU ms per domain of this process over the service run (the service, plus a client polling
 *     every 200 ms) and the fixture server's CPU per query, in the audit and in the floods;
 *   - for comparison, the same figures for the engine run in-process (no API, queue or storage).
 * The fixture server runs in its own process, so it has a core of its own and its max-qps figure
 * is the server's, not the shared event loop's. Every domain is a healthy one, MTA-STS included:
 * its policy is served over HTTPS by another process of the bench (startPolicyServerProcess), so
 * the audits fetch real policies (before, mta-sts pointed at a closed port and every domain
 * failed with MTA_STS_INVALID). The last stdout line is one JSON object
 * (`{"bench":"dns-audit","figures":{...},"ratios":{...}}`) for bench/run-all.
 *
 *   npm run build && node dist/bench/dns-audit.js [--domains 5000] [--concurrency 64] [--batch 5000]
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import { writeFileSync } from 'node:fs';
import * as https from 'node:https';
import * as inspector from 'node:inspector';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import * as dnsPacket from 'dns-packet';
import { auditDns } from '../src/dns/dns.engine';
import { createCheckResolver, createResolver, dnsStats } from '../src/infra/dns';
import { createHttpsFetcher } from '../src/infra/net/https-fetcher';
import { defaultPolicy, scenarioZone } from '../test/fixtures/dns/audit-zones';
import { createTestCa } from '../test/support/certs';
import { startDnsServer } from '../test/support/dns-server';
import { startInProcessService } from './lib/service-app';

/** The blocklists both runs query (all answered by the fixture server: nothing leaves loopback). */
const DNSBL_ZONES = ['zen.spamhaus.org', 'bl.spamcop.net'];
const DNSBL_DOMAIN_ZONES = ['dbl.spamhaus.org'];

interface ServerHandle {
  host: string;
  port: number;
  received(): Promise<number>;
  /** The fixture server's own counters: queries received and the CPU its process used (µs). */
  stats(): Promise<{ received: number; cpuUs: number }>;
  /** The last 1,000 questions the server received. */
  questions(): Promise<Question[]>;
  stop(): void;
}

/**
 * The fixture server runs in its own process, so it has a core of its own and the audit's CPU
 * does not slow it down (and the max-qps figure is the server's, not the shared event loop's).
 */
async function startServerProcess(domains: number): Promise<ServerHandle> {
  const child: ChildProcess = fork(__filename, ['--serve', String(domains)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ host: string; port: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { host: string; port: number }));
    child.once('exit', (code) => reject(new Error(`fixture server exited with ${code}`)));
  });
  const ask = <T>(what: 'stats' | 'questions'): Promise<T> =>
    new Promise((resolve) => {
      child.once('message', (m) => resolve(m as T));
      child.send(what);
    });
  const stats = () => ask<{ received: number; cpuUs: number }>('stats');
  return {
    ...ready,
    stats,
    questions: () => ask<Question[]>('questions'),
    received: async () => (await stats()).received,
    stop: () => {
      child.kill();
    },
  };
}

/** The MTA-STS policy server: its port and the PEM file of the CA that signed its certificates. */
interface PolicyServer {
  port: number;
  caPath: string;
  stop(): void;
}

/**
 * Every bench domain publishes an MTA-STS policy (mode enforce, its two MX hosts), as a healthy
 * domain does: served over HTTPS by a process of its own (like the DNS server, so the audit's CPU
 * does not slow it down), with certificates from a private CA the service trusts through
 * MTA_STS_CA_FILE, for `mta-sts.<domain>` (SNI picks the certificate; 250 names per certificate).
 * The service connects to MTA_STS_PORT instead of 443 and may reach loopback (PROBE_ALLOWED_CIDRS).
 */
async function startPolicyServerProcess(domains: number): Promise<PolicyServer> {
  const child: ChildProcess = fork(__filename, ['--serve-https', String(domains)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ port: number; caPath: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number; caPath: string }));
    child.once('exit', (code) => reject(new Error(`MTA-STS policy server exited with ${code}`)));
  });
  return { ...ready, stop: () => void child.kill() };
}

const NAMES_PER_CERT = 250;

async function serveHttps(domains: number): Promise<void> {
  const t0 = Date.now();
  const ca = createTestCa('smtp-doctor bench CA');
  const contexts: SecureContext[] = [];
  for (let first = 0; first < domains; first += NAMES_PER_CERT) {
    const names = Array.from(
      { length: Math.min(NAMES_PER_CERT, domains - first) },
      (_, i) => `mta-sts.d${first + i}.bench.test`,
    );
    const leaf = ca.issue({ cn: names[0]!, sans: names.map((n) => `DNS:${n}`) });
    contexts.push(createSecureContext({ key: leaf.key, cert: leaf.cert }));
  }
  const server = https.createServer(
    {
      SNICallback: (name, cb) => {
        const n = /^mta-sts\.d(\d+)\.bench\.test$/i.exec(name)?.[1];
        const ctx = n === undefined ? undefined : contexts[Math.floor(Number(n) / NAMES_PER_CERT)];
        cb(ctx ? null : new Error(`no certificate for ${name}`), ctx);
      },
    },
    (req, res) => {
      const m = /^mta-sts\.(d\d+\.bench\.test)(:\d+)?$/i.exec(req.headers.host ?? '');
      if (!m || req.url !== '/.well-known/mta-sts.txt') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(defaultPolicy(m[1]!.toLowerCase()));
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  console.log(
    `MTA-STS policy server (pid ${process.pid}): ${contexts.length} certificates for ${domains} domains in ${Date.now() - t0} ms at 127.0.0.1:${port}`,
  );
  process.on('disconnect', () => ca.cleanup());
  process.on('SIGTERM', () => {
    ca.cleanup();
    process.exit(0);
  });
  process.send!({ port, caPath: ca.caPath });
}

async function serve(domains: number): Promise<void> {
  const t0 = Date.now();
  const server = await startDnsServer({ zoneText: buildZone(domains), signedZones: ['bench.test'] });
  console.log(
    `fixture DNS server (pid ${process.pid}): ${domains} domains loaded in ${Date.now() - t0} ms at ${server.address}`,
  );
  process.on('message', (what) => {
    if (what === 'questions') {
      process.send!(server.log.map((q) => ({ name: q.name, type: q.type })));
      return;
    }
    const cpu = process.cpuUsage();
    process.send!({ received: server.received, cpuUs: cpu.user + cpu.system });
  });
  process.send!({ host: server.host, port: server.port });
}

function buildZone(domains: number): string {
  return [
    '_spf.provider.test. TXT "v=spf1 ip4:203.0.113.0/24 ip6:2001:db8::/32 -all"',
    ...Array.from({ length: domains }, (_, n) => zoneFor(n)),
  ].join('\n');
}

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

function zoneFor(n: number): string {
  const d = `d${n}.bench.test`;
  const ips: [string, string] = [`10.${(n >> 8) & 255}.${n & 255}.1`, `10.${(n >> 8) & 255}.${n & 255}.2`];
  // The healthy template with distinct addresses per domain (so PTR and DNSBL queries are distinct too).
  return scenarioZone(
    {
      domain: d,
      expect: [],
      parts: {
        mxa: `mx1.${d}. A ${ips[0]}\nmx2.${d}. A ${ips[1]}`,
        ptr: `${ips[0].split('.').reverse().join('.')}.in-addr.arpa. PTR mx1.${d}.\n${ips[1].split('.').reverse().join('.')}.in-addr.arpa. PTR mx2.${d}.`,
        spf: `${d}. TXT "v=spf1 mx ip4:${ips[0]} include:_spf.provider.test -all"`,
      },
    },
    n,
  );
}

type Question = { name: string; type: dnsPacket.RecordType };

/** The best of a few windows (the service keeps at most DNS_MAX_INFLIGHT = 128 in flight). */
async function bestServerMax(
  server: ServerHandle,
  questions: Question[],
  edns: boolean,
): Promise<{ qps: number; window: number; cpuUsPerQuery: number }> {
  let best = { qps: 0, window: 0, cpuUsPerQuery: 0 };
  for (const window of [16, 64, 128, 256]) {
    const s0 = await server.stats();
    const qps = await measureServerMax(server, questions, 2000, window, edns);
    const s1 = await server.stats();
    if (qps > best.qps)
      best = { qps, window, cpuUsPerQuery: (s1.cpuUs - s0.cpuUs) / Math.max(1, s1.received - s0.received) };
  }
  return best;
}

/**
 * The server's own ceiling: raw UDP queries with `window` outstanding for `ms` milliseconds.
 * A query unanswered after 250 ms counts as lost and is replaced, so drops cannot drain the window.
 */
async function measureServerMax(
  server: { host: string; port: number },
  questions: Question[],
  ms: number,
  window: number,
  edns: boolean,
): Promise<number> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const pending = new Map<number, number>();
  let answered = 0;
  let id = 0;
  let stop = false;
  const send = () => {
    id = (id + 1) & 0xffff;
    pending.set(id, Date.now());
    sock.send(
      dnsPacket.encode({
        type: 'query',
        id,
        flags: dnsPacket.RECURSION_DESIRED,
        questions: [questions[id % questions.length]!],
        // As the service asks (DNS_EDNS_UDP_SIZE 1232, DO: RFC 3225), so signed answers carry their RRSIGs.
        additionals: edns
          ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: dnsPacket.DNSSEC_OK } as dnsPacket.Answer]
          : [],
      }),
      server.port,
      server.host,
    );
  };
  sock.on('message', (msg) => {
    const rid = msg.readUInt16BE(0);
    if (!pending.delete(rid)) return;
    answered++;
    if (!stop) send();
  });
  const sweep = setInterval(() => {
    const old = Date.now() - 250;
    for (const [k, t] of pending)
      if (t < old) {
        pending.delete(k);
        if (!stop) send();
      }
  }, 25);
  for (let i = 0; i < window; i++) send();
  await new Promise((r) => setTimeout(r, 300)); // warm-up
  const start = answered;
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, ms));
  const rate = (answered - start) / ((Date.now() - t0) / 1000);
  stop = true;
  clearInterval(sweep);
  await new Promise((r) => setTimeout(r, 100));
  sock.close();
  return rate;
}

interface RunFigures {
  secs: number;
  wire: number;
  /** CPU of this process over the run (the service, or the engine, plus the light polling client). */
  cpuMs: number;
  /** CPU of the fixture DNS server's process over the run. */
  serverCpuMs: number;
  indeterminate: number;
  failed: number;
  verdicts: Record<string, number>;
}

/** DNS_AUDIT_SERVICE_ENV='DNS_MAX_INFLIGHT=256,DNS_UDP_SOCKETS=8': extra settings of the service (experiments). */
function serviceEnvOverrides(): Record<string, string> {
  const raw = process.env.DNS_AUDIT_SERVICE_ENV ?? '';
  return Object.fromEntries(
    raw
      .split(',')
      .map((kv) => kv.trim())
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}

/** The service's settings for the policy server (see startPolicyServerProcess). */
function policyEnv(policies: PolicyServer): Record<string, string> {
  return {
    MTA_STS_CA_FILE: policies.caPath,
    MTA_STS_PORT: String(policies.port),
    PROBE_ALLOWED_CIDRS: '127.0.0.0/8',
  };
}

/** Submits the domains as `dns` batches to the running service and waits until all complete. */
async function throughService(
  server: ServerHandle,
  policies: PolicyServer,
  names: string[],
  concurrency: number,
  batchSize: number,
): Promise<RunFigures & { codes: Record<string, number>; stats: Record<string, number>; mix: Question[] }> {
  const svc = await startInProcessService({
    DNS_SERVERS: `${server.host}:${server.port}`,
    WORKER_CONCURRENCY: String(concurrency),
    DNSBL_ZONES: DNSBL_ZONES.join(','),
    DNSBL_DOMAIN_ZONES: DNSBL_DOMAIN_ZONES.join(','),
    ...policyEnv(policies),
    ...serviceEnvOverrides(),
  });
  const stats0 = { ...dnsStats };
  try {
    const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
      const res = await fetch(`${svc.url}${path}`, { ...init, headers: svc.headers });
      if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const server0 = await server.stats();
    const profile = startProfile();
    const cpu0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    const batches: string[] = [];
    for (let i = 0; i < names.length; i += batchSize) {
      const checks = names.slice(i, i + batchSize).map((domain) => ({ kind: 'dns', domain }));
      batches.push((await api<{ id: string }>('/v1/batches', { method: 'POST', body: JSON.stringify({ checks }) })).id);
    }
    let failed = 0;
    let mix: Question[] = [];
    for (const id of batches) {
      for (;;) {
        const b = await api<{ status: string; total: number; completed: number; failed: number }>(`/v1/batches/${id}`);
        // The server's recent questions once half the first batch is done: the audit's steady mix.
        if (!mix.length && b.completed * 2 >= b.total) mix = await server.questions();
        if (b.status === 'completed' || b.completed + b.failed >= b.total) {
          failed += b.failed;
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const secs = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    await profile?.stop('dns-audit-service');
    const server1 = await server.stats();
    const wire = server1.received - server0.received;
    const verdicts: Record<string, number> = {};
    const codes: Record<string, number> = {};
    for (const id of batches) {
      let cursor: string | undefined;
      do {
        const page = await api<{
          items: { verdict?: string; status: string; findings: { code: string }[] }[];
          nextCursor?: string;
        }>(`/v1/batches/${id}/checks?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
        for (const c of page.items) {
          verdicts[c.verdict ?? c.status] = (verdicts[c.verdict ?? c.status] ?? 0) + 1;
          for (const f of c.findings) codes[f.code] = (codes[f.code] ?? 0) + 1;
        }
        cursor = page.nextCursor;
      } while (cursor);
    }
    const stats = Object.fromEntries(
      Object.entries(dnsStats).map(([k, v]) => [k, v - stats0[k as keyof typeof stats0]] as const),
    );
    return {
      secs,
      wire,
      failed,
      indeterminate: verdicts.indeterminate ?? 0,
      verdicts,
      codes,
      stats,
      cpuMs: (cpu.user + cpu.system) / 1000,
      serverCpuMs: (server1.cpuUs - server0.cpuUs) / 1000,
      mix: mix.length ? mix : names.map((name) => ({ name, type: 'TXT' as const })),
    };
  } finally {
    await svc.close();
  }
}

/** The engine alone, in-process, `concurrency` audits in flight on one shared cached resolver. */
async function inProcess(
  server: ServerHandle,
  policies: PolicyServer,
  names: string[],
  concurrency: number,
): Promise<RunFigures> {
  const shared = createResolver({
    dnsServers: [{ host: server.host, port: server.port }],
    dnsTimeoutMs: 3000,
    dnsRetries: 1,
    dnsFallbackServers: [],
  });
  const env = policyEnv(policies);
  const fetcher = createHttpsFetcher({ resolver: shared, allowedCidrs: [env.PROBE_ALLOWED_CIDRS!], env });
  const server0 = await server.stats();
  const verdicts: Record<string, number> = {};
  let next = 0;
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let n = next++; n < names.length; n = next++) {
        const out = await auditDns(
          { domain: names[n]! },
          { dns: createCheckResolver(shared), https: fetcher },
          { dnsblZones: DNSBL_ZONES, dnsblDomainZones: DNSBL_DOMAIN_ZONES, mailauthCrossCheck: false },
        );
        verdicts[out.verdict] = (verdicts[out.verdict] ?? 0) + 1;
      }
    }),
  );
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const server1 = await server.stats();
  return {
    secs,
    wire: server1.received - server0.received,
    failed: 0,
    indeterminate: verdicts.indeterminate ?? 0,
    verdicts,
    cpuMs: (cpu.user + cpu.system) / 1000,
    serverCpuMs: (server1.cpuUs - server0.cpuUs) / 1000,
  };
}

const r2 = (n: number): number => Number(n.toFixed(2));

/** DNS_AUDIT_CPU_PROF=<dir>: a V8 CPU profile of this process over the service run. */
function startProfile(): { stop(name: string): Promise<void> } | undefined {
  const dir = process.env.DNS_AUDIT_CPU_PROF;
  if (!dir) return undefined;
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  return {
    stop: (name) =>
      new Promise((resolve) =>
        session.post('Profiler.stop', (err, r) => {
          if (!err) writeFileSync(join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(r.profile));
          session.disconnect();
          resolve();
        }),
      ),
  };
}

export async function benchDnsAudit(domains = 5000, concurrency = 64, batchSize = 5000): Promise<void> {
  const [server, policies] = await Promise.all([startServerProcess(domains), startPolicyServerProcess(domains)]);
  try {
    const names = Array.from({ length: domains }, (_, n) => `d${n}.bench.test`);
    const apex = await bestServerMax(
      server,
      names.map((name) => ({ name, type: 'TXT' as const })),
      false,
    );
    console.log(
      `fixture server max, apex TXT without EDNS (raw UDP, best of 16/64/128/256 in flight, 2 s each): ${apex.qps.toFixed(0)} queries/s (window ${apex.window}), server CPU ${apex.cpuUsPerQuery.toFixed(1)} µs/query`,
    );

    const svc = await throughService(server, policies, names, concurrency, batchSize);
    const svcQps = svc.wire / svc.secs;
    // The same ceiling for the queries the audit asks: the server's last 1,000 questions from the
    // middle of the service run, sent as the service sends them (EDNS0 with DO). Audit answers cost
    // the server about twice an apex TXT (RRSIGs, SOAs of negative answers, DKIM keys), so the
    // apex figure overstates what the server can do for this workload; both are reported.
    // Measured back to back with the apex flood again, so the two ceilings see the same load.
    const apexAfter = await bestServerMax(
      server,
      names.map((name) => ({ name, type: 'TXT' as const })),
      false,
    );
    console.log(
      `fixture server max, apex TXT without EDNS, again after the service run: ${apexAfter.qps.toFixed(0)} queries/s (window ${apexAfter.window}), server CPU ${apexAfter.cpuUsPerQuery.toFixed(1)} µs/query`,
    );
    const mixed = await bestServerMax(server, svc.mix, true);
    console.log(
      `fixture server max, the audit's own questions with EDNS0+DO (${svc.mix.length} sampled mid-run, same windows): ${mixed.qps.toFixed(0)} queries/s (window ${mixed.window}), server CPU ${mixed.cpuUsPerQuery.toFixed(1)} µs/query`,
    );
    const maxQps = mixed.qps;
    const floodUsPerQuery = mixed.cpuUsPerQuery;
    console.log(
      `service: ${domains} domains as ${Math.ceil(domains / batchSize)} batch(es) of kind dns, WORKER_CONCURRENCY=${concurrency}: ${svc.secs.toFixed(1)} s = ${(domains / svc.secs).toFixed(1)} domains/s, ` +
        `${(svc.wire / domains).toFixed(1)} queries/domain, ${svcQps.toFixed(0)} queries/s = ${(svcQps / maxQps).toFixed(2)} x the server's max; verdicts ${JSON.stringify(svc.verdicts)}, failed ${svc.failed}`,
    );
    console.log(
      `  CPU: service process ${(svc.cpuMs / domains).toFixed(2)} ms/domain (${((svc.cpuMs / 1000 / svc.secs) * 100).toFixed(0)}% of a core), fixture server ${((svc.serverCpuMs * 1000) / Math.max(1, svc.wire)).toFixed(1)} µs/query (${((svc.serverCpuMs / 1000 / svc.secs) * 100).toFixed(0)}% of a core); load ${loadavg()[0]!.toFixed(1)}`,
    );
    console.log(`  finding codes: ${JSON.stringify(svc.codes)}`);
    console.log(
      `  resolver: ${svc.stats.queries} exchanges, ${svc.stats.timeouts} timeouts, ${svc.stats.queued} queued for an in-flight place, ${svc.stats.socketsOpened} sockets opened, ${svc.stats.cacheHits} cache hits`,
    );

    const eng = process.argv.includes('--no-engine')
      ? undefined
      : await inProcess(server, policies, names, concurrency);
    const engQps = eng ? eng.wire / eng.secs : 0;
    if (eng)
      console.log(
        `engine in-process (for comparison): ${concurrency} audits in flight: ${eng.secs.toFixed(1)} s = ${(domains / eng.secs).toFixed(1)} domains/s, ` +
          `${(eng.wire / domains).toFixed(1)} queries/domain, ${engQps.toFixed(0)} queries/s = ${(engQps / maxQps).toFixed(2)} x the server's max, ` +
          `CPU ${(eng.cpuMs / domains).toFixed(2)} ms/domain; verdicts ${JSON.stringify(eng.verdicts)}`,
      );

    process.stdout.write(
      `${JSON.stringify({
        bench: 'dns-audit',
        figures: {
          domains,
          concurrency,
          domainsPerSec: r2(domains / svc.secs),
          queriesPerDomain: r2(svc.wire / domains),
          achievedQps: Math.round(svcQps),
          serverMaxQps: Math.round(maxQps),
          serverMaxQpsApexTxt: Math.round(apex.qps),
          serverMaxQpsApexTxtAfter: Math.round(apexAfter.qps),
          indeterminate: svc.indeterminate,
          // Sections that could not tell (a lookup timed out twice): indeterminate parts of a verdict.
          lookupFailedFindings: Object.entries(svc.codes)
            .filter(([c]) => c.endsWith('_LOOKUP_FAILED'))
            .reduce((n, [, k]) => n + k, 0),
          dnsTimeouts: svc.stats.timeouts ?? 0,
          failed: svc.failed,
          verdicts: JSON.stringify(svc.verdicts),
          serviceCpuMsPerDomain: r2(svc.cpuMs / domains),
          serverCpuUsPerQueryAudit: r2((svc.serverCpuMs * 1000) / Math.max(1, svc.wire)),
          serverCpuUsPerQueryFlood: r2(floodUsPerQuery),
          serverCpuUsPerQueryApexTxt: r2(apexAfter.cpuUsPerQuery),
          ...(eng
            ? {
                engineDomainsPerSec: r2(domains / eng.secs),
                engineQueriesPerDomain: r2(eng.wire / domains),
                engineCpuMsPerDomain: r2(eng.cpuMs / domains),
                engineIndeterminate: eng.indeterminate,
              }
            : {}),
        },
        ratios: {
          qpsToServerMax: r2(svcQps / maxQps),
          qpsToServerMaxApexTxt: r2(svcQps / apex.qps),
          qpsToServerMaxApexTxtAfter: r2(svcQps / apexAfter.qps),
          ...(eng ? { engineQpsToServerMax: r2(engQps / maxQps) } : {}),
        },
        notes:
          'through the service: POST /v1/batches (kind dns) to all batches completed; engine: auditDns in-process on one shared resolver',
        machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg1: r2(loadavg()[0]!), node: process.version },
      })}\n`,
    );
  } finally {
    server.stop();
    policies.stop();
  }
}

if (require.main === module && process.argv[2] === '--serve-https') {
  serveHttps(Number(process.argv[3])).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else if (require.main === module && process.argv[2] === '--serve') {
  serve(Number(process.argv[3])).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else if (require.main === module) {
  benchDnsAudit(arg('domains', 5000), arg('concurrency', 64), arg('batch', 5000)).then(
    () => process.exit(0), // the service's Redis connections are closed; exit without waiting for stragglers
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
