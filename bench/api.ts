/**
 * API bench: requests/s and p50/p99 latency of `GET /v1/checks/:id` and of the equivalent GraphQL
 * query, each as a ratio to a bare NestJS handler (same Express adapter, same JSON document, no
 * auth, no rate limit, no database) measured on the same machine in the same run.
 *
 * The service runs as it does in production (`node dist/src/main.js`, ROLE=all, SQLite, Redis,
 * rate limiting on with a limit too high to trigger, so its Redis round trip is in the figures);
 * the bare handler runs in its own process too; autocannon drives both from this process.
 *
 * Besides requests/s, each side's CPU time per request (user + system, from /proc/<pid>/stat over
 * the timed run) is reported: on a machine shared with other work the throughput figures swing
 * with the load, CPU ms per request much less. API_CPU_PROF=<dir> writes a V8 CPU profile of the
 * service (node --cpu-prof) when it stops.
 *
 * `--stored-key` authenticates with a key created through the admin API (a hash in `api_keys`,
 * resolved through the database and the per-process key cache, as production keys are) instead
 * of a static API_KEYS key (resolved at boot).
 *
 *   npm run build && node dist/bench/api.js [--duration 5] [--connections 10] [--stored-key]
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import autocannon from 'autocannon';
import { startDnsServer } from '../test/support/dns-server';
import { freePort } from '../test/support/redis-server';
import {
  authHeaders as staticAuthHeaders,
  freshPrefix,
  report,
  round,
  sleep,
  spawnService,
  tempDir,
} from './lib/harness';

const ZONE = join(__dirname, '..', '..', 'test', 'fixtures', 'mx', 'mx.zone');

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

/** Child mode: a bare Nest app answering GET /v1/checks/:id with a fixed document. */
async function serveBare(port: number, payloadFile: string): Promise<void> {
  const payload = JSON.parse(readFileSync(payloadFile, 'utf8')) as object;
  @Controller('v1/checks')
  class BareController {
    @Get(':id')
    get() {
      return payload;
    }
  }
  @Module({ controllers: [BareController] })
  class BareModule {}
  const app = await NestFactory.create(BareModule, { logger: false });
  await app.listen(port, '127.0.0.1');
}

