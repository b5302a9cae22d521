import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DCLinter } from 'dclint';
import { describe, expect, it } from 'vitest';
import { loadYaml } from './chart-source';

const root = resolve(__dirname, '../..');
const file = join(root, 'docker/compose.yaml');
const text = readFileSync(file, 'utf8');
// js-yaml resolves the <<: merge keys the file uses, as Compose does.
const compose = loadYaml<Record<string, any>>(text);
const services = compose.services as Record<string, any>;

describe('docker/compose.yaml: compose-spec schema and lint (dclint)', () => {
  it('validates against the compose-spec schema with no lint errors', () => {
    const linter = new DCLinter({
      quiet: false,
      debug: false,
      exclude: [],
      rules: {
        // Style-only ordering rules: the file groups services by role, not alphabetically.
        'service-keys-order': 0,
        'services-alphabetical-order': 0,
        'top-level-properties-order': 0,
        // The published interface is "${API_BIND:-127.0.0.1}", which dclint cannot interpolate;
        // the test below asserts the loopback default itself.
        'no-unbound-port-interfaces': 0,
        'require-quotes-in-ports': 0,
      },
    });
    const [result] = linter.lintFiles([file], false);
    expect(result!.messages.map((m: { rule: string; message: string }) => `${m.rule}: ${m.message}`)).toEqual([]);

    // The same linter on a copy with a key Compose does not know reports a schema error.
    const dir = mkdtempSync(join(tmpdir(), 'sd-compose-'));
    try {
      const bad = join(dir, 'compose.yaml');
      writeFileSync(bad, text.replace('  redis:\n    image:', '  redis:\n    restart_policy: always\n    image:'));
      const [badResult] = linter.lintFiles([bad], false);
      expect(badResult!.messages.map((m: { rule: string }) => m.rule)).toContain('invalid-schema');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('docker/compose.yaml: the stack', () => {
  it('has api, worker, redis and postgres, api and worker from the one image and Dockerfile', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'postgres', 'redis', 'worker']);
    for (const name of ['api', 'worker']) {
      expect(services[name].image).toBe('${SMTP_DOCTOR_IMAGE:-smtp-doctor:local}');
      expect(services[name].build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile' });
    }
    expect(services.api.environment.ROLE).toBe('api');
    expect(services.worker.environment.ROLE).toBe('worker');
  });

  it('runs Redis with noeviction and AOF persistence on a volume', () => {
    const cmd = (services.redis.command as string[]).join(' ');
    expect(cmd).toContain('--maxmemory-policy noeviction');
    expect(cmd).toContain('--appendonly yes');
    expect(services.redis.volumes).toEqual(['redis-data:/data']);
    expect(services.redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('runs PostgreSQL with a volume and a pg_isready healthcheck', () => {
    expect(services.postgres.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(services.postgres.healthcheck.test[1]).toMatch(/^pg_isready /);
    expect(Object.keys(compose.volumes).sort()).toEqual(['postgres-data', 'redis-data']);
  });

  it('starts the app only once Redis and PostgreSQL are healthy', () => {
    for (const name of ['api', 'worker']) {
      expect(services[name].depends_on).toEqual({
        redis: { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
      });
    }
  });

  it('wires the app to the stack by environment, with one shared SECRET_KEY', () => {
    for (const name of ['api', 'worker']) {
      const env = services[name].environment;
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      expect(env.DATABASE_URL).toMatch(
        /^postgres:\/\/smtp_doctor:\$\{POSTGRES_PASSWORD:-[^}]+\}@postgres:5432\/smtp_doctor$/,
      );
      expect(env.SECRET_KEY).toMatch(/^\$\{SECRET_KEY:-[0-9a-f]{64}\}$/);
      expect(env.NODE_ENV).toBe('production');
      expect(services[name].env_file).toEqual([{ path: '.env', required: false }]);
    }
    expect(services.postgres.environment.POSTGRES_PASSWORD).toBe(
      services.api.environment.DATABASE_URL.match(/(\$\{POSTGRES_PASSWORD:-[^}]+\})/)[1],
    );
  });

  it('marks every default secret as dev-only and documents each variable in .env.example', () => {
    const defaults = [...text.matchAll(/\$\{(SECRET_KEY|ADMIN_TOKEN|API_KEYS|POSTGRES_PASSWORD):-([^}]*)\}/g)];
    expect(defaults.length).toBeGreaterThanOrEqual(4);
    for (const [, name, value] of defaults) if (name !== 'SECRET_KEY') expect(value, name).toMatch(/dev-only/);
    expect(text).toMatch(/DEV ONLY defaults/);
    const example = readFileSync(join(root, 'docker/.env.example'), 'utf8');
    const code = text.replace(/^\s*#.*$/gm, '');
    const used = new Set([...code.matchAll(/\$\{([A-Z_]+)[:}]/g)].map((m) => m[1]!));
    expect([...used].filter((v) => !new RegExp(`^#? ?${v}=`, 'm').test(example))).toEqual([]);
  });

  it('agrees with the Helm chart on whether the worker serves /healthz', () => {
    const chartValues = loadYaml<{ worker: { httpEndpoints: boolean } }>(
      readFileSync(join(root, 'helm/smtp-doctor/values.yaml'), 'utf8'),
    );
    expect(services.worker.healthcheck?.disable === true).toBe(!chartValues.worker.httpEndpoints);
    expect(services.api.healthcheck).toBeUndefined(); // the image's HEALTHCHECK applies
  });

  it('lets workers scale (replicas, no published port) and publishes the api on loopback by default', () => {
    expect(services.worker.deploy.replicas).toBe('${WORKER_REPLICAS:-2}');
    expect(services.worker.ports).toBeUndefined();
    expect(services.api.ports).toEqual(['${API_BIND:-127.0.0.1}:${API_PORT:-3000}:3000']);
  });

  it('gives the app more time to stop than SHUTDOWN_GRACE_MS, and drops privileges', () => {
    const grace = Number(/\$\{SHUTDOWN_GRACE_MS:-(\d+)\}/.exec(services.api.environment.SHUTDOWN_GRACE_MS)![1]);
    expect(Number.parseInt(services.api.stop_grace_period, 10) * 1000).toBeGreaterThan(grace);
    for (const name of ['api', 'worker']) {
      expect(services[name]).toMatchObject({
        read_only: true,
        cap_drop: ['ALL'],
        security_opt: ['no-new-privileges:true'],
      });
    }
  });
});

// The Compose v2 plugin is not installed here (the docker CLI is, without an engine; `docker stack
// config` reads only the legacy v3 schema and refuses depends_on conditions; Debian's
// docker-compose 1.29 refuses `name:` and env_file's `required`). Where the plugin exists, its own
// `config` must accept the file and normalise it as asserted.
const composeV2 = spawnSync('docker', ['compose', 'version', '--short'], { encoding: 'utf8' });
describe.skipIf(composeV2.status !== 0)('docker compose config (when the Compose v2 plugin is installed)', () => {
  it('parses, interpolates and keeps noeviction and the roles', () => {
    const r = spawnSync('docker', ['compose', '-f', file, 'config', '--format', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, WORKER_REPLICAS: '3' },
    });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    const cfg = JSON.parse(r.stdout) as { name: string; services: Record<string, any> };
    expect(cfg.name).toBe('smtp-doctor');
    expect(cfg.services.worker.deploy.replicas).toBe(3);
    expect(cfg.services.api.environment.ROLE).toBe('api');
    expect(cfg.services.redis.command).toContain('noeviction');
  });
});
