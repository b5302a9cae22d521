import type { Principal } from '../../auth/principal';
import { gqlClientAddress } from '../../auth/auth-throttle';
import type { GqlContext } from '../../checks/checks.resolver';
import type { Platform } from '../../platform';

/** The caller of a GraphQL operation, resolved once per request (as ChecksResolver does). */
export function gqlPrincipal(platform: Platform, ctx: GqlContext): Promise<Principal> {
  if (!ctx.principal) {
    const cp = ctx.connectionParams ?? {};
    const header = ctx.req?.headers?.authorization ?? cp.authorization ?? cp.Authorization;
    ctx.principal = platform.auth.authenticate(header, gqlClientAddress(ctx));
  }
  return ctx.principal;
}
