import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { Client as PgClient } from 'pg';
import WebSocket from 'ws';
import { freshDatabaseUrl } from '../support/database';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { auth, TENANT_A_KEY, until } from '../support/app';
import {
  haveTopologyBinaries,
  startCluster,
  startSentinel,
  type SentinelTopology,
  type Topology,
} from '../support/redis-topologies';
import { spawnService, type ServiceProcess } from '../faults/worker-process';

const ZONE = readFileSync(join(__dirname, '../fixtures/mx/mx.zone'), 'utf8');
const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');
const SECRET_KEY = 'cd'.repeat(32);
const binaries = haveTopologyBinaries();
if (!binaries && process.env.CI === 'true')
  throw new Error(
    'redis-server, redis-cli and redis-sentinel are required under CI=true (apt-get install redis-sentinel)',
  );

/**
 * Many processes, one system: real `node dist/src/main.js` processes (2 ROLE=api, 2 ROLE=worker)
 * started at the same moment on an empty PostgreSQL schema, against a standalone Redis, a
 * 3-master Cluster and a Sentinel-managed Redis whose master fails over mid-batch. A batch goes in
 * through API A while a worker is SIGKILLed and another joins; every check is stored once and
 * completed, and API B reports the batch's progress; a `checkUpdated` subscription on B sees a check
 * submitted through A.
 *
 * Batch size: the issue asks for 5,000 checks. The standalone scenario runs 5,000 (65 s at load
 * 8-10 on the 2 shared cores of the development machine; 3 minutes at load 15-23 before one
 * worker swept per interval); the Cluster and Sentinel scenarios run 1,000 each to keep the file
 * within a few minutes (5,000 took 4 and 5.5 minutes there at load 15-23, before that change).
 * SCALE_BATCH_CHECKS sets all three (e.g. 5000 on a bigger machine).
 */
const N = Number(process.env.SCALE_BATCH_CHECKS ?? 5000);
const N_TOPOLOGY = Number(process.env.SCALE_BATCH_CHECKS ?? 1000);

/** A process's state for a failure message: exit status, last /readyz answer, log tail, stderr tail. */
function processState(p: ServiceProcess, lastReadyz: string): string {
  const exit = p.child.exitCode ?? p.child.signalCode ?? 'running';
  const logs = p.logs
    .slice(-15)
    .map((l) => JSON.stringify(l).slice(0, 400))
    .join('\n  ');
  return `exit: ${exit}; last /readyz: ${lastReadyz.slice(0, 300)}\n  logs:\n  ${logs}\n  stderr: ${p.stderr().slice(-1500)}`;
}

