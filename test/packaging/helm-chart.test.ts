import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import {
  blockProblems,
  definedNames,
  hasPath,
  includedNames,
  loadYaml,
  skeletonObjects,
  valuesPaths,
  type K8sObject,
} from './chart-source';

const root = resolve(__dirname, '../..');
const chart = join(root, 'helm/smtp-doctor');
const read = (p: string) => readFileSync(join(chart, p), 'utf8');
const values = loadYaml<Record<string, any>>(read('values.yaml'));
const schema = JSON.parse(read('values.schema.json')) as Record<string, unknown>;
const templateFiles = readdirSync(join(chart, 'templates'), { recursive: true, encoding: 'utf8' }).filter(
  (f) => f.endsWith('.yaml') || f.endsWith('.tpl') || f.endsWith('.txt'),
);
const manifests = templateFiles.filter((f) => f.endsWith('.yaml'));
const helpers = read('templates/_helpers.tpl');

/** Deep merge as Helm merges -f/--set over values.yaml (maps merge, everything else replaces). */
function merge(base: any, over: any): any {
  if (over === null || typeof over !== 'object' || Array.isArray(over)) return over;
  const out: Record<string, unknown> = { ...(base ?? {}) };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base?.[k], v);
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile(schema);
const errorsOf = (v: unknown) =>
  validate(v) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

function objectsOf(file: string): K8sObject[] {
  return skeletonObjects(read(join('templates', file)));
}
function only(file: string, kind: string): K8sObject {
  const found = objectsOf(file).filter((o) => o.kind === kind);
  expect(found, `${file} holds one ${kind}`).toHaveLength(1);
  return found[0]!;
}

