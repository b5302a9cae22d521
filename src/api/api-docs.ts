import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSchema } from 'graphql';
import { createApiApp } from '../bootstrap';
import { createLogger } from '../common/logger';
import { loadConfig } from '../config/config.schema';
import { openApiDocument } from './http-app';

/**
 * Generate the OpenAPI document and the GraphQL SDL from the code, without Redis (the app is
 * built offline: lazy connections never used) and on an in-memory database.
 */
export async function generateApiDocs(): Promise<{ openapi: string; sdl: string }> {
  const config = loadConfig({ LOG_LEVEL: 'silent', ROLE: 'api', DATABASE_URL: 'sqlite::memory:' });
  const app = await createApiApp(config, { log: createLogger('silent'), offline: true });
  await app.init();
  try {
    const doc = openApiDocument(app);
    const sdl = printSchema(app.get(GraphQLSchemaHost).schema);
    return { openapi: `${JSON.stringify(doc, null, 2)}\n`, sdl: `${sdl}\n` };
  } finally {
    await app.close();
  }
}

/**
 * The TypeScript types of the committed OpenAPI document (openapi/openapi.d.ts), made by
 * openapi-typescript: what a client generated from the document sees. Tests compile against them
 * and call the running service through openapi-fetch (test/e2e/openapi-client.e2e.test.ts).
 * openapi-typescript is a devDependency: loaded only here, for `npm run openapi` and the tests.
 */
export async function generateOpenApiTypes(openapi: string): Promise<string> {
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const ast = await openapiTS(JSON.parse(openapi) as Parameters<typeof openapiTS>[0], {
    alphabetize: false,
    // A property with a default is optional in a request (the server fills it in), not required.
    defaultNonNullable: false,
  });
  return `// Generated from openapi/openapi.json by openapi-typescript (npm run openapi). Do not edit.\n${astToString(ast)}`;
}
