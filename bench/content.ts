/**
 * bench/content: messages per second of our content engine on the SpamAssassin corpus plus the
 * content fixtures, and, where spamd runs (SPAMD_URL, or a local `spamd` binary started here on
 * its own port), the agreement of our spam/ham verdicts with spamd's and our speed as a ratio to
 * spamd's on the same messages (sequential, one message at a time for both).
 *
 *   npm run build && node dist/bench/content.js [--rounds N]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONTENT_SETTINGS } from '../src/content-spam-check/content.config';
import { analyzeContent } from '../src/content-spam-check/content.engine';
import { spamdAvailable, startSpamd, type SpamdHandle } from '../test/support/spamd-process';
import { parseSpamdUrl, SpamdClient } from '../src/infra/spam/spamd.client';

/** Run from the repository root (as npm scripts do). */
const ROOT = process.cwd();

function corpus(): { name: string; raw: Buffer }[] {
  const out: { name: string; raw: Buffer }[] = [];
  for (const sub of ['spamassassin/spam', 'spamassassin/ham', 'content']) {
    const dir = join(ROOT, 'test', 'fixtures', sub);
    for (const f of readdirSync(dir)
      .filter((n) => n.endsWith('.eml'))
      .sort())
      out.push({ name: `${sub}/${f}`, raw: readFileSync(join(dir, f)) });
  }
  return out;
}

export async function benchContent(rounds = 5): Promise<void> {
  const msgs = corpus().filter((m) => m.raw.length <= DEFAULT_CONTENT_SETTINGS.maxBytes);
  const ours: boolean[] = [];
  // Warm-up round (JIT, module loading), not timed.
  for (const m of msgs) ours.push((await analyzeContent(m.raw, { settings: DEFAULT_CONTENT_SETTINGS })).result.isSpam);
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++)
    for (const m of msgs) await analyzeContent(m.raw, { settings: DEFAULT_CONTENT_SETTINGS });
  const oursMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const oursRate = (rounds * msgs.length) / (oursMs / 1000);
  console.log(
    `content engine (no DNS): ${msgs.length} messages x ${rounds} rounds in ${oursMs.toFixed(0)} ms = ${oursRate.toFixed(1)} messages/s`,
  );

  let handle: SpamdHandle | undefined;
  let url = process.env.SPAMD_URL;
  if (!url && spamdAvailable()) {
    handle = await startSpamd();
    url = handle.url;
    console.log(`started a local spamd in ${handle.startupMs} ms`);
  }
  if (!url) {
    console.log('spamd: not available (set SPAMD_URL or install spamassassin); no agreement/ratio figures');
    return;
  }
  try {
    const client = new SpamdClient(parseSpamdUrl(url), { timeoutMs: 60_000 });
    const theirs: (boolean | undefined)[] = [];
    for (const m of msgs) theirs.push((await client.check(m.raw, {})).isSpam); // warm-up + verdicts
    const spamdRounds = Math.max(1, Math.min(rounds, 2));
    const t1 = process.hrtime.bigint();
    for (let r = 0; r < spamdRounds; r++) for (const m of msgs) await client.check(m.raw, {});
    const spamdMs = Number(process.hrtime.bigint() - t1) / 1e6;
    const spamdRate = (spamdRounds * msgs.length) / (spamdMs / 1000);
    const judged = theirs.map((t, i) => [t, ours[i]] as const).filter(([t]) => t !== undefined);
    const agree = judged.filter(([t, o]) => t === o).length;
    const m = { both: 0, onlyUs: 0, onlySpamd: 0, neither: 0 };
    for (const [t, o] of judged) {
      if (t && o) m.both++;
      else if (o) m.onlyUs++;
      else if (t) m.onlySpamd++;
      else m.neither++;
    }
    console.log(`spamd: ${spamdRate.toFixed(1)} messages/s (${spamdRounds} rounds, no network tests, no Bayes)`);
    console.log(
      `agreement with spamd: ${agree}/${judged.length} = ${((agree / judged.length) * 100).toFixed(1)}% (both spam ${m.both}, only us ${m.onlyUs}, only spamd ${m.onlySpamd}, both ham ${m.neither})`,
    );
    console.log(`speed ratio ours/spamd: ${(oursRate / spamdRate).toFixed(1)}x`);
  } finally {
    await handle?.stop();
  }
}

if (require.main === module) {
  const i = process.argv.indexOf('--rounds');
  benchContent(i > 0 ? Number(process.argv[i + 1]) : 5).catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