describe('Chart.yaml', () => {
  it('is a v2 application chart whose appVersion is the package version', () => {
    const meta = loadYaml<Record<string, string>>(read('Chart.yaml'));
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(meta).toMatchObject({ apiVersion: 'v2', name: 'smtp-doctor', type: 'application' });
    expect(meta.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(meta.appVersion).toBe(pkg.version);
  });
});

describe('values.schema.json (ajv, draft-07 as Helm reads it)', () => {
  it('accepts the default values.yaml', () => {
    expect(errorsOf(values)).toEqual([]);
  });

  it.each(readdirSync(join(chart, 'ci')))('accepts values.yaml merged with ci/%s', (file) => {
    expect(errorsOf(merge(values, loadYaml(read(join('ci', file)))))).toEqual([]);
  });

  it.each([
    ['a misspelt top-level key', { ingres: { enabled: true } }, 'must NOT have additional properties'],
    ['a SQLite database URL', { database: { url: 'sqlite:./data/x.db' } }, '/database/url must match pattern'],
    ['a short secret key', { secrets: { secretKey: 'abc123' } }, '/secrets/secretKey must match pattern'],
    [
      'an admin token under 32 characters',
      { secrets: { adminToken: 'admin-token-0123456789' } },
      '/secrets/adminToken must match pattern',
    ],
    [
      'an unknown log level',
      { config: { LOG_LEVEL: 'verbose' } },
      '/config/LOG_LEVEL must be equal to one of the allowed values',
    ],
    ['a chart-owned variable in config', { config: { REDIS_URL: 'redis://x:6379' } }, '/config must NOT be valid'],
    [
      'the alert relay URL (it holds a password) in config',
      { config: { ALERT_SMTP_URL: 'smtp://u:p@relay:587' } },
      '/config must NOT be valid',
    ],
    [
      'a relay URL that is not smtp(s)',
      { secrets: { alertSmtpUrl: 'http://relay' } },
      '/secrets/alertSmtpUrl must match pattern',
    ],
    [
      'a non-numeric monitor interval',
      { config: { MONITOR_MIN_INTERVAL_S: '5m' } },
      '/config/MONITOR_MIN_INTERVAL_S must match pattern',
    ],
    [
      'an alert sender that is not an address',
      { config: { ALERT_FROM: 'alerts' } },
      '/config/ALERT_FROM must match pattern',
    ],
    [
      'an unknown DMARC org-domain mode',
      { config: { DNS_DMARC_ORG_DOMAIN: 'public-suffix' } },
      '/config/DNS_DMARC_ORG_DOMAIN must be equal to one of the allowed values',
    ],
    ['a string replica count', { api: { replicaCount: 'two' } }, '/api/replicaCount must be integer'],
    [
      'an empty KEDA queue list',
      { worker: { keda: { queues: [] } } },
      '/worker/keda/queues must NOT have fewer than 1 items',
    ],
    [
      'KEDA with an existingSecret and no Redis address',
      { secrets: { existingSecret: 'creds' }, worker: { keda: { enabled: true } } },
      '/worker/keda/redis/address must NOT have fewer than 1 characters',
    ],
  ])('rejects %s', (_name, override, message) => {
    expect(errorsOf(merge(values, override)).join('\n')).toContain(message);
  });

  it('types every setting the application reads, and reserves the ones the chart sets itself', () => {
    // Variable names read by src/config/config.schema.ts (loadConfig, the single place the app
    // parses env) and by the settings slices it calls for the failed-auth throttle, the
    // analysis pool, the dns audit and monitors.
    const source = [
      'src/config/config.schema.ts',
      'src/auth/auth.settings.ts',
      'src/infra/cpu/analysis.settings.ts',
      // Slices typed since issue 15: the dns audit (DNSSEC_EXPIRY_WARN_DAYS) and monitors.
      'src/dns/dns.settings.ts',
      'src/monitors/monitors.settings.ts',
    ]
      .map((f) => readFileSync(join(root, f), 'utf8'))
      .join('\n');
    const appVars = new Set([
      ...[...source.matchAll(/env\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!),
      ...[...source.matchAll(/\(env, '([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]!),
      ...[...source.matchAll(/\bint\('([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]!),
    ]);
    const configSchema = (schema.properties as any).config;
    const typed = new Set(Object.keys(configSchema.properties));
    const reserved = new Set<string>(configSchema.propertyNames.not.enum);
    const uncovered = [...appVars].filter((v) => !typed.has(v) && !reserved.has(v) && v !== 'NODE_ENV');
    expect(uncovered).toEqual([]);
    expect([...typed].filter((v) => !appVars.has(v))).toEqual([]);
  });
});

describe('templates (static checks; see chart-source.ts)', () => {
  it.each(templateFiles)('%s has balanced blocks and known includes', (file) => {
    const src = read(join('templates', file));
    expect(blockProblems(src)).toEqual([]);
    const defined = new Set(definedNames(helpers));
    expect(includedNames(src).filter((n) => !defined.has(n))).toEqual([]);
  });

  it.each(templateFiles)('%s reads only .Values paths that values.yaml declares', (file) => {
    const missing = valuesPaths(read(join('templates', file))).filter((p) => !hasPath(values, p));
    expect(missing).toEqual([]);
  });

  it.each(manifests)('%s parses as Kubernetes YAML once template actions are stripped', (file) => {
    const objects = objectsOf(file);
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) {
      expect(o.apiVersion, file).toMatch(/^[a-z0-9.]*\/?v\d/);
      expect(o.kind, file).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(o.metadata?.name, file).toContain('TPL');
    }
  });

  it('has every object the chart promises', () => {
    const kinds = manifests.flatMap((f) => objectsOf(f).map((o) => `${o.apiVersion} ${o.kind}`)).sort();
    expect(kinds).toEqual(
      [
        'apps/v1 Deployment',
        'apps/v1 Deployment',
        'autoscaling/v2 HorizontalPodAutoscaler',
        'keda.sh/v1alpha1 ScaledObject',
        'keda.sh/v1alpha1 TriggerAuthentication',
        'monitoring.coreos.com/v1 ServiceMonitor',
        'networking.k8s.io/v1 Ingress',
        'policy/v1 PodDisruptionBudget',
        'v1 ConfigMap',
        'v1 Pod',
        'v1 Secret',
        'v1 Service',
        'v1 Service',
        'v1 ServiceAccount',
      ].sort(),
    );
  });

  it.each([
    ['deployment-api.yaml', 'api'],
    ['deployment-worker.yaml', 'worker'],
  ])('%s runs the one image as ROLE=%s, hardened', (file, role) => {
    const d = only(file, 'Deployment');
    const src = read(join('templates', file));
    const pod = d.spec!.template.spec;
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0];
    expect(c.name).toBe(role);
    expect(src).toContain(`image: {{ include "smtp-doctor.image" . | quote }}`);
    expect(src).toContain(`(dict "ctx" . "role" "${role}"`);
    expect(src).toContain(`(dict "ctx" . "component" "${role}")`);
    expect(c).toHaveProperty('envFrom');
    for (const key of ['securityContext', 'resources', 'livenessProbe', 'readinessProbe', 'startupProbe'])
      expect(c).toHaveProperty(key);
    expect(c.volumeMounts.map((m: { mountPath: string }) => m.mountPath).sort()).toEqual(['/app/data', '/tmp']);
    expect(pod).toHaveProperty('terminationGracePeriodSeconds');
    expect(d.spec!.template.metadata.annotations).toBeNull(); // filled by the checksum include
    expect(src).toContain('include "smtp-doctor.configChecksums"');
  });

  it('probes /healthz for liveness and startup, /readyz for readiness, on the named http port', () => {
    for (const role of ['api', 'worker']) {
      expect(values[role].livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(values[role].startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(values[role].readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    }
    const api = only('deployment-api.yaml', 'Deployment').spec!.template.spec.containers[0];
    expect(api.ports).toEqual([{ name: 'http', containerPort: 'TPL', protocol: 'TCP' }]);
    // The worker gets its port and probes only when it serves HTTP (worker.httpEndpoints).
    const worker = read('templates/deployment-worker.yaml');
    expect(worker).toMatch(/if \.Values\.worker\.httpEndpoints \}\}\n\s+ports:/);
    expect(worker).toMatch(/if \.Values\.worker\.httpEndpoints \}\}\n\s+livenessProbe:/);
  });

  it('hardens pods by default: non-root uid 1000 (the image USER), read-only root, no capabilities', () => {
    expect(values.podSecurityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 });
    expect(values.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(values.serviceAccount.automountServiceAccountToken).toBe(false);
  });

  it('lets the HPA and KEDA own the replica counts when they are on', () => {
    expect(read('templates/deployment-api.yaml')).toMatch(
      /if not \.Values\.api\.autoscaling\.enabled \}\}\n\s+replicas:/,
    );
    expect(read('templates/deployment-worker.yaml')).toMatch(
      /if not \.Values\.worker\.keda\.enabled \}\}\n\s+replicas:/,
    );
    const hpa = only('hpa-api.yaml', 'HorizontalPodAutoscaler');
    expect(hpa.spec!.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'TPL-api' });
    expect(hpa.spec!.metrics[0]).toEqual({
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 'TPL' } },
    });
  });

  it('scales workers with one KEDA redis list trigger per BullMQ wait list', () => {
    const so = only('keda-scaledobject.yaml', 'ScaledObject');
    expect(so.spec!.scaleTargetRef).toEqual({ name: 'TPL-worker' });
    expect(so.spec!.triggers).toHaveLength(1); // inside {{ range $queue := $keda.queues }}
    expect(so.spec!.triggers[0].type).toBe('TPL'); // redis, redis-sentinel or redis-cluster
    // Every branch's keys (standalone: address, databaseIndex; Sentinel: addresses, sentinelMaster,
    // databaseIndex; Cluster: addresses).
    expect(Object.keys(so.spec!.triggers[0].metadata).sort()).toEqual([
      'address',
      'addresses',
      'databaseIndex',
      'enableTLS',
      'listLength',
      'listName',
      'sentinelMaster',
    ]);
    const tpl = read('templates/keda-scaledobject.yaml');
    // BullMQ keeps waiting jobs in the LIST "<prefix>:<queue>:wait"; on a Cluster the prefix is {queuePrefix}.
    expect(tpl).toContain('listName: {{ printf "%s:%s:wait" $prefix $queue | quote }}');
    expect(tpl).toContain('{{- if eq $topology "cluster" }}{{ $prefix = printf "{%s}" .Values.queuePrefix }}{{ end }}');
    expect(tpl).toContain('{{- $scaler := "redis" }}');
    expect(values.worker.keda.queues).toEqual(['probe', 'dns', 'content', 'reports']);
    expect(values.worker.keda.enabled).toBe(false);
  });

  it('keeps credentials in a Secret (or an existingSecret) and settings in a ConfigMap', () => {
    const secret = only('secret.yaml', 'Secret');
    expect(Object.keys(secret.stringData as object).sort()).toEqual([
      'ADMIN_TOKEN',
      'ALERT_SMTP_URL',
      'API_KEYS',
      'DATABASE_URL',
      'REDIS_URL',
      'SECRET_KEY',
    ]);
    expect(read('templates/secret.yaml')).toMatch(/^\{\{- if not \.Values\.secrets\.existingSecret \}\}/);
    expect(helpers).toContain('default (include "smtp-doctor.fullname" .) .Values.secrets.existingSecret');
    const cm = only('configmap.yaml', 'ConfigMap');
    expect(cm.data).toMatchObject({ QUEUE_PREFIX: 'TPL' });
    // Required values fail the render with a message naming them.
    for (const v of ['database.url', 'redis.url', 'secrets.secretKey'])
      expect(helpers).toMatch(new RegExp(`fail "${v.replace('.', '\\.')} is required`));
  });

  it('makes Ingress, ServiceMonitor and KEDA optional and off by default', () => {
    expect(read('templates/ingress.yaml')).toMatch(/^\{\{- if \.Values\.ingress\.enabled \}\}/);
    expect(read('templates/servicemonitor.yaml')).toMatch(/^\{\{- if \.Values\.metrics\.serviceMonitor\.enabled \}\}/);
    expect(read('templates/keda-scaledobject.yaml')).toMatch(/^\{\{- if \.Values\.worker\.keda\.enabled \}\}/);
    expect([values.ingress.enabled, values.metrics.serviceMonitor.enabled, values.worker.keda.enabled]).toEqual([
      false,
      false,
      false,
    ]);
    const sm = only('servicemonitor.yaml', 'ServiceMonitor');
    expect(sm.spec!.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: 'TPL', scrapeTimeout: 'TPL' }]);
  });

  it('covers both roles with a PodDisruptionBudget', () => {
    expect(read('templates/pdb.yaml')).toContain('{{- range $component := list "api" "worker" }}');
    expect(only('pdb.yaml', 'PodDisruptionBudget').spec).toHaveProperty('selector');
    expect(values.api.podDisruptionBudget.enabled && values.worker.podDisruptionBudget.enabled).toBe(true);
  });

  it('has NOTES.txt and a helm test pod using the image healthcheck script', () => {
    expect(read('templates/NOTES.txt')).toContain('helm test {{ .Release.Name }}');
    const pod = only('tests/test-connection.yaml', 'Pod');
    expect(pod.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'test' });
    expect(pod.spec!.containers[0].command).toEqual(['node', '/app/healthcheck.cjs']);
  });
});

// The real helm (lint --strict, template per toggle, Kubernetes schema validation): helm-render.test.ts.
