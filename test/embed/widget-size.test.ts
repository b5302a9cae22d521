import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/**
 * Size budget of /widget.js: 10 KiB gzipped (the server sends it gzip -9). The widget goes into
 * other products' pages, so every kilobyte is theirs to pay; raise the budget only on purpose.
 */
const BUDGET_GZIP_BYTES = 10 * 1024;
const source = readFileSync(join(__dirname, '../../web/widget.js'));

describe('widget.js', () => {
  it(`stays within ${BUDGET_GZIP_BYTES} bytes gzipped`, () => {
    const gz = gzipSync(source, { level: 9 }).length;
    expect(gz).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  });

  it('is one self-contained module: no imports, no framework, all text in STRINGS', () => {
    const text = source.toString('utf8');
    expect(text).not.toMatch(/^\s*import\s/m);
    expect(text).toMatch(/^export const STRINGS = \{/m);
    // Text shown to people goes through STRINGS (this.t / t.*); a literal English sentence in a
    // textContent assignment would escape translation.
    expect(text).not.toMatch(/textContent = '[A-Z]/);
  });
});
