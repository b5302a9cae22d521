/**
 * Scale bench: does adding worker processes add throughput when a check's time is spent waiting?
 * One API process and 1, 2, then 4 worker processes (`node dist/src/main.js`, ROLE=api / ROLE=worker)
 * on one PostgreSQL database and one Redis run the same batch of `mx` checks whose DNS answers come
 * after 50 ms (a delaying UDP relay in front of the fixture DNS server; every check asks for a name of
 * its own, so no cache hides the wait). WORKER_CONCURRENCY is small (2), so one worker is bound by
 * the waiting, not by the CPU of this 2-core machine. Printed: checks/s at each size, the ratio to
 * one worker (goal >= 1.8 at 2, >= 3.2 at 4), and what one check costs: Redis commands (INFO
 * commandstats of a private redis-server, in all and by command) and PostgreSQL transactions
 * (pg_stat_database of a database of its own). A batch's time runs from its POST to the
 * completion time the service stores for it; the bench polls for that every 500 ms only.
 *
 * Where the time goes, at each size: CPU ms per check of each process (the API, the workers
 * together, redis-server from its INFO cpu, the PostgreSQL backends of the bench's database from
 * /proc) and the share of the machine's cores they used over the run (`cpuBusy`: 1.0 = every core
 * busy with this bench for the whole run). When that share nears 1, the CPU, not the waiting, is
 * the bound, and ratios above it cannot show; the load average printed with the figures says how
 * much of the machine other work took, and `machineBusy` the share of the cores anything used
 * (/proc/stat): near 1, the machine was CPU bound whoever used it, and the ratios say little.
 *
 * Each size first runs a warm-up batch of `--warmup` checks per worker process, not measured, so
 * that processes which just joined do not charge their first-run cost (V8 compiling cold code) to
 * the measured batch; that cost is printed on its own (warmupCpuMsPerCheckByWorker).
 *
 *   npm run build && node dist/bench/scale.js [--checks 800] [--warmup 300] [--concurrency 2] [--delay 50] [--sizes 1,2,4]
 */
import { createSocket, type RemoteInfo } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { Client as PgClient } from 'pg';
import { startDnsServer } from '../test/support/dns-server';
import { freePort } from '../test/support/free-port';
import { startPrivateRedis } from '../test/support/redis-server';
import { authHeaders, report, round, sleep, spawnService, type ServiceChild } from './lib/harness';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

/** A UDP relay that holds every DNS answer `delayMs` before passing it on. */
async function delayingRelay(upstreamPort: number, delayMs: number): Promise<{ address: string; close(): void }> {
  const port = await freePort();
  const front = createSocket('udp4');
  const back = createSocket('udp4');
  const pending = new Map<number, RemoteInfo[]>();
  front.on('message', (msg, rinfo) => {
    const id = msg.readUInt16BE(0);
    pending.set(id, [...(pending.get(id) ?? []), rinfo]);
    back.send(msg, upstreamPort, '127.0.0.1');
  });
  back.on('message', (msg) => {
    const id = msg.readUInt16BE(0);
    const to = pending.get(id)?.shift();
    if (!to) return;
    setTimeout(() => front.send(msg, to.port, to.address), delayMs);
  });
  await new Promise<void>((r) => front.bind(port, '127.0.0.1', () => r()));
  await new Promise<void>((r) => back.bind(0, '127.0.0.1', () => r()));
  return {
    address: `127.0.0.1:${port}`,
    close: () => {
      front.close();
      back.close();
    },
  };
}

/** CPU time of a process so far, in ms (utime + stime of /proc/<pid>/stat, in 10 ms clock ticks); 0 once gone. */
function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** PostgreSQL backends serving database `db` (their process title names it), by pid -> CPU ms. */
function pgBackendsCpu(db: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(` ${db} `)) out.set(Number(d), cpuMsOf(Number(d)));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Busy and total CPU time of the whole machine so far (the `cpu` line of /proc/stat, in ticks). */
function machineTicks(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  // idle + iowait are not busy
  return { busy: total - f[3]! - (f[4] ?? 0), total };
}

/** redis-server's own CPU so far (INFO cpu), in ms. */
async function redisCpuMs(r: Redis): Promise<number> {
  const info = await r.info('cpu');
  const v = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (v('used_cpu_sys') + v('used_cpu_user')) * 1000;
}

async function redisCalls(r: Redis): Promise<number> {
  return [...(await redisCallsByCommand(r)).values()].reduce((a, b) => a + b, 0);
}

/** Calls per command (INFO commandstats; commands run inside Lua scripts count too). */
async function redisCallsByCommand(r: Redis): Promise<Map<string, number>> {
  const info = await r.info('commandstats');
  const out = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}

