/**
 * Pipeline bench: checks per second through API, queue, worker and storage, as a ratio to
 * BullMQ's own add+process rate measured in the same run on the same Redis.
 *
 * The "no-op" check is kind `mx` against the fixture DNS server with a warm cache: after the first
 * check every lookup is a cache hit, so the engine costs microseconds and what is measured is the
 * pipe (HTTP, validation, rate limiting, SQLite insert, enqueue, worker pick-up, running/completed
 * writes, events, lifecycle hooks). With `--noop`, the test-only kind `noop` (test/support/noop/,
 * a module composed in at boot) is used instead, with the service in this process.
 *
 * Baseline: one BullMQ Queue adds N jobs one by one from the same number of concurrent producers,
 * and a Worker with the same concurrency processes them with an empty processor.
 *
 *   npm run build && node dist/bench/pipeline.js [--checks 2000] [--concurrency 50] [--noop]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
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

/** Submit `n` checks `body(i)` with `concurrency` in flight; time until all are stored in `dbFile`. */
async function drive(
  url: string,
  headers: Record<string, string>,
  dbFile: string,
  n: number,
  concurrency: number,
  body: (i: number) => object,
): Promise<{ rate: number; submitRate: number }> {
  const db = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
  try {
    const completed = () =>
      (db.prepare("SELECT count(*) AS n FROM checks WHERE status IN ('completed','failed')").get() as { n: number }).n;
    const before = completed();
    const t0 = performance.now();
    await pool(n, concurrency, async (i) => {
      const r = await fetch(`${url}/v1/checks`, { method: 'POST', headers, body: JSON.stringify(body(i)) });
      if (r.status !== 202) throw new Error(`submit ${i}: ${r.status} ${await r.text()}`);
      await r.arrayBuffer();
    });
    const submitted = performance.now();
    let last = performance.now();
    while (completed() - before < n) {
      await sleep(20);
      if (performance.now() - last > 10_000) {
        last = performance.now();
        console.error(`pipeline: ${completed() - before}/${n} stored`);
      }
    }
    const secs = (performance.now() - t0) / 1000;
    return { rate: n / secs, submitRate: n / ((submitted - t0) / 1000) };
  } finally {
    db.close();
  }
}

/** The default: the service as `node dist/src/main.js` (ROLE=all), kind mx on a warm DNS cache. */
async function ours(n: number, concurrency: number): Promise<{ rate: number; submitRate: number }> {
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
  try {
    const domains = ['good.test', 'nullmx.test', 'implicit.test', 'aliased.test'];
    // Warm the resolver cache (and the JIT) before timing.
    for (const domain of domains)
      await fetch(`${svc.url}/v1/checks?wait=20`, {
        method: 'POST',
        headers: authHeaders,
        body: JSON.stringify({ kind: 'mx', domain }),
      });
    return await drive(svc.url, authHeaders, dbFile, n, concurrency, (i) => ({
      kind: 'mx',
      domain: domains[i % domains.length],
    }));
  } finally {
    await svc.stop();
    await dns.stop();
    tmp.cleanup();
  }
}

/**
 * `--noop`: the test-only kind `noop` (test/support/noop/, composed in as a module of its own), so
 * the engine costs nothing at all. The service runs in this process (a module cannot be added to
 * `node dist/src/main.js`), which shares the CPU with the load generator: compare runs of the same mode.
 */
async function oursNoop(n: number, concurrency: number): Promise<{ rate: number; submitRate: number }> {
  const svc = await startInProcessService(
    { QUEUE_PREFIX: freshPrefix('pipeline'), WORKER_CONCURRENCY: String(concurrency), RATE_LIMIT_RPM: '1000000000' },
    { imports: [NoopKindModule] },
  );
  try {
    const dbFile = svc.config.databaseUrl.slice('sqlite:'.length);
    await fetch(`${svc.url}/v1/checks?wait=20`, {
      method: 'POST',
      headers: svc.headers,
      body: JSON.stringify({ kind: 'noop', target: 'warm-up' }),
    });
    return await drive(svc.url, svc.headers, dbFile, n, concurrency, (i) => ({ kind: 'noop', target: `n${i}` }));
  } finally {
    await svc.close();
  }
}

async function main(): Promise<void> {
  const n = arg('checks', 2000);
  const concurrency = arg('concurrency', 50);
  const baseline = await bullmqBaseline(n, concurrency);
  console.error(`BullMQ add+process: ${baseline.toFixed(1)} jobs/s`);
  const noop = process.argv.includes('--noop');
  const pipe = noop ? await oursNoop(n, concurrency) : await ours(n, concurrency);
  report({
    bench: 'pipeline',
    figures: {
      checks: n,
      concurrency: concurrency,
      'BullMQ add+process jobs/s': round(baseline, 1),
      'smtp-doctor checks/s (submit to stored)': round(pipe.rate, 1),
      'smtp-doctor submits/s (202s)': round(pipe.submitRate, 1),
    },
    ratios: { 'checks/s / BullMQ jobs/s': round(pipe.rate / baseline, 3) },
    notes: noop
      ? 'test-only kind noop (test/support/noop/); API and worker in this process (ROLE=all, SQLite), sharing the CPU with the load generator'
      : 'mx against the fixture DNS server with a warm cache stands in for a no-op check; API and worker in one process (ROLE=all, SQLite), as the embedded default',
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