async function scenario(
  redisUrl: string,
  dns: FixtureDnsServer,
  N: number,
  midBatch?: () => Promise<void>,
): Promise<void> {
  const db = freshDatabaseUrl('postgres');
  const prefix = `scale-${Math.random().toString(16).slice(2, 8)}`;
  const procs: ServiceProcess[] = [];
  const clients: Client[] = [];
  // PORT=0: each process listens where the system lets it and names the port in its start-up line
  // (a port picked free by the test could be taken by the time a slow boot binds it).
  const start = (role: 'api' | 'worker') => {
    const p = spawnService({
      ROLE: role,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      DNS_SERVERS: dns.address,
      DNS_RETRIES: '0',
      DNS_TIMEOUT_MS: '1500',
      SECRET_KEY,
      API_KEYS: `tenant-a:${TENANT_A_KEY}`,
      SWEEP_INTERVAL_MS: '5000',
      WORKER_CONCURRENCY: '50',
      RATE_LIMIT_RPM: '0',
      LOG_LEVEL: process.env.SCALE_LOG_LEVEL ?? 'info',
    });
    procs.push(p);
    return { p, url: '' };
  };
  try {
    // All four at the same moment, on an empty schema: all come up (migrations run once). The bound is
    // generous: on a loaded 2-core machine four Nest boots at once take minutes.
    const [a, b, w1, w2] = [start('api'), start('api'), start('worker'), start('worker')];
    // On a timeout the error carries what each process was doing (its last /readyz answer, exit
    // status, last log lines and stderr), so a start-up hang can be told from a slow boot.
    const ready = async (x: { p: ServiceProcess; url: string }) => {
      let last = 'no answer yet';
      try {
        const line = await x.p.waitForLog(/^smtp-doctor (listening on|worker started)/, 240_000);
        x.url = `http://127.0.0.1:${String((line as { port?: number }).port)}`;
        await until(
          async () => {
            // A process that exited will never answer: say so now, with its stderr.
            if (x.p.child.exitCode !== null || x.p.child.signalCode !== null) throw new Error('it exited');
            const r = await request(x.url)
              .get('/readyz')
              .catch((e: Error) => ({ status: 0, text: e.message }));
            last = `${r.status} ${r.text}`;
            return r.status === 200;
          },
          240_000,
          200,
        );
      } catch (e) {
        throw new Error(
          `${x.url || 'a process'} not ready: ${(e as Error).message.split('\n')[0]}\n${processState(x.p, last)}`,
          {
            cause: e,
          },
        );
      }
    };
    await Promise.all([a, b, w1, w2].map((x) => ready(x)));

    // checkUpdated on B sees a check submitted through A: the check is held by a DNS name that
    // does not answer (1.5 s timeout per attempt), so the subscription is open before it finishes.
    dns.fault('held.test', 'timeout');
    const held = await request(a.url)
      .post('/v1/checks')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'mx', domain: 'held.test' });
    expect(held.status).toBe(202);
    const ws = createClient({
      url: b.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${TENANT_A_KEY}` },
      retryAttempts: 0,
    });
    clients.push(ws);
    const events: { id: string; status: string }[] = [];
    ws.subscribe<{ checkUpdated: { id: string; status: string } }>(
      { query: 'subscription ($id: ID!) { checkUpdated(id: $id) { id status } }', variables: { id: held.body.id } },
      { next: (m) => m.data && events.push(m.data.checkUpdated), error: () => undefined, complete: () => undefined },
    );
    // Its first attempt times out (retried); once the subscription is surely open, the name answers.
    setTimeout(() => dns.fault('held.test', null), 3000);

    const batch = await request(a.url)
      .post('/v1/batches')
      .set(auth(TENANT_A_KEY))
      .send({
        checks: Array.from({ length: N }, (_, i) => ({ kind: 'mx', domain: i % 2 ? 'good.test' : 'nullmx.test' })),
      });
    expect(batch.status).toBe(202);
    const progress = async () =>
      (await request(b.url).get(`/v1/batches/${batch.body.id}`).set(auth(TENANT_A_KEY))).body;

    // Mid-batch: one worker is SIGKILLed, another joins; (Sentinel) the master fails over.
    await until(async () => ((await progress()).completed ?? 0) > N / 10, 120_000, 200);
    w1.p.child.kill('SIGKILL');
    await w1.p.exited;
    const w3 = start('worker');
    await ready(w3);
    if (midBatch) await midBatch();

    const done = await until(
      async () => {
        const p = await progress().catch(() => undefined);
        return p?.status === 'completed' ? p : undefined;
      },
      240_000,
      500,
    );
    expect(done).toMatchObject({ total: N, completed: N });
    await until(async () => events.some((e) => e.id === held.body.id && e.status === 'completed'), 60_000, 200);

    // Stored once each, each with one result.
    const pg = new PgClient({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    await pg.connect();
    try {
      const schema = new URL(db.url).searchParams.get('schema')!;
      const { rows } = await pg.query<{ n: string; ids: string; done: string; results: string }>(
        `select count(*) n, count(distinct id) ids, count(*) filter (where status = 'completed') done,
                count(*) filter (where result is not null and completed_at is not null) results
           from ${schema}.checks where batch_id = $1`,
        [batch.body.id],
      );
      expect(rows[0]).toEqual({ n: String(N), ids: String(N), done: String(N), results: String(N) });
    } finally {
      await pg.end();
    }
  } finally {
    for (const c of clients) await c.dispose();
    await Promise.all(
      procs.map(async (p) => {
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
        await p.exited;
      }),
    );
    await db.cleanup();
  }
}

describe.skipIf(!existsSync(MAIN) && process.env.CI !== 'true')('many API and worker processes, one system', () => {
  let dns: FixtureDnsServer;
  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    dns.load('$ORIGIN test.\nheld IN MX 10 mx1.good.test.\n');
  });
  afterAll(async () => {
    await dns?.stop();
  });

  it(`standalone Redis: 2 api + 2 workers start together, ${N} checks survive a SIGKILLed worker`, async () => {
    await scenario(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', dns, N);
  }, 900_000);

  describe.skipIf(!binaries)('on a real 3-master Redis Cluster', () => {
    let cluster: Topology | undefined;
    afterEach(async () => {
      await cluster?.destroy();
    });
    it(`the same (${N_TOPOLOGY} checks)`, async () => {
      cluster = await startCluster(3);
      await scenario(cluster.url, dns, N_TOPOLOGY);
    }, 420_000);
  });

  describe.skipIf(!binaries)('on a Redis with Sentinel, the master failing over mid-batch', () => {
    let sentinel: SentinelTopology | undefined;
    afterEach(async () => {
      await sentinel?.destroy();
    });
    it(`the same, nothing lost (${N_TOPOLOGY} checks)`, async () => {
      sentinel = await startSentinel();
      const s = sentinel;
      await scenario(s.url, dns, N_TOPOLOGY, async () => {
        const { from, to } = await s.failover();
        expect(to).not.toBe(from);
      });
    }, 420_000);
  });
});
