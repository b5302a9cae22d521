import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { auth, startTestApp, TENANT_A_KEY, until } from '../support/app';
import {
  DSN,
  graphql,
  healthz,
  hostileBounce,
  hostileLog,
  hostileReply,
  largeLog,
  logBlock,
  MB,
  median,
  percentile,
  pollHealth,
  post,
  wordyLog,
  type Answer,
} from './cpu-load';

/**
 * "No request can stall the service": bounce, log and reply parsing run in the analysis pool's
 * worker threads with a time budget (src/infra/cpu/), so /healthz answers while they run, an
 * analysis over budget gets a coded error, and a flood gets a coded 503. Everything over real HTTP
 * against the real app; every threshold is a ratio to a baseline measured in the same test.
 */

const BOUNCE_Q = 'query($m: String!) { analyzeBounce(message: $m) { isBounce recipients { address } } }';
const LOGS_Q = 'query($t: String!) { analyzeLogs(text: $t) { lines } }';

/** A REST answer that is either the analysis or the coded over-budget problem, never a 500. */
function expectAnalysedOrTooExpensive(a: Answer): void {
  if (a.status === 200) return;
  expect(a.status).toBe(422);
  expect(a.type).toContain('application/problem+json');
  expect(a.json.code).toBe('ANALYSIS_TOO_EXPENSIVE');
}

function expectGraphqlAnalysedOrTooExpensive(a: Answer, field: string): void {
  expect(a.status).toBe(200);
  if (a.json.errors) expect(a.json.errors[0].extensions).toMatchObject({ code: 'ANALYSIS_TOO_EXPENSIVE', status: 422 });
  else expect(a.json.data[field]).toBeTruthy();
}

