import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';

/**
 * A private PgBouncer (Debian's `pgbouncer` package) in front of the shared PostgreSQL: its own
 * port, config and auth file in a temp folder, trust auth on 127.0.0.1, never the server's own
 * configuration. Transaction pooling with a server pool smaller than the clients', so consecutive
 * transactions of one client land on different server sessions, as in production.
 *
 * ```ts
 * const pgb = await startPgBouncer({ poolSize: 3 });
 * // DATABASE_URL=`${pgb.url}?schema=...`
 * await pgb.stats();   // SHOW STATS of the `test` database (admin console)
 * await pgb.stop();
 * ```
 * PgBouncer refuses to run as root: as root it is started with `-u postgres` (it reads its
 * config first, then switches user), so it logs to stderr (kept for error messages) rather than
 * to a file in the root-owned folder.
 */
export interface PgBouncer {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/test */
  url: string;
  /** SHOW STATS / SHOW POOLS rows of the `test` database. */
  stats(): Promise<{ xacts: number; queries: number }>;
  pools(): Promise<{ sv_active: number; sv_idle: number; sv_used: number; cl_active: number; maxwait: number }>;
  log(): string;
  stop(): Promise<void>;
}

export const PGBOUNCER_BIN = '/usr/sbin/pgbouncer';

export async function startPgBouncer(opts: {
  poolSize: number;
  server?: { host: string; port: number; dbname: string };
  extra?: Record<string, string>;
}): Promise<PgBouncer> {
  const server = opts.server ?? { host: '127.0.0.1', port: 5432, dbname: 'test' };
  const dir = mkdtempSync(join(tmpdir(), 'smtp-doctor-pgbouncer-'));
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addr: '127.0.0.1',
    listen_port: String(port),
    unix_socket_dir: '',
    auth_type: 'trust',
    auth_file: join(dir, 'userlist.txt'),
    admin_users: 'postgres',
    pool_mode: 'transaction',
    default_pool_size: String(opts.poolSize),
    max_client_conn: '500',
    server_reset_query: '',
    ...opts.extra,
  };
  writeFileSync(join(dir, 'userlist.txt'), '"postgres" ""\n');
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    `[databases]\ntest = host=${server.host} port=${server.port} dbname=${server.dbname}\n\n[pgbouncer]\n` +
      Object.entries(settings)
        .map(([k, v]) => `${k} = ${v}`)
        .join('\n') +
      '\n',
  );
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn(
    PGBOUNCER_BIN,
    [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Up when it accepts TCP connections.
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited (${child.exitCode}): ${log.slice(-1000)}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`pgbouncer did not listen on ${port}: ${log.slice(-1000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const admin = async <T>(command: string): Promise<T[]> => {
    const c = new Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/pgbouncer` });
    await c.connect();
    try {
      // Without parameters node-postgres uses the simple query protocol, the only one the admin console speaks.
      return (await c.query(command)).rows as T[];
    } finally {
      await c.end();
    }
  };
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/test`,
    async stats() {
      const rows = await admin<{ database: string; total_xact_count: string; total_query_count: string }>('SHOW STATS');
      const r = rows.find((x) => x.database === 'test');
      return { xacts: Number(r?.total_xact_count ?? 0), queries: Number(r?.total_query_count ?? 0) };
    },
    async pools() {
      const rows = await admin<Record<string, string>>('SHOW POOLS');
      const r = rows.find((x) => x.database === 'test') ?? {};
      return {
        sv_active: Number(r.sv_active ?? 0),
        sv_idle: Number(r.sv_idle ?? 0),
        sv_used: Number(r.sv_used ?? 0),
        cl_active: Number(r.cl_active ?? 0),
        maxwait: Number(r.maxwait ?? 0),
      };
    },
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
