// Copies non-TypeScript data files (CSV, JSON, Markdown, text) that engines read at run time from
// src/**/data/ into dist/src/**/data/, since tsc copies only the JSON it imports.
'use strict';
const { cpSync, readdirSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (!statSync(p).isDirectory()) continue;
    if (name === 'data') {
      const dest = join(root, 'dist', relative(root, p));
      cpSync(p, dest, { recursive: true, filter: (src) => !src.endsWith('.ts') });
    } else walk(p);
  }
}
walk(join(root, 'src'));
