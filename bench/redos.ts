/**
 * bench/redos: the three hostile inputs of the "No request can stall the service" issue, each
 * timed against plain text of the same size on the same engine (the ratio is what travels; the
 * original code took 7.8 s, 12.9 s and 0.24-0.54 s on them):
 *   - a bounce of 2,500 newlines (POST /v1/bounces/analyze, text/plain);
 *   - one Sendmail line "ruleset=check_rcpt, " + "relay=[" x 2,285 (16 KB; POST /v1/logs/analyze);
 *   - 20,000 spaces (POST /v1/explain).
 *
 *   npm run build && node dist/bench/redos.js
 */
import { performance } from 'node:perf_hooks';
import { analyzeBounce } from '../src/reports/bounces/bounce.engine';
import { explainReply } from '../src/reports/explain/explain.engine';
import { analyzeLog } from '../src/reports/logs/log.engine';
import { report, round } from './lib/harness';

/** Minimum per-call time over repeated calls (the least disturbed by a shared machine). */
async function ms(run: () => unknown, rounds = 20): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await run();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const words = (n: number): string =>
  'the quick brown fox jumps over a lazy dog, and the server said: mail flows on. '
    .repeat(Math.ceil(n / 80))
    .slice(0, n);

async function main(): Promise<void> {
  const sendmail = 'Jan  1 00:00:00 mx sendmail[123]: x01AbCdEf012345: ruleset=check_rcpt, ';
  const cases = [
    { name: 'bounce, 2,500 newlines', hostile: '\n'.repeat(2500), run: (s: string) => analyzeBounce(s) },
    {
      name: 'log, 16 KB relay=[ line',
      hostile: sendmail + 'relay=['.repeat(2285),
      plainOf: (n: number) => sendmail + words(n - sendmail.length),
      run: (s: string) => analyzeLog([s]),
    },
    { name: 'explain, 20,000 spaces', hostile: ' '.repeat(20_000), run: (s: string) => explainReply(s) },
  ];
  const figures: Record<string, number> = {};
  const ratios: Record<string, number> = {};
  for (const c of cases) {
    const plain = c.plainOf ? c.plainOf(c.hostile.length) : words(c.hostile.length);
    await c.run(plain); // warm up
    const h = await ms(() => c.run(c.hostile));
    const p = await ms(() => c.run(plain));
    figures[`${c.name} ms`] = round(h, 3);
    figures[`${c.name}, plain text ms`] = round(p, 3);
    ratios[`${c.name} / plain`] = round(h / p);
  }
  report({
    bench: 'redos',
    figures,
    ratios,
    notes: 'hostile input vs plain text of the same size, minimum of 20 calls each',
  });
}

void main();