interface Run {
  rps: number;
  /** CPU ms the measured process spent per request (user + system). */
  cpuMs: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** CPU time of a process so far, in ms (utime + stime of /proc/<pid>/stat; Linux clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of proc(5), counted from the state (field 3) after the command name.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function cannon(opts: autocannon.Options, warmupS: number, pid: number): Promise<Run> {
  await autocannon({ ...opts, duration: warmupS });
  const cpu0 = cpuMsOf(pid);
  const r = await autocannon(opts);
  const cpu = cpuMsOf(pid) - cpu0;
  return {
    rps: round(r.requests.average, 1),
    cpuMs: round(cpu / Math.max(1, r.requests.total), 3),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789abcdefghij';

/** A tenant and a stored secret key, through the admin API; the headers that present the key. */
async function createStoredKey(url: string): Promise<Record<string, string>> {
  const admin = { authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const t = await fetch(`${url}/v1/admin/tenants`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ id: 'bench-stored', name: 'bench' }),
  });
  if (t.status !== 201) throw new Error(`creating the bench tenant: ${t.status}`);
  const k = await fetch(`${url}/v1/admin/tenants/bench-stored/keys`, { method: 'POST', headers: admin, body: '{}' });
  if (k.status !== 201) throw new Error(`creating the bench key: ${k.status}`);
  const { key } = (await k.json()) as { key: string };
  return { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
}

async function main(): Promise<void> {
  if (process.argv[2] === '--bare') return serveBare(Number(process.argv[3]), process.argv[4]!);
  const duration = arg('duration', 5);
  const connections = arg('connections', 10);
  const storedKey = process.argv.includes('--stored-key');
  const tmp = tempDir('bench-api-');
  const dns = await startDnsServer({ zoneText: readFileSync(ZONE, 'utf8') });
  const svc = await spawnService({
    ROLE: 'all',
    DATABASE_URL: `sqlite:${join(tmp.dir, 'bench.db')}`,
    QUEUE_PREFIX: freshPrefix('api'),
    DNS_SERVERS: dns.address,
    RATE_LIMIT_RPM: '1000000000',
    ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
    ...(process.env.API_CPU_PROF ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.API_CPU_PROF}` } : {}),
  });
  const bare = { child: undefined as ReturnType<typeof spawn> | undefined };
  try {
    const authHeaders = storedKey ? await createStoredKey(svc.url) : staticAuthHeaders;
    // One finished check with findings and evidence: the document both sides serve.
    const sub = await fetch(`${svc.url}/v1/checks?wait=20`, {
      method: 'POST',
      headers: authHeaders,
      body: JSON.stringify({ kind: 'mx', domain: 'aliased.test' }),
    });
    const check = (await sub.json()) as { id: string; status: string };
    if (check.status !== 'completed')
      throw new Error(`setup check did not complete: ${JSON.stringify(check).slice(0, 200)}`);
    const doc = await (await fetch(`${svc.url}/v1/checks/${check.id}`, { headers: authHeaders })).text();
    const payloadFile = join(tmp.dir, 'payload.json');
    writeFileSync(payloadFile, doc);

    const barePort = await freePort();
    bare.child = spawn(process.execPath, [__filename, '--bare', String(barePort), payloadFile], { stdio: 'ignore' });
    for (
      let i = 0;
      !(await fetch(`http://127.0.0.1:${barePort}/v1/checks/x`).then(
        (r) => r.ok,
        () => false,
      ));
      i++
    ) {
      if (i > 300) throw new Error('bare Nest app did not start');
      await sleep(100);
    }

    const query =
      'query ($id: ID!) { check(id: $id) { id kind status target input verdict score findings { code severity title detail remediation evidence references } result error createdAt startedAt completedAt durationMs } }';
    const gqlBody = JSON.stringify({ query, variables: { id: check.id } });
    const gqlCheck = (await (
      await fetch(`${svc.url}/graphql`, { method: 'POST', headers: authHeaders, body: gqlBody })
    ).json()) as { data?: { check?: { id: string } } };
    if (gqlCheck.data?.check?.id !== check.id)
      throw new Error(`GraphQL query failed: ${JSON.stringify(gqlCheck).slice(0, 300)}`);

    const common = { connections, duration };
    const baseline = await cannon(
      { ...common, url: `http://127.0.0.1:${barePort}/v1/checks/${check.id}` },
      1,
      bare.child.pid!,
    );
    const rest = await cannon({ ...common, url: `${svc.url}/v1/checks/${check.id}`, headers: authHeaders }, 1, svc.pid);
    const graphql = await cannon(
      { ...common, url: `${svc.url}/graphql`, method: 'POST', headers: authHeaders, body: gqlBody },
      1,
      svc.pid,
    );
    for (const [name, r] of Object.entries({ baseline, rest, graphql }))
      if (r.non2xx || r.errors) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);

    report({
      bench: 'api',
      figures: {
        'bare Nest req/s': baseline.rps,
        'bare Nest p50 ms': baseline.p50,
        'bare Nest p99 ms': baseline.p99,
        'bare Nest CPU ms/req': baseline.cpuMs,
        'GET /v1/checks/:id req/s': rest.rps,
        'GET /v1/checks/:id p50 ms': rest.p50,
        'GET /v1/checks/:id p99 ms': rest.p99,
        'GET /v1/checks/:id CPU ms/req': rest.cpuMs,
        'GraphQL check(id) req/s': graphql.rps,
        'GraphQL check(id) p50 ms': graphql.p50,
        'GraphQL check(id) p99 ms': graphql.p99,
        'GraphQL check(id) CPU ms/req': graphql.cpuMs,
        'document bytes': doc.length,
      },
      ratios: {
        'REST req/s / bare': round(rest.rps / baseline.rps, 3),
        'REST p50 / bare': round(rest.p50 / Math.max(baseline.p50, 0.5), 2),
        'REST p99 / bare': round(rest.p99 / Math.max(baseline.p99, 0.5), 2),
        'REST CPU/req / bare': round(rest.cpuMs / Math.max(baseline.cpuMs, 0.001), 2),
        'GraphQL req/s / bare': round(graphql.rps / baseline.rps, 3),
        'GraphQL p50 / bare': round(graphql.p50 / Math.max(baseline.p50, 0.5), 2),
        'GraphQL p99 / bare': round(graphql.p99 / Math.max(baseline.p99, 0.5), 2),
        'GraphQL CPU/req / bare': round(graphql.cpuMs / Math.max(baseline.cpuMs, 0.001), 2),
      },
      notes: `${storedKey ? 'stored API key (admin API); ' : 'static API_KEYS key; '}autocannon ${connections} connections x ${duration} s after 1 s warm-up each; latency ratios use max(baseline, 0.5 ms) as denominator (autocannon reports whole milliseconds)`,
    });
  } finally {
    bare.child?.kill('SIGKILL');
    await svc.stop();
    await dns.stop();
    tmp.cleanup();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
