/**
 * `npm run bench`: runs every compiled bench script (dist/bench/*.js except this one), one after
 * the other so they do not disturb each other, then writes bench/results.json and prints a table.
 *
 * Convention (bench/README.md): a bench prints one JSON object as the LAST line of its stdout, with
 * `figures` and `ratios`; a bench that prints only text is still run and its last lines are kept.
 *
 *   npm run bench                 # all
 *   npm run bench -- api memory   # only these (names without .js)
 *   BENCH_TIMEOUT_S=900           # per-bench bound (default 900 s)
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machine } from './lib/harness';

interface Outcome {
  name: string;
  ok: boolean;
  seconds: number;
  exitCode: number | null;
  result?: { figures?: Record<string, unknown>; ratios?: Record<string, unknown>; [k: string]: unknown };
  lastLines?: string[];
  error?: string;
}

const ROOT = join(__dirname, '..', '..');
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 900);

function runOne(file: string): Promise<Outcome> {
  const name = file.replace(/\.js$/, '');
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(__dirname, file)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      process.stderr.write(`  [${name}] ${d.toString().trimEnd().split('\n').join(`\n  [${name}] `)}\n`);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_S * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = Math.round((performance.now() - t0) / 100) / 10;
      const lines = out
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      let result: Outcome['result'];
      try {
        const parsed = JSON.parse(lines[lines.length - 1] ?? '') as unknown;
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) result = parsed as Outcome['result'];
      } catch {
        result = undefined;
      }
      const ok = code === 0;
      resolve({
        name,
        ok,
        seconds,
        exitCode: code,
        ...(result ? { result } : { lastLines: lines.slice(-6) }),
        ...(!ok
          ? {
              error:
                signal === 'SIGKILL'
                  ? `killed after ${TIMEOUT_S} s`
                  : err.trim().split('\n').slice(-5).join(' | ').slice(0, 600),
            }
          : {}),
      });
    });
  });
}

function table(outcomes: Outcome[]): string {
  const rows: [string, string, string][] = [];
  for (const o of outcomes) {
    const status = o.ok ? `ok ${o.seconds}s` : `FAILED ${o.seconds}s`;
    const entries: [string, string][] = [];
    for (const [k, v] of Object.entries(o.result?.ratios ?? {})) entries.push([`ratio: ${k}`, String(v)]);
    for (const [k, v] of Object.entries(o.result?.figures ?? {})) entries.push([k, String(v)]);
    if (!o.result) for (const l of o.lastLines ?? []) entries.push(['', l]);
    if (o.error) entries.push(['error', o.error]);
    if (!entries.length) entries.push(['', '(no output)']);
    entries.forEach(([k, v], i) => rows.push([i === 0 ? `${o.name} (${status})` : '', k, v]));
  }
  const w0 = Math.max(5, ...rows.map((r) => r[0].length));
  const w1 = Math.max(6, ...rows.map((r) => r[1].length));
  const line = (a: string, b: string, c: string) => `${a.padEnd(w0)} | ${b.padEnd(w1)} | ${c}`;
  return [
    line('bench', 'figure', 'value'),
    `${'-'.repeat(w0)}-+-${'-'.repeat(w1)}-+-${'-'.repeat(20)}`,
    ...rows.map((r) => line(...r)),
  ].join('\n');
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.js') && f !== 'run-all.js')
    .filter((f) => !only.length || only.includes(f.replace(/\.js$/, '')))
    .sort();
  const startedAt = new Date().toISOString();
  const outcomes: Outcome[] = [];
  for (const f of files) {
    process.stderr.write(`bench ${f} ...\n`);
    outcomes.push(await runOne(f));
  }
  const file = join(ROOT, 'bench', 'results.json');
  // A partial run (names given) updates its benches and keeps the others' last results.
  const previous =
    only.length && existsSync(file)
      ? ((JSON.parse(readFileSync(file, 'utf8')) as { benches?: Record<string, Outcome> }).benches ?? {})
      : {};
  const results = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: machine(),
    benches: { ...previous, ...Object.fromEntries(outcomes.map((o) => [o.name, { ...o, ranAt: startedAt }])) },
  };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${table(Object.values(results.benches))}\n\nwritten ${file}\n`);
  if (outcomes.some((o) => !o.ok)) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
