import type { Principal } from './principal';

/** The parts of the GraphQL context used to authenticate (see GqlContext in src/checks/checks.resolver.ts). */
export interface GqlAuthContext {
  req?: { headers?: Record<string, unknown>; ip?: string };
  connectionParams?: Record<string, unknown>;
  wsClientIp?: string;
  principal?: Promise<Principal>;
}

/** The caller's address in a GraphQL context: Express `req.ip` over HTTP, `wsClientIp` over graphql-ws. */
export function gqlClientAddress(ctx: { req?: { ip?: string }; wsClientIp?: string }): string | undefined {
  return ctx.req?.ip ?? ctx.wsClientIp;
}

/**
 * The caller of a GraphQL operation, authenticated once per operation (with its client address,
 * so failures are throttled) and kept in the context, where the resolvers find it.
 */
export function gqlPrincipal(
  auth: { authenticate(authorization: unknown, client?: string): Promise<Principal> },
  ctx: GqlAuthContext,
): Promise<Principal> {
  if (!ctx.principal) {
    const cp = ctx.connectionParams ?? {};
    const header = ctx.req?.headers?.authorization ?? cp.authorization ?? cp.Authorization;
    ctx.principal = auth.authenticate(header, gqlClientAddress(ctx));
  }
  return ctx.principal;
}
