/**
 * `npm run bench`: runs every compiled bench script (dist/bench/*.js except this one), one after
 * the other so they do not disturb each other, then writes bench/results.json and prints a table.
 *
 * Convention (bench/README.md): a bench prints one JSON object as the LAST line of its stdout, with
 * `figures` and `ratios`; a bench that prints only text is still run and its last lines are kept.
 *
 *   npm run bench                 # all
 *   npm run bench -- api memory   # only these (names without .js)
 *   npm run bench -- --runs 3     # three rounds, interleaved (a, b, c, a, b, c, ...); the table and
 *                                 # results.json give each numeric figure's median and range
 *   BENCH_TIMEOUT_S=900           # per-bench bound (default 900 s)
 *
 * Rounds are interleaved rather than repeated back to back so a slow minute of a shared machine
 * touches every bench once instead of all runs of one bench.
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
  /** With --runs N: every run's own outcome, in order, and the median of each numeric figure. */
  runs?: Outcome[];
  median?: { figures: Record<string, number>; ratios: Record<string, number> };
  range?: { figures: Record<string, [number, number]>; ratios: Record<string, [number, number]> };
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : Number(((s[m - 1]! + s[m]!) / 2).toPrecision(6));
}

/** Several runs of one bench -> one outcome whose figures and ratios are the medians (ranges kept). */
function combine(runs: Outcome[]): Outcome {
  const last = runs[runs.length - 1]!;
  if (runs.length === 1) return last;
  const med = { figures: {} as Record<string, number>, ratios: {} as Record<string, number> };
  const range = { figures: {} as Record<string, [number, number]>, ratios: {} as Record<string, [number, number]> };
  for (const part of ['figures', 'ratios'] as const) {
    const keys = new Set(runs.flatMap((r) => Object.keys(r.result?.[part] ?? {})));
    for (const k of keys) {
      const xs = runs.map((r) => r.result?.[part]?.[k]).filter((v): v is number => typeof v === 'number');
      if (!xs.length) continue;
      med[part][k] = median(xs);
      range[part][k] = [Math.min(...xs), Math.max(...xs)];
    }
  }
  const ok = runs.every((r) => r.ok);
  return {
    name: last.name,
    ok,
    seconds: Math.round(runs.reduce((a, r) => a + r.seconds, 0) * 10) / 10,
    exitCode: ok ? 0 : (runs.find((r) => !r.ok)?.exitCode ?? null),
    result: { ...last.result, figures: med.figures, ratios: med.ratios },
    median: med,
    range,
    runs,
    ...(ok ? {} : { error: runs.find((r) => !r.ok)?.error }),
  };
}

function table(outcomes: Outcome[]): string {
  const rows: [string, string, string][] = [];
  for (const o of outcomes) {
    const status = o.ok ? `ok ${o.seconds}s` : `FAILED ${o.seconds}s`;
    const entries: [string, string][] = [];
    const shown = (part: 'figures' | 'ratios', k: string, v: unknown) => {
      const r = o.range?.[part][k];
      return r && r[0] !== r[1] ? `${String(v)} (${r[0]}-${r[1]}, median of ${o.runs?.length})` : String(v);
    };
    for (const [k, v] of Object.entries(o.result?.ratios ?? {})) entries.push([`ratio: ${k}`, shown('ratios', k, v)]);
    for (const [k, v] of Object.entries(o.result?.figures ?? {})) entries.push([k, shown('figures', k, v)]);
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
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const rounds = runsAt >= 0 ? Number(args[runsAt + 1]) : 1;
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--runs takes a whole number >= 1');
  const only = args.filter((_, i) => runsAt < 0 || (i !== runsAt && i !== runsAt + 1));
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.js') && f !== 'run-all.js')
    .filter((f) => !only.length || only.includes(f.replace(/\.js$/, '')))
    .sort();
  const startedAt = new Date().toISOString();
  const perBench = new Map<string, Outcome[]>(files.map((f) => [f, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const f of files) {
      process.stderr.write(`bench ${f}${rounds > 1 ? ` (run ${round} of ${rounds})` : ''} ...\n`);
      perBench.get(f)!.push(await runOne(f));
    }
  }
  const outcomes = files.map((f) => combine(perBench.get(f)!));
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
