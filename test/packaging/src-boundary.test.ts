import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const src = join(root, 'src');

/**
 * The image builds and ships src/ alone (docker/Dockerfile copies only src), so a file under src/
 * that imports from test/ or bench/ (a test helper left in the service) breaks the image and ships
 * test code. TypeScript's own pre-processor lists each file's imports, dynamic imports included.
 */
describe('src/ imports nothing outside src/', () => {
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const relativeImports = files.flatMap((f) => {
    const file = join(src, f);
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    return importedFiles
      .filter((i) => i.fileName.startsWith('.'))
      .map((i) => ({ file: relative(root, file), target: resolve(dirname(file), i.fileName) }));
  });

  it('every relative import resolves inside src/', () => {
    // The scan itself works: the service has hundreds of relative imports.
    expect(relativeImports.length).toBeGreaterThan(200);
    const outside = relativeImports
      .filter((i) => relative(src, i.target).startsWith('..'))
      .map((i) => `${i.file} -> ${relative(root, i.target)}`);
    expect(outside).toEqual([]);
  });
});
