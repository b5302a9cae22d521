import { registerHooks } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The CLI runs the kinds' engines in-process and validates their input classes with
 * class-validator; it never builds a GraphQL schema nor an OpenAPI document. The input classes
 * also carry @nestjs/graphql and @nestjs/swagger decorators, and loading those packages loads
 * Nest's container, graphql-js and the schema builders (most of a second of start-up). Both
 * packages ship a model shim whose decorators do nothing (their `browser` export, documented for
 * sharing model classes outside a Nest server); here Node's module hooks hand those shims to the
 * CLI process. Called once, before the first kind is loaded; never in the server.
 */
let installed = false;

export function useModelShims(): void {
  if (installed) return;
  installed = true;
  const shim = (pkg: string, file: string) => pathToFileURL(join(dirname(require.resolve(pkg)), file)).href;
  const shims = new Map([
    ['@nestjs/graphql', shim('@nestjs/graphql', 'extra/graphql-model-shim.js')],
    ['@nestjs/swagger', shim('@nestjs/swagger', 'extra/swagger-shim.js')],
  ]);
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const url = shims.get(specifier);
      return url ? { url, format: 'module', shortCircuit: true } : nextResolve(specifier, context);
    },
  });
}
