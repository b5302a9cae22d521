import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DCLinter } from 'dclint';
import { describe, expect, it } from 'vitest';
import { readRedisSettings } from '../../src/infra/queue/redis.settings';
import { loadYaml } from '../packaging/chart-source';

const root = resolve(__dirname, '../..');

describe.each(['compose.sentinel.yaml', 'compose.cluster.yaml'])('docker/%s (override of compose.yaml)', (name) => {
  const file = join(root, 'docker', name);
  const doc = loadYaml<{ services: Record<string, { environment?: Record<string, string>; depends_on?: object }> }>(
    readFileSync(file, 'utf8'),
  );

  it('validates against the compose-spec schema with no lint errors', () => {
    const linter = new DCLinter({
      quiet: false,
      debug: false,
      exclude: [],
      rules: {
        'service-keys-order': 0,
        'services-alphabetical-order': 0,
        'top-level-properties-order': 0,
        // An override file names services compose.yaml builds (api, worker) without an image.
        'service-image-require-explicit-tag': 0,
        // The project name comes from compose.yaml, the file this one is layered on.
        'require-project-name-field': 0,
      },
    });
    const [result] = linter.lintFiles([file], false);
    expect(result!.messages.map((m: { rule: string; message: string }) => `${m.rule}: ${m.message}`)).toEqual([]);
  });

  it('points api and worker at the topology with a REDIS_URL the service accepts', () => {
    for (const role of ['api', 'worker']) {
      const url = doc.services[role]!.environment!.REDIS_URL!;
      const s = readRedisSettings({ REDIS_URL: url });
      expect(s.topology).toBe(name.includes('sentinel') ? 'sentinel' : 'cluster');
      // Every host the URL names is a service of this file.
      const hosts = s.topology === 'sentinel' ? s.sentinels : s.topology === 'cluster' ? s.nodes : [];
      expect(hosts.length).toBeGreaterThanOrEqual(3);
      for (const h of hosts) expect(Object.keys(doc.services)).toContain(h.host);
    }
  });
});
