/**
 * Pipeline bench: checks per second through API, queue, worker and storage, as a ratio to
 * BullMQ's own add+process rate measured in the same run on the same Redis.
 *
 * The no-op check is the test-only kind `noop` (test/support/noop/, composed in as a module of its
 * own): its engine costs nothing, so what is measured is the pipe (HTTP, authentication, rate
 * limiting, validation, database insert, enqueue, worker pick-up, running/completed writes, events,
 * lifecycle hooks). The service (ROLE=all: API and worker in one process) runs in a child process of
 * its own (this file with `--serve`), so the load generator does not share its event loop; that child
 * also counts what one check costs: Redis commands sent (every ioredis connection of the process:
 * queue, worker, rate limits, events), database statements run (better-sqlite3 statements, or pg
 * queries) and CPU ms (process.cpuUsage), over the timed run, divided by the checks. With `--mx`,
 * the earlier stand-in is used instead: kind `mx` on a warm DNS cache in `node dist/src/main.js`.
 *
 * Baseline: one BullMQ Queue adds N jobs one by one from the same number of concurrent producers,
 * and a Worker with the same concurrency processes them with an empty processor.
 *
 *   npm run build && node dist/bench/pipeline.js [--checks 2000] [--concurrency 50] [--db sqlite|postgres] [--mx]
 *   PIPELINE_CPU_PROF=<dir>   also writes a V8 CPU profile of the service over the timed run
 *   PIPELINE_BREAKDOWN=1      also prints statements (by SQL text) and Redis commands (by name) per check
 */
import { fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as inspector from 'node:inspector';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Client as PgClient } from 'pg';
import { startDnsServer } from '../test/support/dns-server';
import { NoopKindModule } from '../test/support/noop/noop.module';
import { authHeaders, freshPrefix, pool, report, round, sleep, spawnService, tempDir } from './lib/harness';
import { startInProcessService } from './lib/service-app';

const ZONE = join(__dirname, '..', '..', 'test', 'fixtures', 'mx', 'mx.zone');
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

async function bullmqBaseline(n: number, concurrency: number): Promise<number> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = freshPrefix('bullmq');
  const queue = new Queue('baseline', { connection, prefix });
  let done = 0;
  let resolveDone!: () => void;
  const finished = new Promise<void>((r) => (resolveDone = r));
  const workerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const worker = new Worker('baseline', async () => undefined, { connection: workerConnection, prefix, concurrency });
  worker.on('completed', () => {
    if (++done === n) resolveDone();
  });
  await worker.waitUntilReady();
  const t0 = performance.now();
  await pool(n, concurrency, (i) => queue.add('noop', { i }, { jobId: `j${i}`, removeOnComplete: true }));
  await finished;
  const secs = (performance.now() - t0) / 1000;
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  connection.disconnect();
  workerConnection.disconnect();
  return n / secs;
}

/** How many checks are stored as finished (completed or failed). */
type Completed = () => Promise<number>;

function sqliteCompleted(dbFile: string): { completed: Completed; close(): void } {
  const db = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
  const stmt = db.prepare("SELECT count(*) AS n FROM checks WHERE status IN ('completed','failed')");
  return { completed: () => Promise.resolve((stmt.get() as { n: number }).n), close: () => db.close() };
}

async function postgresCompleted(url: string): Promise<{ completed: Completed; close(): Promise<void> }> {
  const u = new URL(url);
  const schema = u.searchParams.get('schema')!;
  u.searchParams.delete('schema');
  const client = new PgClient({ connectionString: u.toString() });
  await client.connect();
  return {
    completed: async () =>
      Number(
        (
          await client.query<{ n: string }>(
            `SELECT count(*) AS n FROM ${schema}.checks WHERE status IN ('completed','failed')`,
          )
        ).rows[0]!.n,
      ),
    close: async () => {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await client.end();
    },
  };
}

