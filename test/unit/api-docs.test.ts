import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, isInputObjectType, isObjectType } from 'graphql';
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
    expect(sdl).toContain('checkUpdated(id: ID!): Check!');
  });

  it('GraphQL ids are ID, never String: every field and argument named id or ...Id', () => {
    const schema = buildSchema(readFileSync(join(__dirname, '..', '..', 'openapi', 'schema.graphql'), 'utf8'));
    // Not our object ids: the Message-ID header of a bounced message (RFC 5322), and the report id a
    // DMARC/TLS-RPT reporter chose (its <report_id>), which is only unique per reporter.
    const notIds = new Set(['BounceAnalysis.originalMessageId', 'ReceivedReport.reportId']);
    const isIdName = (n: string) => n === 'id' || /[a-z]Id$/.test(n);
    const named = (t: unknown) => String(t).replace(/[[\]!]/g, '');
    const wrong: string[] = [];
    let seen = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || !(isObjectType(type) || isInputObjectType(type))) continue;
      for (const field of Object.values(type.getFields())) {
        const where = `${type.name}.${field.name}`;
        if (isIdName(field.name) && !notIds.has(where)) {
          seen++;
          if (named(field.type) !== 'ID') wrong.push(`${where}: ${String(field.type)}`);
        }
        for (const arg of 'args' in field ? field.args : [])
          if (isIdName(arg.name)) {
            seen++;
            if (named(arg.type) !== 'ID') wrong.push(`${where}(${arg.name}): ${String(arg.type)}`);
          }
      }
    }
    expect(wrong).toEqual([]);
    expect(seen).toBeGreaterThan(15);
  });
});
