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