/** Submit `n` checks `body(i)` with `concurrency` in flight; time until all are stored. */
async function drive(
  url: string,
  headers: Record<string, string>,
  completed: Completed,
  n: number,
  concurrency: number,
  body: (i: number) => object,
): Promise<{ rate: number; submitRate: number }> {
  const before = await completed();
  const t0 = performance.now();
  await pool(n, concurrency, async (i) => {
    const r = await fetch(`${url}/v1/checks`, { method: 'POST', headers, body: JSON.stringify(body(i)) });
    if (r.status !== 202) throw new Error(`submit ${i}: ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
  });
  const submitted = performance.now();
  let last = performance.now();
  while ((await completed()) - before < n) {
    await sleep(20);
    if (performance.now() - last > 10_000) {
      last = performance.now();
      console.error(`pipeline: ${(await completed()) - before}/${n} stored`);
    }
  }
  const secs = (performance.now() - t0) / 1000;
  return { rate: n / secs, submitRate: n / ((submitted - t0) / 1000) };
}

interface Outcome {
  rate: number;
  submitRate: number;
  cost?: { redisCommands: number; dbStatements: number; cpuMs: number };
}

/** `--mx`: the service as `node dist/src/main.js` (ROLE=all), kind mx on a warm DNS cache. */
async function oursMx(n: number, concurrency: number): Promise<Outcome> {
  const tmp = tempDir('bench-pipeline-');
  const dns = await startDnsServer({ zoneText: readFileSync(ZONE, 'utf8') });
  const dbFile = join(tmp.dir, 'bench.db');
  const svc = await spawnService({
    ROLE: 'all',
    DATABASE_URL: `sqlite:${dbFile}`,
    QUEUE_PREFIX: freshPrefix('pipeline'),
    DNS_SERVERS: dns.address,
    WORKER_CONCURRENCY: String(concurrency),
    RATE_LIMIT_RPM: '1000000000',
  });
  const store = sqliteCompleted(dbFile);
  try {
    const domains = ['good.test', 'nullmx.test', 'implicit.test', 'aliased.test'];
    // Warm the resolver cache (and the JIT) before timing.
    for (const domain of domains)
      await fetch(`${svc.url}/v1/checks?wait=20`, {
        method: 'POST',
        headers: authHeaders,
        body: JSON.stringify({ kind: 'mx', domain }),
      });
    return await drive(svc.url, authHeaders, store.completed, n, concurrency, (i) => ({
      kind: 'mx',
      domain: domains[i % domains.length],
    }));
  } finally {
    store.close();
    await svc.stop();
    await dns.stop();
    tmp.cleanup();
  }
}

/** Messages between the bench and its `--serve` child. */
type ToChild = { op: 'mark'; checks: number } | { op: 'stop' };
interface Counters {
  redisCommands: number;
  dbStatements: number;
  cpuMicros: number;
}
type FromChild =
  | { op: 'ready'; url: string; headers: Record<string, string>; databaseUrl: string }
  | { op: 'counters'; counters: Counters };

/**
 * Count, in this process, every Redis command sent (all ioredis connections share the prototype)
 * and every database statement run (better-sqlite3 statements; pg client queries).
 */
function installCounters(breakdown?: Breakdown): () => Counters {
  let redisCommands = 0;
  let dbStatements = 0;
  const tally = (m: Map<string, number> | undefined, k: string) => m?.set(k, (m.get(k) ?? 0) + 1);
  const scripts = new Map<string, string>();
  if (breakdown) {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- wrapped and called with its own `this`
    const define = Redis.prototype.defineCommand;
    Redis.prototype.defineCommand = function (this: Redis, name: string, def: { lua: string; numberOfKeys?: number }) {
      scripts.set(createHash('sha1').update(def.lua).digest('hex'), name);
      return define.call(this, name, def);
    } as typeof define;
  }
  // eslint-disable-next-line @typescript-eslint/unbound-method -- wrapped and called with its own `this`
  const send = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<typeof send>) {
    redisCommands++;
    if (breakdown?.on) {
      const c = args[0] as { name: string; args: unknown[] };
      // evalsha: the script's name, from defineCommand (ours and BullMQ's alike).
      const key = c.name === 'evalsha' ? `evalsha ${scripts.get(String(c.args[0])) ?? '?'}` : c.name;
      tally(breakdown.redis, key);
    }
    return send.apply(this, args);
  } as typeof send;
  const probe = new BetterSqlite3(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
  probe.close();
  for (const m of ['run', 'get', 'all', 'iterate']) {
    const orig = proto[m]!;
    proto[m] = function (this: { source: string }, ...a: unknown[]) {
      dbStatements++;
      if (breakdown?.on) tally(breakdown.sql, this.source.slice(0, 90));
      return orig.apply(this, a);
    };
  }
  // eslint-disable-next-line @typescript-eslint/unbound-method -- wrapped and called with its own `this`
  const pgQuery = PgClient.prototype.query as (...a: unknown[]) => unknown;
  (PgClient.prototype as { query: unknown }).query = function (this: unknown, ...a: unknown[]) {
    dbStatements++;
    if (breakdown?.on) {
      const q = a[0] as string | { text?: string };
      tally(breakdown.sql, (typeof q === 'string' ? q : (q.text ?? '?')).slice(0, 90));
    }
    return pgQuery.apply(this, a);
  };
  return () => {
    const cpu = process.cpuUsage();
    return { redisCommands, dbStatements, cpuMicros: cpu.user + cpu.system };
  };
}

/** With PIPELINE_BREAKDOWN=1: statements by SQL text and Redis commands by name, over the timed run. */
interface Breakdown {
  on: boolean;
  sql: Map<string, number>;
  redis: Map<string, number>;
}

/** The `--serve` child: the service with kind noop, counting its own costs between marks. */
async function serve(dbKind: string): Promise<void> {
  const breakdown: Breakdown | undefined = process.env.PIPELINE_BREAKDOWN
    ? { on: false, sql: new Map(), redis: new Map() }
    : undefined;
  const counters = installCounters(breakdown);
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const svc = await startInProcessService(
    {
      QUEUE_PREFIX: freshPrefix('pipeline'),
      WORKER_CONCURRENCY: process.env.PIPELINE_CONCURRENCY ?? '50',
      RATE_LIMIT_RPM: '1000000000',
      ...(dbKind === 'postgres' ? { DATABASE_URL: `postgres://postgres@127.0.0.1:5432/test?schema=${schema}` } : {}),
    },
    { imports: [NoopKindModule] },
  );
  const profDir = process.env.PIPELINE_CPU_PROF;
  const session = profDir ? new inspector.Session() : undefined;
  session?.connect();
  let marks = 0;
  const post = (m: FromChild) => process.send!(m);
  process.on('message', (m: ToChild) => {
    void (async () => {
      if (m.op === 'mark') {
        if (session && marks === 0) {
          session.post('Profiler.enable');
          session.post('Profiler.start');
        }
        if (session && marks === 1)
          session.post('Profiler.stop', (err, r) => {
            if (!err) writeFileSync(join(profDir!, `pipeline-${process.pid}.cpuprofile`), JSON.stringify(r.profile));
          });
        marks++;
        const c = counters();
        if (breakdown) {
          breakdown.on = marks === 1;
          if (marks === 2) printBreakdown(breakdown, m.checks);
        }
        post({ op: 'counters', counters: c });
      } else {
        await svc.close();
        process.exit(0);
      }
    })();
  });
  post({ op: 'ready', url: svc.url, headers: svc.headers, databaseUrl: svc.config.databaseUrl });
}

function printBreakdown(b: Breakdown, checks: number): void {
  const show = (title: string, m: Map<string, number>) => {
    console.error(`${title} per check:`);
    for (const [k, v] of [...m].sort((x, y) => y[1] - x[1])) console.error(`  ${(v / checks).toFixed(3)}  ${k}`);
  };
  show('database statements', b.sql);
  show('Redis commands', b.redis);
}

/** The default: kind noop, the service in a child process of its own (`--serve`). */
async function oursNoop(n: number, concurrency: number, dbKind: string): Promise<Outcome> {
  const child = fork(__filename, ['--serve', dbKind], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, PIPELINE_CONCURRENCY: String(concurrency) },
  });
  const next = <T extends FromChild['op']>(op: T) =>
    new Promise<Extract<FromChild, { op: T }>>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`service child exited with ${code}`));
      child.once('exit', onExit);
      const onMessage = (m: FromChild) => {
        if (m.op !== op) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m as Extract<FromChild, { op: T }>);
      };
      child.on('message', onMessage);
    });
  const ready = await next('ready');
  const store = ready.databaseUrl.startsWith('sqlite:')
    ? sqliteCompleted(ready.databaseUrl.slice('sqlite:'.length))
    : await postgresCompleted(ready.databaseUrl);
  const mark = async () => {
    const c = next('counters');
    child.send({ op: 'mark', checks: n } satisfies ToChild);
    return (await c).counters;
  };
  try {
    // Warm-up (JIT, statement caches, connections): a few rounds at the same concurrency.
    await drive(ready.url, ready.headers, store.completed, Math.min(200, n), concurrency, (i) => ({
      kind: 'noop',
      target: `warm-${i}`,
    }));
    const c0 = await mark();
    const out = await drive(ready.url, ready.headers, store.completed, n, concurrency, (i) => ({
      kind: 'noop',
      target: `n${i}`,
    }));
    const c1 = await mark();
    return {
      ...out,
      cost: {
        redisCommands: (c1.redisCommands - c0.redisCommands) / n,
        dbStatements: (c1.dbStatements - c0.dbStatements) / n,
        cpuMs: (c1.cpuMicros - c0.cpuMicros) / 1000 / n,
      },
    };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.send({ op: 'stop' } satisfies ToChild);
    await exited;
    await Promise.resolve(store.close());
  }
}

