import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateApiDocs, generateOpenApiTypes } from '../api/api-docs';

/** `npm run openapi`: regenerate openapi/openapi.json and openapi/schema.graphql from the code. */
async function main() {
  const root = join(__dirname, '..', '..', '..');
  const { openapi, sdl } = await generateApiDocs();
  writeFileSync(join(root, 'openapi', 'openapi.json'), openapi);
  writeFileSync(join(root, 'openapi', 'schema.graphql'), sdl);
  writeFileSync(join(root, 'openapi', 'openapi.d.ts'), await generateOpenApiTypes(openapi));
  process.stdout.write('wrote openapi/openapi.json, openapi/openapi.d.ts and openapi/schema.graphql\n');
  process.exit(0);
}
void main();