/** Checks a worker process has finished so far (the sum of its smtp_doctor_checks_total on /metrics). */
async function checksDone(w: ServiceChild): Promise<number> {
  const text = await (await fetch(`${w.url}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^smtp_doctor_checks_total\{[^}]*\} (\d+)/gm)) n += Number(m[1]);
  return n;
}

async function pgTransactions(pg: PgClient, db: string): Promise<number> {
  const { rows } = await pg.query<{ n: string }>(
    'select xact_commit + xact_rollback as n from pg_stat_database where datname = $1',
    [db],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * One batch of `n` mx checks of the names `<label>-<i>.bench.test` through the API; resolves with
 * the completion time the service stores for it (ms since the epoch). That time is stored by the
 * worker that finished the last check, so the poll can be sparse: polling every 50 ms cost the
 * API process more CPU per check than the checks did, on the cores the workers need.
 */
async function runBatch(api: ServiceChild, label: string, n: number): Promise<number> {
  const res = await fetch(`${api.url}/v1/batches`, {
    method: 'POST',
    headers: authHeaders,
    body: JSON.stringify({
      checks: Array.from({ length: n }, (_, i) => ({ kind: 'mx', domain: `${label}-${i}.bench.test` })),
    }),
  });
  if (res.status !== 202) throw new Error(`batch refused: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  for (;;) {
    const b = (await (await fetch(`${api.url}/v1/batches/${id}`, { headers: authHeaders })).json()) as {
      status: string;
      completedAt?: string;
    };
    if (b.status === 'completed') return Date.parse(b.completedAt!);
    await sleep(500);
  }
}

async function main(): Promise<void> {
  const checks = arg('checks', 800);
  const warmup = arg('warmup', 300);
  const concurrency = arg('concurrency', 2);
  const delayMs = arg('delay', 50);
  const sizes = (process.argv.includes('--sizes') ? process.argv[process.argv.indexOf('--sizes') + 1]! : '1,2,4')
    .split(',')
    .map(Number);

  const zone = ['$ORIGIN bench.test.', '@ IN MX 10 mx1.bench.test.', 'mx1 IN A 192.0.2.10'];
  for (const size of sizes) {
    for (let i = 0; i < checks; i++) zone.push(`d${size}-${i} IN MX 10 mx1.bench.test.`);
    for (let i = 0; i < warmup * size; i++) zone.push(`w${size}-${i} IN MX 10 mx1.bench.test.`);
  }
  const dns = await startDnsServer({ zoneText: zone.join('\n') + '\n' });
  const relay = await delayingRelay(Number(dns.address.split(':')[1]), delayMs);
  const redis = await startPrivateRedis();
  const admin = new PgClient({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
  await admin.connect();
  const dbName = `bench_scale_${randomBytes(4).toString('hex')}`;
  await admin.query(`create database ${dbName}`);
  const stats = new Redis(redis.url);
  const services: ServiceChild[] = [];
  const figures: Record<string, number | string> = { checks, warmupPerWorker: warmup, concurrency, delayMs };
  const rates: Record<number, number> = {};
  try {
    // BENCH_WORKER_NODE_OPTIONS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) is passed to the worker
    // processes only, to see where their CPU goes.
    const workerNodeOptions = process.env.BENCH_WORKER_NODE_OPTIONS;
    const env = (role: string) => ({
      ...(role === 'worker' && workerNodeOptions ? { NODE_OPTIONS: workerNodeOptions } : {}),
      ROLE: role,
      DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${dbName}`,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'bench-scale',
      DNS_SERVERS: relay.address,
      DNS_TIMEOUT_MS: '3000',
      WORKER_CONCURRENCY: String(concurrency),
      SECRET_KEY: 'ef'.repeat(32),
      RATE_LIMIT_RPM: '0',
      DNSBL_ZONES: '',
      DNSBL_DOMAIN_ZONES: '',
    });
    const api = await spawnService(env('api'));
    services.push(api);
    const workers: ServiceChild[] = [];
    let perCheck: { redis: number; pg: number } | undefined;
    for (const size of sizes) {
      while (workers.length < size) {
        const w = await spawnService(env('worker'));
        workers.push(w);
        services.push(w);
      }
      // Warm-up, not measured: a worker process that has just started runs its first checks
      // through cold code (V8 compiles and optimises what it runs for the first time): at load 2-5
      // a joining process spent 6.5-7 CPU ms per check over its first 100-300 checks where a warm
      // one spent 4-4.5, and still ~5 over the next 150 after a 100-check warm-up. Long-lived
      // workers do not pay that; a batch measured on cold processes would charge it to the larger
      // sizes only. What the warm-up cost is printed on its own (warmupCpuMsPerCheckByWorker).
      if (warmup > 0) {
        const w0 = workers.map((w) => cpuMsOf(w.pid));
        const d0 = await Promise.all(workers.map(checksDone));
        await runBatch(api, `w${size}`, warmup * size);
        const d1 = await Promise.all(workers.map(checksDone));
        figures[`warmupCpuMsPerCheckByWorker_${size}w`] = workers
          .map((w, i) => {
            const n = d1[i]! - d0[i]!;
            return `${round((cpuMsOf(w.pid) - w0[i]!) / Math.max(n, 1))} (${n})`;
          })
          .join(', ');
      }
      await sleep(500);
      // What the processes cost doing nothing (idle polling, timers): 2 s before the batch.
      const idle0 = {
        workers: workers.map((w) => cpuMsOf(w.pid)),
        api: cpuMsOf(api.pid),
        redis: await redisCalls(stats),
      };
      await sleep(2000);
      figures[`idlePerS_${size}w`] =
        `workers ${round(workers.reduce((s, w, i) => s + cpuMsOf(w.pid) - idle0.workers[i]!, 0) / 2)} cpu-ms, ` +
        `api ${round((cpuMsOf(api.pid) - idle0.api) / 2)} cpu-ms, redis ${round(((await redisCalls(stats)) - idle0.redis - 1) / 2)} commands`;
      const [r0, p0, byCommand0] = [
        await redisCalls(stats),
        await pgTransactions(admin, dbName),
        await redisCallsByCommand(stats),
      ];
      const cpu0 = {
        api: cpuMsOf(api.pid),
        workers: workers.map((w) => cpuMsOf(w.pid)),
        done: await Promise.all(workers.map(checksDone)),
        redis: await redisCpuMs(stats),
        pg: pgBackendsCpu(dbName),
        load: loadavg()[0]!,
        machine: machineTicks(),
      };
      const wall0 = Date.now();
      const completedAt = await runBatch(api, `d${size}`, checks);
      const seconds = (completedAt - wall0) / 1000;
      rates[size] = checks / seconds;
      figures[`checksPerS_${size}w`] = round(rates[size]);
      // CPU per check of each part; backends that closed during the run are not counted (the pools
      // keep theirs open while busy), new ones count from 0.
      const pgNow = pgBackendsCpu(dbName);
      let pgCpu = 0;
      for (const [pid, ms] of pgNow) pgCpu += ms - (cpu0.pg.get(pid) ?? 0);
      const cpu = {
        api: cpuMsOf(api.pid) - cpu0.api,
        workers: workers.reduce((sum, w, i) => sum + cpuMsOf(w.pid) - (cpu0.workers[i] ?? 0), 0),
        redis: (await redisCpuMs(stats)) - cpu0.redis,
        pg: pgCpu,
      };
      const total = cpu.api + cpu.workers + cpu.redis + cpu.pg;
      // Each worker process on its own, oldest first: its CPU ms per check it ran (and how many it
      // ran). A process that joined for this size pays its warm-up (JIT) here.
      const done = await Promise.all(workers.map(checksDone));
      figures[`cpuMsPerCheckByWorker_${size}w`] = workers
        .map((w, i) => {
          const n = done[i]! - (cpu0.done[i] ?? 0);
          return `${round((cpuMsOf(w.pid) - (cpu0.workers[i] ?? 0)) / Math.max(n, 1))} (${n})`;
        })
        .join(', ');
      figures[`cpuMsPerCheck_${size}w`] =
        `api ${round(cpu.api / checks)} workers ${round(cpu.workers / checks)} redis ${round(cpu.redis / checks)} pg ${round(cpu.pg / checks)}`;
      figures[`cpuBusy_${size}w`] = round(total / (seconds * 1000 * cpus().length));
      const m1 = machineTicks();
      figures[`machineBusy_${size}w`] = round((m1.busy - cpu0.machine.busy) / (m1.total - cpu0.machine.total));
      figures[`load_${size}w`] = `${round(cpu0.load)} -> ${round(loadavg()[0]!)}`;
      // Per check at each size: more processes must not mean more commands or transactions per check
      // (idle polling, per-process timers). Redis is read at the batch's end; pg_stat_database lags
      // a little (updated when a transaction ends and flushed), so it is read 1.5 s later.
      const r1 = await redisCalls(stats);
      const byCommand1 = await redisCallsByCommand(stats);
      await sleep(1500);
      const p1 = await pgTransactions(admin, dbName);
      figures[`redisCommandsPerCheck_${size}w`] = round((r1 - r0) / checks, 1);
      figures[`pgTransactionsPerCheck_${size}w`] = round((p1 - p0) / checks, 1);
      const byCommand = [...byCommand1]
        .map(([c, n]) => [c, (n - (byCommand0.get(c) ?? 0)) / checks] as const)
        .filter(([, n]) => n >= 0.5)
        .sort((a, b) => b[1] - a[1]);
      figures[`redisCommandsPerCheckByCommand_${size}w`] = byCommand.map(([c, n]) => `${c} ${round(n, 1)}`).join(', ');
      if (size === sizes[0]) perCheck = { redis: (r1 - r0) / checks, pg: (p1 - p0) / checks };
    }
    figures.redisCommandsPerCheck = round(perCheck!.redis, 1);
    figures.pgTransactionsPerCheck = round(perCheck!.pg, 1);
    report({
      bench: 'scale',
      figures,
      ratios: { workers2_vs_1: round(rates[2]! / rates[1]!), workers4_vs_1: round(rates[4]! / rates[1]!) },
      notes: `goal: >= 1.8 at 2 workers, >= 3.2 at 4; one API process; WORKER_CONCURRENCY=${concurrency}; DNS answers after ${delayMs} ms`,
    });
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    stats.disconnect();
    await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
    await admin.end();
    await redis.destroy();
    relay.close();
    await dns.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
