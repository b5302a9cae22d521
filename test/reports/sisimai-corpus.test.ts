import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBounce } from '../../src/reports/bounces/bounce.engine';
import { leaves, parseMime } from '../../src/reports/bounces/mime.parser';
import { parseCsv } from '../../src/reports/data/csv.parser';

/**
 * Acceptance test of issue 6: the Sisimai corpus (BSD-2-Clause, test/fixtures/sisimai/) with the
 * expectations go-sisimai keeps in its test tables. Per expected recipient we compare
 *   - address: present at that index, a valid mailbox, and found in the message, raw or in a
 *     decoded MIME part (base64 bodies); the expectation tables carry no address, so this is the
 *     strongest check available;
 *   - status class: first digit of the delivery status (empty for complaints and auto-replies);
 *   - hard/soft: Sisimai's hard_bounce flag.
 * The remaining mismatches, grouped by cause, and the ones we keep as Sisimai's own taxonomy
 * choices are listed in sisimai-mismatches.md next to this file (595/625 = 95.2% when last reviewed;
 * the remaining causes are grouped there).
 */
const DIR = join(__dirname, '..', 'fixtures', 'sisimai');
const rows = parseCsv(readFileSync(join(DIR, 'expected-results.csv'), 'utf8'));

interface Outcome {
  file: string;
  index: number;
  ok: boolean;
  why: string;
}

function check(): Outcome[] {
  const cache = new Map<string, { raw: string; result: ReturnType<typeof analyzeBounce> }>();
  return rows.map((row) => {
    let entry = cache.get(row.file);
    if (!entry) {
      const raw = readFileSync(join(DIR, row.file));
      const decoded = leaves(parseMime(raw))
        .map((p) => p.text)
        .join('\n');
      entry = { raw: `${raw.toString('latin1')}\n${decoded}`.toLowerCase(), result: analyzeBounce(raw) };
      cache.set(row.file, entry);
    }
    const index = Number(row.recipient_index);
    const r = entry.result.recipients[index - 1];
    const wantClass = row.delivery_status ? row.delivery_status[0] : '';
    const wantHard = row.hard_bounce === 'true' ? 'hard' : 'soft';
    if (!r)
      return {
        file: row.file,
        index,
        ok: false,
        why: `no recipient #${index} (got ${entry.result.recipients.length}, format ${entry.result.format})`,
      };
    const addressOk = /^[^@\s]+@[^@\s]+$/.test(r.address) && entry.raw.includes(r.address.toLowerCase());
    const gotClass = r.status ? r.status[0] : '';
    const problems = [
      addressOk ? '' : `address ${r.address}`,
      gotClass === wantClass ? '' : `class ${gotClass || '-'} want ${wantClass || '-'} (${r.status})`,
      r.hardSoft === wantHard ? '' : `${r.hardSoft} want ${wantHard} [${row.reason}; ${r.explanation.findingCode}]`,
    ].filter(Boolean);
    return {
      file: row.file,
      index,
      ok: problems.length === 0,
      why: `${problems.join('; ')} | ${(r.diagnosticCode ?? '').slice(0, 100)}`,
    };
  });
}

describe('Sisimai bounce corpus', () => {
  it('matches address, status class and hard/soft for at least 95.2% of recipients', () => {
    const outcomes = check();
    const ok = outcomes.filter((o) => o.ok).length;
    const share = ok / outcomes.length;
    console.log(`Sisimai corpus: ${ok}/${outcomes.length} recipients match (${(share * 100).toFixed(1)}%)`);
    if (process.env.SISIMAI_VERBOSE)
      for (const o of outcomes.filter((x) => !x.ok)) console.log(`  ${o.file}#${o.index}: ${o.why}`);
    expect(share).toBeGreaterThanOrEqual(0.952);
  });

  it('finds no bounce in the two messages that are not bounces', () => {
    for (const f of ['is-not-bounce-01.eml', 'is-not-bounce-02.eml']) {
      const result = analyzeBounce(readFileSync(join(DIR, 'maildir-not', f)));
      expect(result.recipients, f).toHaveLength(0);
      expect(result.isBounce, f).toBe(false);
    }
  });
});
