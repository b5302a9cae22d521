import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/support/redis-server';

/** Compiled layout: dist/bench/lib/harness.js -> dist/src/main.js. */
export const MAIN_JS = join(__dirname, '..', '..', 'src', 'main.js');
export const BENCH_KEY = 'bench-key-0123456789abcdef';

/**
 * The bench output convention (bench/README.md): the LAST line a bench prints on stdout is one JSON
 * object; run-all reads `figures` (measured values) and `ratios` (against the baseline measured in
 * the same run) for its table and stores the whole object in bench/results.json.
 */
export interface BenchReport {
  bench: string;
  figures: Record<string, number | string>;
  ratios: Record<string, number>;
  notes?: string;
  [extra: string]: unknown;
}

export function report(r: BenchReport): void {
  process.stdout.write(`${JSON.stringify({ ...r, machine: machine() })}\n`);
}

export function machine() {
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    loadavg1: Number(loadavg()[0]!.toFixed(2)),
    node: process.version,
  };
}

export const round = (n: number, digits = 2) => Number(n.toFixed(digits));

export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function freshPrefix(name: string): string {
  return `bench-${name}-${randomBytes(4).toString('hex')}`;
}

export interface ServiceChild {
  child: ChildProcess;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** `node dist/src/main.js` with its own env; resolves once /readyz answers 200. */
export async function spawnService(env: Record<string, string>): Promise<ServiceChild> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN_JS], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      API_KEYS: `bench:${BENCH_KEY}`,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}: ${stderr.slice(0, 500)}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (i > 600) throw new Error('service did not become ready in 60 s');
    await sleep(100);
  }
  return {
    child,
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resident set size now and its peak so far (VmHWM), in MiB, from /proc (Linux). */
export function rss(pid: number): { rssMb: number; peakMb: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
  return { rssMb: round(kb('VmRSS') / 1024, 1), peakMb: round(kb('VmHWM') / 1024, 1) };
}

export const authHeaders = { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' };

/** Run `fn` over `n` items with at most `concurrency` in flight. */
export async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}
