import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import dockerignore from '@balena/dockerignore';
import { DockerfileParser, type Copy, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const text = readFileSync(join(root, 'docker/Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(text);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  allowScripts?: Record<string, boolean>;
};
const ignore = dockerignore({ ignorecase: false }).add(readFileSync(join(root, '.dockerignore'), 'utf8'));
/** Is a repo-relative path in the build context (not excluded by .dockerignore)? */
const inContext = (p: string) => !ignore.ignores(p);

/** Instructions grouped by build stage name. */
const stages = new Map<string, Instruction[]>();
{
  let current = '';
  for (const ins of dockerfile.getInstructions()) {
    if (ins.getKeyword() === 'FROM') {
      current = (ins as unknown as { getBuildStage(): string | null }).getBuildStage() ?? `#${stages.size}`;
      stages.set(current, []);
    }
    stages.get(current)?.push(ins);
  }
}
const stageNames = [...stages.keys()];
const finalStage = stages.get(stageNames.at(-1)!)!;
const args = (ins: Instruction) => ins.getArguments().map((a) => a.getValue());
const ofKind = (list: Instruction[], keyword: string) => list.filter((i) => i.getKeyword() === keyword);
/** COPY instructions that read the build context (no --from). */
const contextCopies = dockerfile.getCOPYs().filter((c: Copy) => !c.getFromFlag());
const contextSources = contextCopies.flatMap((c) =>
  args(c)
    .filter((a) => !a.startsWith('--'))
    .slice(0, -1),
);

describe('docker/Dockerfile: lint (dockerfile-utils, the VS Code Docker validator)', () => {
  it('has no diagnostics', () => {
    expect(
      validate(text).map(
        (d) => `${d.range.start.line + 1}: ${typeof d.message === 'string' ? d.message : d.message.value}`,
      ),
    ).toEqual([]);
  });
  it('the validator does flag a broken Dockerfile (so the check above is live)', () => {
    expect(validate('FROM node:20\nCMD node a.js\nCMD node b.js\nEXPOSE port\n').length).toBeGreaterThan(0);
  });
});

describe('docker/Dockerfile: structure (hadolint-like assertions)', () => {
  it('is multi-stage: deps -> build -> prod-deps -> runtime, on bookworm-slim Node 24 by default', () => {
    expect(stageNames).toEqual(['deps', 'build', 'prod-deps', 'runtime']);
    expect(dockerfile.getInitialARGs().map((a) => a.getArgumentsContent())).toEqual(['NODE_VERSION=24']);
    const bases = dockerfile.getFROMs().map((f) => f.getArgumentsContent());
    expect(bases).toEqual([
      'node:${NODE_VERSION}-bookworm-slim AS deps',
      'deps AS build',
      'deps AS prod-deps',
      'node:${NODE_VERSION}-bookworm-slim AS runtime',
    ]);
  });

  it('installs dependencies from the manifests alone, before any source is copied', () => {
    const deps = stages.get('deps')!;
    const copyIdx = deps.findIndex((i) => i.getKeyword() === 'COPY');
    const ciIdx = deps.findIndex((i) => i.getKeyword() === 'RUN' && /\bnpm ci\b/.test(i.getArgumentsContent() ?? ''));
    expect(args(deps[copyIdx]!)).toEqual(['package.json', 'package-lock.json', '.npmrc', './']);
    expect(ciIdx).toBeGreaterThan(copyIdx);
    const all = dockerfile.getInstructions();
    const firstSrcCopy = all.findIndex((i) => i.getKeyword() === 'COPY' && args(i).includes('src'));
    expect(all.indexOf(deps[ciIdx]!)).toBeLessThan(firstSrcCopy);
    // The build toolchain for better-sqlite3 is in the deps stage, not in the runtime.
    expect(ofKind(deps, 'RUN')[0]!.getArgumentsContent()).toMatch(/python3 make g\+\+/);
  });

  it('runs install scripts only for the packages package.json approves in allowScripts', () => {
    const approved = Object.entries(pkg.allowScripts ?? {})
      .filter(([, ok]) => ok)
      .map(([name]) => name)
      .sort();
    const run = ofKind(stages.get('deps')!, 'RUN')
      .map((r) => r.getArgumentsContent() ?? '')
      .join('\n');
    expect(run).toContain('npm ci --ignore-scripts');
    const rebuilt = /npm rebuild ([^\n&;]+)/.exec(run)?.[1]!.trim().split(/\s+/).sort();
    expect(rebuilt).toEqual(approved);
  });

  it('builds with the package build script and prunes devDependencies for the runtime', () => {
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json && node scripts/copy-assets.cjs');
    expect(ofKind(stages.get('build')!, 'RUN').map((r) => r.getArgumentsContent())).toEqual(['npm run build']);
    expect(ofKind(stages.get('prod-deps')!, 'RUN')[0]!.getArgumentsContent()).toMatch(/npm prune --omit=dev/);
    const fromOther = finalStage.filter((i) => i.getKeyword() === 'COPY' && (i as Copy).getFromFlag());
    expect(fromOther.map((c) => `${(c as Copy).getFromFlag()!.getValue()} ${args(c).at(-2)}`)).toEqual([
      'prod-deps /app/node_modules',
      'build /app/dist',
    ]);
  });

  it('runs as a non-root numeric user, with tini as PID 1, and the package start command', () => {
    const users = ofKind(finalStage, 'USER').map((u) => u.getArgumentsContent());
    expect(users).toEqual(['1000:1000']);
    expect(
      ofKind(finalStage, 'RUN')
        .map((r) => r.getArgumentsContent())
        .join('\n'),
    ).toMatch(/apt-get install -y --no-install-recommends tini/);
    expect(dockerfile.getENTRYPOINTs().map((e) => e.getArgumentsContent())).toEqual(['["/usr/bin/tini", "--"]']);
    expect(dockerfile.getCMDs().map((c) => c.getArgumentsContent())).toEqual(['["node", "dist/src/main.js"]']);
    expect(pkg.scripts.start).toBe('node dist/src/main.js');
    // USER comes after every RUN of the final stage (nothing runs as root after the switch).
    const userIdx = finalStage.findIndex((i) => i.getKeyword() === 'USER');
    expect(finalStage.slice(userIdx).filter((i) => i.getKeyword() === 'RUN')).toEqual([]);
  });

  it('has a HEALTHCHECK that uses node (no curl in slim), EXPOSEs the default PORT, defaults ROLE', () => {
    const hc = dockerfile.getHEALTHCHECKs();
    expect(hc).toHaveLength(1);
    expect(hc[0]!.getArgumentsContent()).toMatch(/CMD \["node", "\/app\/healthcheck\.cjs"\]$/);
    expect(
      finalStage.some(
        (i) => i.getKeyword() === 'COPY' && args(i).join(' ') === 'docker/healthcheck.cjs ./healthcheck.cjs',
      ),
    ).toBe(true);
    expect(ofKind(finalStage, 'EXPOSE').map((e) => e.getArgumentsContent())).toEqual(['3000']);
    const env = ofKind(finalStage, 'ENV')
      .map((e) => e.getArgumentsContent())
      .join(' ');
    for (const kv of ['NODE_ENV=production', 'ROLE=all', 'HOST=0.0.0.0', 'PORT=3000']) expect(env).toContain(kv);
    expect(text).not.toMatch(/\bcurl\b|\bwget\b/);
  });
});

describe('docker/Dockerfile: the build context has what the build needs', () => {
  it('every COPY source from the context exists and is not excluded by .dockerignore', () => {
    expect(contextSources).toEqual([
      'package.json',
      'package-lock.json',
      '.npmrc',
      'tsconfig.json',
      'tsconfig.build.json',
      'src',
      'scripts/copy-assets.cjs',
      'package.json',
      'web',
      'docker/healthcheck.cjs',
    ]);
    for (const src of contextSources) {
      expect(existsSync(join(root, src)), `${src} exists`).toBe(true);
      expect(inContext(src), `${src} is in the build context`).toBe(true);
    }
  });

  it('keeps local secrets, dependencies and outputs out of the context', () => {
    for (const p of [
      'node_modules/x/index.js',
      'dist/src/main.js',
      'data/smtp-doctor.db',
      'docker/.env',
      '.env',
      '.git/HEAD',
      'test/e2e/a.test.ts',
      'src/a/b.test.ts',
      'helm/smtp-doctor/values.yaml',
    ]) {
      expect(inContext(p), p).toBe(false);
    }
  });

  // tsc resolves the whole import graph from src/ (what `npm run build` compiles into dist/src):
  // every file in it that is not a dependency must be copied by the Dockerfile and be in the context.
  const work = mkdtempSync(join(tmpdir(), 'sd-docker-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  it('every project file that src/ compiles from is copied into the build stage', () => {
    const cfg = join(work, 'tsconfig.json');
    // typeRoots: type packages are looked up beside the tsconfig, which here is in a temp folder.
    writeFileSync(
      cfg,
      JSON.stringify({
        extends: join(root, 'tsconfig.build.json'),
        compilerOptions: { typeRoots: [join(root, 'node_modules/@types')] },
        include: [join(root, 'src')],
      }),
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const out = execFileSync(process.execPath, [tsc, '-p', cfg, '--listFilesOnly'], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    const files = out
      .split('\n')
      .filter(Boolean)
      .map((f) => relative(root, f))
      .filter((f) => !f.startsWith('node_modules/') && !f.startsWith('..'));
    expect(files.some((f) => f === 'src/main.ts')).toBe(true);
    const copied = (f: string) => contextSources.some((s) => f === s || f.startsWith(`${s}/`));
    expect(files.filter((f) => !copied(f) || !inContext(f))).toEqual([]);
  });
});
