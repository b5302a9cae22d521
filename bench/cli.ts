/**
 * bench/cli: start-up of the CLI's in-process commands, as a user runs them (a new `node` process
 * each time, wall time to exit), against a bare `node -e 0` started the same way in the same run:
 *   - `smtp-doctor explain "550 5.1.1 user unknown"` (the reply knowledge base only);
 *   - `smtp-doctor mx good.test --json` (the mx kind, its engine and ports, on a loopback DNS fixture);
 *   - `smtp-doctor --help` (every kind's definition is loaded to list the commands).
 * Median of ROUNDS runs each, the commands interleaved so a busy moment hits them all alike.
 *
 *   npm run build && node dist/bench/cli.js
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startDnsServer } from '../test/support/dns-server';
import { report, round } from './lib/harness';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'smtp-doctor.js');
const ROUNDS = Number(process.env.CLI_BENCH_ROUNDS ?? 9);

function timed(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = performance.now() - t0;
      // explain exits 0; mx good.test passes (0); anything else means the command did not run.
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited ${code}: ${err.slice(0, 300)}`));
      else resolve(ms);
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function main(): Promise<void> {
  const dns = await startDnsServer({ zoneText: readFileSync(join(ROOT, 'test/fixtures/mx/mx.zone'), 'utf8') });
  const env = { ...process.env, DNS_SERVERS: dns.address, DNS_TIMEOUT_MS: '1000', LOG_LEVEL: 'silent' };
  const cases: { name: string; args: string[] }[] = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'explain', args: [BIN, 'explain', '550 5.1.1 user unknown'] },
    { name: 'mx', args: [BIN, 'mx', 'good.test', '--json'] },
    { name: '--help', args: [BIN, '--help'] },
  ];
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  try {
    for (const c of cases) await timed(c.args, env); // warm the file cache
    for (let i = 0; i < ROUNDS; i++) for (const c of cases) times.get(c.name)!.push(await timed(c.args, env));
  } finally {
    await dns.stop();
  }
  const base = median(times.get('node -e 0')!);
  const figures: Record<string, number> = {};
  const ratios: Record<string, number> = {};
  for (const c of cases) {
    const m = median(times.get(c.name)!);
    figures[`${c.name} ms`] = round(m, 1);
    if (c.name !== 'node -e 0') ratios[`${c.name} / node -e 0`] = round(m / base);
  }
  report({
    bench: 'cli',
    figures,
    ratios,
    notes: `wall time from spawn to exit, median of ${ROUNDS} runs each, interleaved`,
  });
}

void main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exit(1);
});
