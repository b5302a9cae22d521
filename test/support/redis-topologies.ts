import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './free-port';

const run = promisify(execFile);

/**
 * Real Redis topologies on loopback for tests and benches: a 3-master Cluster
 * (`redis-server --cluster-enabled yes` + `redis-cli --cluster create`) and a master, a replica and two
 * sentinels (`redis-sentinel`) whose failover a test can trigger. Each server has its own port and
 * folder; `destroy()` kills them all.
 */
export interface Topology {
  /** The REDIS_URL of this topology. */
  url: string;
  destroy(): Promise<void>;
}

export interface SentinelTopology extends Topology {
  masterName: string;
  sentinelPorts: number[];
  /** The port of the data node that is master now (asked from a sentinel). */
  masterPort(): Promise<number>;
  /** `SENTINEL FAILOVER`: the replica is promoted; resolves once the sentinels name the new master. */
  failover(): Promise<{ from: number; to: number }>;
}

export function haveTopologyBinaries(): boolean {
  return ['redis-server', 'redis-cli', 'redis-sentinel'].every((b) =>
    ['/usr/bin', '/usr/local/bin'].some((d) => existsSync(join(d, b))),
  );
}

async function waitPing(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    c.on('error', () => undefined);
    try {
      await c.connect();
      await c.ping();
      c.disconnect();
      return;
    } catch (e) {
      c.disconnect();
      if (Date.now() > deadline)
        throw new Error(`redis on ${port} did not answer: ${(e as Error).message}`, { cause: e });
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function startServer(args: string[], bin = 'redis-server'): ChildProcess {
  const child = spawn(bin, args, { stdio: 'ignore' });
  child.on('error', () => undefined);
  return child;
}

async function killAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  );
}

const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'];

/** Three masters, no replicas, slots split evenly by redis-cli. */
export async function startCluster(masters = 3): Promise<Topology> {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-doctor-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < masters; i++) ports.push(await freePort());
  const children = ports.map((port) =>
    startServer([
      '--port',
      String(port),
      ...common,
      '--dir',
      dir,
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      `nodes-${port}.conf`,
      '--cluster-node-timeout',
      '2000',
    ]),
  );
  try {
    await Promise.all(ports.map((p) => waitPing(p)));
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-yes']);
    // Wait until every node agrees the cluster is up.
    const deadline = Date.now() + 20_000;
    for (const p of ports) {
      for (;;) {
        const { stdout } = await run('redis-cli', ['-p', String(p), 'cluster', 'info']);
        if (/cluster_state:ok/.test(stdout)) break;
        if (Date.now() > deadline) throw new Error(`cluster node ${p} not ok: ${stdout}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (e) {
    await killAll(children);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
    async destroy() {
      await killAll(children);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A master, one replica, two sentinels (quorum 1) watching `mymaster`. */
export async function startSentinel(): Promise<SentinelTopology> {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-doctor-sentinel-'));
  const [master, replica, s1, s2] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  const masterName = 'mymaster';
  try {
    children.push(startServer(['--port', String(master), ...common, '--dir', dir]));
    children.push(
      startServer(['--port', String(replica), ...common, '--dir', dir, '--replicaof', '127.0.0.1', String(master)]),
    );
    await waitPing(master);
    await waitPing(replica);
    for (const s of [s1, s2]) {
      const conf = join(dir, `sentinel-${s}.conf`);
      writeFileSync(
        conf,
        [
          `port ${s}`,
          'bind 127.0.0.1',
          'protected-mode no',
          `dir ${dir}`,
          `sentinel monitor ${masterName} 127.0.0.1 ${master} 1`,
          `sentinel down-after-milliseconds ${masterName} 1000`,
          `sentinel failover-timeout ${masterName} 5000`,
          `sentinel parallel-syncs ${masterName} 1`,
          '',
        ].join('\n'),
      );
      children.push(startServer([conf], 'redis-sentinel'));
    }
    await waitPing(s1);
    await waitPing(s2);
    // The replica must be in sync before anyone relies on a failover.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { stdout } = await run('redis-cli', ['-p', String(replica), 'info', 'replication']);
      if (/master_link_status:up/.test(stdout)) break;
      if (Date.now() > deadline) throw new Error(`replica ${replica} never synced: ${stdout}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    await killAll(children);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const masterPort = async (): Promise<number> => {
    const { stdout } = await run('redis-cli', ['-p', String(s1), 'sentinel', 'get-master-addr-by-name', masterName]);
    return Number(stdout.trim().split('\n')[1]);
  };
  return {
    url: `redis+sentinel://127.0.0.1:${s1},127.0.0.1:${s2}/${masterName}`,
    masterName,
    sentinelPorts: [s1, s2],
    masterPort,
    async failover() {
      const from = await masterPort();
      // The replica must know the replication offset; sentinels need a moment to discover it.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const { stdout } = await run('redis-cli', ['-p', String(s1), 'sentinel', 'failover', masterName]).catch(
          (e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }),
        );
        if (/OK/.test(stdout)) break;
        if (Date.now() > deadline) throw new Error(`sentinel failover refused: ${stdout}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      for (;;) {
        const to = await masterPort();
        if (to !== from) {
          // The promoted node must accept writes (role master) before the failover counts as done.
          const { stdout } = await run('redis-cli', ['-p', String(to), 'role']);
          if (stdout.startsWith('master')) return { from, to };
        }
        if (Date.now() > deadline) throw new Error('failover did not complete');
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async destroy() {
      await killAll(children);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
