import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateApiDocs, generateOpenApiTypes } from '../../src/api/api-docs';

describe('committed API descriptions', () => {
  it('openapi/openapi.json and openapi/schema.graphql match the code (run `npm run openapi` if not)', async () => {
    const { openapi, sdl } = await generateApiDocs();
    const root = join(__dirname, '..', '..');
    expect(
      readFileSync(join(root, 'openapi', 'openapi.json'), 'utf8'),
      'openapi/openapi.json is stale: run npm run openapi',
    ).toBe(openapi);
    expect(
      readFileSync(join(root, 'openapi', 'schema.graphql'), 'utf8'),
      'openapi/schema.graphql is stale: run npm run openapi',
    ).toBe(sdl);
    expect(
      readFileSync(join(root, 'openapi', 'openapi.d.ts'), 'utf8'),
      'openapi/openapi.d.ts (the generated client types) is stale: run npm run openapi',
    ).toBe(await generateOpenApiTypes(openapi));
    const doc = JSON.parse(openapi);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/checks',
        '/v1/checks/{id}',
        '/v1/batches',
        '/v1/batches/{id}',
        '/v1/batches/{id}/checks',
        '/v1/findings',
        '/v1/admin/tenants',
      ]),
    );
    expect(sdl).toContain('checkUpdated(id: String!): Check!');
  });
});
