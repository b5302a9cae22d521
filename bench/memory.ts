/**
 * Memory bench: peak RSS of a worker process while a 10,000-check batch runs.
 *
 * An API process and a worker process (`node dist/src/main.js`, ROLE=api / ROLE=worker) share a
 * SQLite file and Redis; the batch is 10,000 `mx` checks over 1,000 synthetic domains served by the
 * fixture DNS server in this process. The worker's RSS is sampled from /proc every 100 ms and its
 * peak read from VmHWM (the kernel's high-water mark, so no spike between samples is missed).
 *
 *   npm run build && node dist/bench/memory.js [--checks 10000] [--concurrency 50]
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { startDnsServer } from '../test/support/dns-server';
import { syntheticZone } from '../test/support/synthetic-zone';
import { authHeaders, freshPrefix, report, round, rss, sleep, spawnService, tempDir } from './lib/harness';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

async function main(): Promise<void> {
  const n = arg('checks', 10_000);
  const concurrency = arg('concurrency', 50);
  const zone = syntheticZone(1000);
  const dns = await startDnsServer({ zoneText: zone.zoneText });
  const tmp = tempDir('bench-memory-');
  const dbFile = join(tmp.dir, 'bench.db');
  const env = {
    DATABASE_URL: `sqlite:${dbFile}`,
    QUEUE_PREFIX: freshPrefix('memory'),
    DNS_SERVERS: dns.address,
    SECRET_KEY: 'cd'.repeat(32),
  };
  const api = await spawnService({ ...env, ROLE: 'api' });
  const worker = await spawnService({ ...env, ROLE: 'worker', WORKER_CONCURRENCY: String(concurrency) });
  try {
    const idle = rss(worker.pid);
    const checks = Array.from({ length: n }, (_, i) => ({ kind: 'mx', domain: zone.domains[i % zone.domains.length] }));
    const t0 = performance.now();
    const res = await fetch(`${api.url}/v1/batches`, {
      method: 'POST',
      headers: authHeaders,
      body: JSON.stringify({ checks }),
    });
    if (res.status !== 202) throw new Error(`batch: ${res.status} ${(await res.text()).slice(0, 300)}`);
    const { id } = (await res.json()) as { id: string };
    const submitS = (performance.now() - t0) / 1000;
    const db = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
    let sampledPeak = 0;
    for (;;) {
      sampledPeak = Math.max(sampledPeak, rss(worker.pid).rssMb);
      const row = db.prepare('SELECT status FROM batches WHERE id = ?').get(id) as { status: string } | undefined;
      if (row?.status === 'completed') break;
      await sleep(100);
    }
    const secs = (performance.now() - t0) / 1000;
    const counts = db
      .prepare('SELECT status, count(*) AS n FROM checks WHERE batch_id = ? GROUP BY status')
      .all(id) as { status: string; n: number }[];
    db.close();
    const end = rss(worker.pid);
    report({
      bench: 'memory',
      figures: {
        checks: n,
        'worker concurrency': concurrency,
        'worker RSS idle MiB': idle.rssMb,
        'worker peak RSS MiB (VmHWM)': end.peakMb,
        'worker peak RSS MiB (sampled)': sampledPeak,
        'worker RSS after MiB': end.rssMb,
        'batch submit s': round(submitS, 1),
        'batch wall s': round(secs, 1),
        'checks/s': round(n / secs, 1),
        outcomes: counts.map((c) => `${c.status}=${c.n}`).join(' '),
      },
      ratios: { 'peak / idle RSS': round(end.peakMb / idle.rssMb, 2) },
      notes: 'API and worker are separate processes; 1,000 synthetic domains, so the DNS cache serves 9 of 10 checks',
    });
  } finally {
    await worker.stop();
    await api.stop();
    await dns.stop();
    tmp.cleanup();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
