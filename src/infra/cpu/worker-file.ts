import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';

/**
 * Where a worker thread's module is. Worker threads load plain JavaScript: in the service
 * (`node dist/src/main.js`) the worker sits next to its compiled caller. When the caller runs
 * from its TypeScript source (vitest), the build in dist/ is used instead (`npm test` builds
 * first), and a build older than any source it was compiled from (modules it requires, data files
 * next to them) is refused with a message saying so, so that a test never exercises stale engines
 * silently. Glue: no library resolves "the compiled twin of this source file".
 */
export function workerFile(callerFile: string, baseName: string): string {
  const dir = dirname(callerFile);
  if (!callerFile.endsWith('.ts')) return join(dir, `${baseName}.js`);
  const root = packageRoot(dir);
  const file = join(root, 'dist', relative(root, dir), `${baseName}.js`);
  const why = 'the analysis worker threads run the compiled engines';
  if (!existsSync(file)) throw new Error(`${relative(root, file)} is missing: run npm run build (${why}).`);
  const stale = newerSource(root, file);
  if (stale)
    throw new Error(`${relative(root, file)} is older than ${relative(root, stale)}: run npm run build (${why}).`);
  return file;
}

function packageRoot(from: string): string {
  for (let d = from; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) throw new Error(`no package.json above ${from}`);
  }
}

const mtime = (f: string): number => statSync(f).mtimeMs;

/** A source newer than its build, among the modules `entry` requires (relatively) and their data folders. */
function newerSource(root: string, entry: string): string | undefined {
  const dist = join(root, 'dist');
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const js = todo.pop()!;
    if (seen.has(js)) continue;
    seen.add(js);
    const ts = join(root, relative(dist, js)).replace(/\.js$/, '.ts');
    if (existsSync(ts) && mtime(ts) > mtime(js)) return ts;
    if (basename(dirname(ts)) === 'data') {
      for (const name of readdirSync(dirname(ts))) {
        const src = join(dirname(ts), name);
        const built = join(dirname(js), name);
        if (!name.endsWith('.ts') && existsSync(built) && mtime(src) > mtime(built)) return src;
      }
    }
    for (const m of readFileSync(js, 'utf8').matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
      const dep = resolve(dirname(js), m[1]!);
      for (const candidate of [dep, `${dep}.js`, join(dep, 'index.js')]) {
        if (candidate.endsWith('.js') && existsSync(candidate)) {
          todo.push(candidate);
          break;
        }
      }
    }
  }
  return undefined;
}