describe('analysis runs off the event loop, within a time budget', () => {
  it('keeps /healthz answering while hostile and large analyses run', { timeout: 600_000 }, async () => {
    const t = await startTestApp({ LOG_MAX_BYTES: String(64 * MB) });
    try {
      // The threads start on first use: start them, so that idle and load see the same pool.
      expect((await post(t.url, '/v1/bounces/analyze', DSN)).status).toBe(200);
      const idle = await pollHealth(t.url, { count: 100 });

      let pending = 0;
      const track = (p: Promise<Answer>) => {
        pending++;
        return p.finally(() => pending--);
      };
      // Hostile inputs (super-linear for a backtracking matcher) and a large ordinary log (linear,
      // but seconds of parsing), all at once.
      const big = largeLog(10 * MB);
      const load = Promise.all([
        track(post(t.url, '/v1/bounces/analyze', hostileBounce())),
        track(graphql(t.url, BOUNCE_Q, { m: hostileBounce() })),
        track(post(t.url, '/v1/logs/analyze', hostileLog())),
        track(graphql(t.url, LOGS_Q, { t: hostileLog() })),
        track(post(t.url, '/v1/explain', { reply: hostileReply })),
        track(post(t.url, '/v1/logs/analyze', big.body)),
      ]);
      const loaded = await pollHealth(t.url, { done: () => pending === 0 });
      const [bounceRest, bounceGql, logRest, logGql, explain, bigLog] = await load;

      const idleP95 = percentile(idle, 95);
      const loadP95 = percentile(loaded, 95);
      const f = (x: number) => x.toFixed(1);
      console.log(
        `/healthz idle: median ${f(median(idle))} ms, p95 ${f(idleP95)} ms (${idle.length} requests); ` +
          `under load: median ${f(median(loaded))} ms, p95 ${f(loadP95)} ms, max ${f(Math.max(...loaded))} ms (${loaded.length} requests, ${f(loaded.reduce((a, b) => a + b, 0))} ms in all); ` +
          `analyses: ${[bounceRest, bounceGql, logRest, logGql, explain, bigLog].map((a) => `${a.status}/${f(a.ms)} ms`).join(', ')}`,
      );

      expectAnalysedOrTooExpensive(bounceRest);
      expectGraphqlAnalysedOrTooExpensive(bounceGql, 'analyzeBounce');
      expectAnalysedOrTooExpensive(logRest);
      expectGraphqlAnalysedOrTooExpensive(logGql, 'analyzeLogs');
      expectAnalysedOrTooExpensive(explain);
      expect(bigLog.status).toBe(200);
      expect(bigLog.json.lines).toBe(big.blocks() * 4);
      // The event loop stayed free: /healthz under load within 10x its idle p95, plus twice the
      // idle median as slack (generous for a shared 2-core machine; blocking the loop costs
      // seconds, i.e. hundreds or thousands of times idle).
      const slow = 10 * idleP95 + 2 * median(idle);
      expect(loadP95).toBeLessThan(slow);
      // Seen over time rather than per request (a stalled loop answers few requests, each slowly):
      // less than half of the polling time went to answers slower than that (a blocked loop: 90%+).
      const total = loaded.reduce((a, b) => a + b, 0);
      const stalled = loaded.filter((x) => x >= slow).reduce((a, b) => a + b, 0);
      expect(stalled / total).toBeLessThan(0.5);
      // And the load lasted: the measurement covers seconds of analysis, not a few requests.
      expect(loaded.length).toBeGreaterThanOrEqual(idle.length / 2);
    } finally {
      await t.close();
    }
  });

  it(
    'stops an analysis over its budget with a coded error; the service answers and the pool recovers',
    { timeout: 300_000 },
    async () => {
      // An ordinary 2 MB text bounce and a log of just under 1 MiB (one batch) take far longer to
      // parse than a normal bounce or a few log lines; the budget is set between the two, as
      // measured here: a third of the heavy time, so the heavy inputs overrun it 3x and the normal
      // ones, which a loaded machine slows most (the analysis threads run at a lower priority), have
      // the rest of the gap (over 3x; 7-9x in the three CI runs seen, where the geometric mean left 4-5x and
      // a normal log overran a 15 ms budget three times in a row at CI's load).
      const heavyBounce = DSN.replace(
        '--B--',
        `--B\r\nContent-Type: text/plain\r\n\r\n${'An ordinary line of the returned message, nothing hostile in it.\r\n'.repeat((2 * MB) / 66)}--B--`,
      );
      const heavyLogText = wordyLog(0.95 * MB);
      const smallLog = logBlock(1);
      const cal = await startTestApp({ ANALYSIS_THREADS: '1', ANALYSIS_TIMEOUT_MS: '600000' });
      let normalMs: number;
      let heavyMs: number;
      try {
        expect((await post(cal.url, '/v1/bounces/analyze', DSN)).status).toBe(200);
        const normal: number[] = [];
        for (let i = 0; i < 5; i++) {
          const b = await post(cal.url, '/v1/bounces/analyze', DSN);
          const l = await post(cal.url, '/v1/logs/analyze', smallLog);
          expect([b.status, l.status]).toEqual([200, 200]);
          normal.push(b.ms, l.ms);
        }
        // The fastest of ten: load on a shared machine only adds to it, and a normal job's own time
        // in the worker is a small part of it (the rest is HTTP).
        normalMs = Math.min(...normal);
        const hb = await post(cal.url, '/v1/bounces/analyze', { message: heavyBounce });
        const hl = await post(cal.url, '/v1/logs/analyze', { text: heavyLogText });
        expect([hb.status, hl.status]).toEqual([200, 200]);
        heavyMs = Math.min(hb.ms, hl.ms);
      } finally {
        await cal.close();
      }
      // The inputs really are heavy next to normal ones, so a budget fits between them with a
      // margin of at least 3x on each side.
      expect(heavyMs).toBeGreaterThan(10 * normalMs);
      const budget = Math.round(heavyMs / 3);
      console.log(
        `budget test: normal ${normalMs.toFixed(1)} ms, heavy ${heavyMs.toFixed(1)} ms, ANALYSIS_TIMEOUT_MS=${budget}`,
      );

      const t = await startTestApp({
        ANALYSIS_THREADS: '1',
        ANALYSIS_TIMEOUT_MS: String(budget),
        LOG_MAX_BYTES: String(64 * MB),
      });
      try {
        const rest = await post(t.url, '/v1/bounces/analyze', heavyBounce);
        expect(rest.status).toBe(422);
        expect(rest.type).toContain('application/problem+json');
        expect(rest.json).toMatchObject({ code: 'ANALYSIS_TOO_EXPENSIVE', status: 422 });
        expect(rest.json.detail).toContain('ANALYSIS_TIMEOUT_MS');
        await healthz(t.url);
        // The aborted thread was replaced: a normal analysis succeeds. The budget here is calibrated
        // to a few tens of ms of wall-clock time, which a burst of load on the machine can still
        // take from a normal run: allow up to ten tries, a quarter second apart (a pool that did
        // not recover fails all ten).
        const recovered = async <T>(run: () => Promise<T>, overBudget: (r: T) => boolean): Promise<T> => {
          let r = await run();
          for (let i = 0; i < 9 && overBudget(r); i++) {
            await new Promise((res) => setTimeout(res, 250));
            r = await run();
          }
          return r;
        };
        const ok = await recovered(
          () => post(t.url, '/v1/bounces/analyze', DSN),
          (r) => r.status === 422,
        );
        expect(ok.status).toBe(200);
        expect(ok.json.recipients[0].address).toBe('gone@example.net');

        const gql = await graphql(t.url, BOUNCE_Q, { m: heavyBounce });
        expect(gql.json.data).toBeNull();
        expect(gql.json.errors[0].extensions).toMatchObject({ code: 'ANALYSIS_TOO_EXPENSIVE', status: 422 });
        const gqlOk = await recovered(
          () => graphql(t.url, BOUNCE_Q, { m: DSN }),
          (r) => r.json.errors?.[0]?.extensions?.code === 'ANALYSIS_TOO_EXPENSIVE',
        );
        expect(gqlOk.json.errors?.[0]).toBeUndefined();
        expect(gqlOk.json.data.analyzeBounce.isBounce).toBe(true);

        // A streamed log: one batch over budget stops it, while the client is still sending.
        const wordy = wordyLog(4 * MB);
        const chunks = Array.from({ length: Math.ceil(wordy.length / 65536) }, (_, i) =>
          wordy.slice(i * 65536, (i + 1) * 65536),
        );
        const log = await post(t.url, '/v1/logs/analyze', Readable.from(chunks));
        expect(log.status).toBe(422);
        expect(log.json.code).toBe('ANALYSIS_TOO_EXPENSIVE');
        await healthz(t.url);
        const logOk = await recovered(
          () => post(t.url, '/v1/logs/analyze', smallLog),
          (r) => r.status === 422,
        );
        expect(logOk.status).toBe(200);
        expect(logOk.json.lines).toBe(4);
        const explained = await post(t.url, '/v1/explain', {
          reply: '550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown',
        });
        expect(explained.status).toBe(200);
        expect(explained.json.findingCode).toBe('SMTP_RECIPIENT_UNKNOWN');
      } finally {
        await t.close();
      }
    },
  );

  it(
    'refuses analyses beyond the queue bound with 503 ANALYSIS_BUSY, then serves them again',
    { timeout: 120_000 },
    async () => {
      const t = await startTestApp({ ANALYSIS_THREADS: '1', ANALYSIS_MAX_QUEUE: '1' });
      try {
        // A log upload that stays open holds the only thread.
        const held = new PassThrough();
        held.write(logBlock(1));
        const holder = post(t.url, '/v1/logs/analyze', held);
        const reply = { reply: '550 5.1.1 <gone@example.net>: User unknown' };
        // Until the holder runs, explanations pass; then one may wait, and the next is refused.
        const fired: Promise<Answer>[] = [];
        const refused = await until(
          async () => {
            const a = post(t.url, '/v1/explain', reply);
            fired.push(a);
            const settled = await Promise.race([
              a,
              (async () => {
                for (let i = 0; i < 20; i++) await healthz(t.url);
                return undefined;
              })(),
            ]);
            return settled?.status === 503 ? settled : undefined;
          },
          60_000,
          0,
        );
        expect(refused.type).toContain('application/problem+json');
        expect(refused.json).toMatchObject({ code: 'ANALYSIS_BUSY', status: 503 });
        const raw = await fetch(`${t.url}/v1/explain`, {
          method: 'POST',
          headers: { ...auth(TENANT_A_KEY), 'Content-Type': 'application/json' },
          body: JSON.stringify(reply),
        });
        expect(raw.status).toBe(503);
        expect(raw.headers.get('retry-after')).toBe('1');
        const gql = await graphql(t.url, 'query($r: String!) { explainReply(reply: $r) { category } }', {
          r: reply.reply,
        });
        expect(gql.json.errors[0].extensions).toMatchObject({ code: 'ANALYSIS_BUSY', status: 503, retryAfter: 1 });
        await healthz(t.url);

        held.end(logBlock(2));
        const done = await holder;
        expect(done.status).toBe(200);
        expect(done.json.lines).toBe(8);
        // The one that waited was served; the others were refused, none failed otherwise.
        const answers = await Promise.all(fired);
        for (const a of answers) expect([200, 503]).toContain(a.status);
        expect(answers.filter((a) => a.status === 503).length).toBeGreaterThanOrEqual(1);
        expect((await post(t.url, '/v1/explain', reply)).status).toBe(200);
      } finally {
        await t.close();
      }
    },
  );

  it('a bad ANALYSIS_* value stops the server at boot with exit 78, naming it', { timeout: 120_000 }, async () => {
    const main = join(__dirname, '..', '..', 'dist', 'src', 'main.js');
    const env = { ...process.env, ANALYSIS_THREADS: '0', ANALYSIS_TIMEOUT_MS: 'soon', ANALYSIS_MAX_QUEUE: '-1' };
    // A server that starts anyway is stopped after a minute (and the test fails on its exit code).
    const err = (await promisify(execFile)('node', [main], { env, timeout: 60_000 }).catch((e: unknown) => e)) as {
      code: number;
      stderr: string;
    };
    expect(err.code).toBe(78);
    expect(err.stderr).toContain('ANALYSIS_THREADS: "0"');
    expect(err.stderr).toContain('ANALYSIS_TIMEOUT_MS: "soon"');
    expect(err.stderr).toContain('ANALYSIS_MAX_QUEUE: "-1"');
  });
});
