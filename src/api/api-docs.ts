import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSchema } from 'graphql';
import { loadConfig } from '../config/config.schema';
import { createLogger } from '../common/logger';
import { Metrics } from '../common/metrics';
import type { Platform } from '../platform';
import { createHttpApp, openApiDocument } from './http-app';

/**
 * Generate the OpenAPI document and the GraphQL SDL from the code, without Redis or a database
 * (nothing is called at build time, so a platform with only config, log and metrics suffices).
 */
export async function generateApiDocs(): Promise<{ openapi: string; sdl: string }> {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  // Installers may capture handles at install time; none is used until a request arrives.
  const stub = { config, log: createLogger('silent'), metrics: new Metrics(), redis: { producer: {}, publisher: {}, subscriber: {}, worker: {} }, features: {} } as unknown as Platform;
  const app = await createHttpApp(stub);
  await app.init();
  try {
    const doc = openApiDocument(app);
    const sdl = printSchema(app.get(GraphQLSchemaHost).schema);
    return { openapi: `${JSON.stringify(doc, null, 2)}\n`, sdl: `${sdl}\n` };
  } finally {
    await app.close();
  }
}
