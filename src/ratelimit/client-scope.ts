import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who is on the other end of the request being served, for limits that need it below the
 * transport (the per-visitor unfinished-check cap applies inside ChecksService.submit, which takes
 * only a principal). The HTTP installer opens the scope for each request and the graphql-ws
 * `execute` wrapper for each operation (ratelimit.ws.ts); code outside both sees no client.
 * Node's AsyncLocalStorage is the standard way to carry this without threading a parameter
 * through every controller, resolver and service signature.
 */
export interface ClientScope {
  /** The client's address as the API sees it (X-Forwarded-For's first entry with TRUST_PROXY). */
  ip: string | undefined;
}

const storage = new AsyncLocalStorage<ClientScope>();

export function runAsClient<T>(scope: ClientScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentClient(): ClientScope | undefined {
  return storage.getStore();
}