async function main(): Promise<void> {
  const n = arg('checks', 2000);
  const concurrency = arg('concurrency', 50);
  const dbKind = process.argv.includes('--db') ? process.argv[process.argv.indexOf('--db') + 1]! : 'sqlite';
  if (dbKind !== 'sqlite' && dbKind !== 'postgres') throw new Error('--db: sqlite or postgres');
  const mx = process.argv.includes('--mx');
  const baseline = await bullmqBaseline(n, concurrency);
  console.error(`BullMQ add+process: ${baseline.toFixed(1)} jobs/s`);
  const pipe = mx ? await oursMx(n, concurrency) : await oursNoop(n, concurrency, dbKind);
  const cost = pipe.cost
    ? `per check: ${round(pipe.cost.redisCommands, 1)} Redis commands, ${round(pipe.cost.dbStatements, 1)} database statements, ${round(pipe.cost.cpuMs, 3)} CPU ms`
    : undefined;
  if (cost) console.error(cost);
  report({
    bench: 'pipeline',
    figures: {
      checks: n,
      concurrency: concurrency,
      'BullMQ add+process jobs/s': round(baseline, 1),
      'smtp-doctor checks/s (submit to stored)': round(pipe.rate, 1),
      'smtp-doctor submits/s (202s)': round(pipe.submitRate, 1),
      ...(pipe.cost
        ? {
            'Redis commands per check': round(pipe.cost.redisCommands, 2),
            'database statements per check': round(pipe.cost.dbStatements, 2),
            'service CPU ms per check': round(pipe.cost.cpuMs, 3),
          }
        : {}),
    },
    ratios: { 'checks/s / BullMQ jobs/s': round(pipe.rate / baseline, 3) },
    notes: mx
      ? 'mx against the fixture DNS server with a warm cache stands in for a no-op check; API and worker in one process (node dist/src/main.js, ROLE=all, SQLite)'
      : `test-only kind noop (test/support/noop/); API and worker in one child process (ROLE=all, ${dbKind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}), the load generator in the bench process`,
  });
}

if (require.main === module && process.argv[2] === '--serve') {
  serve(process.argv[3] ?? 'sqlite').catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
