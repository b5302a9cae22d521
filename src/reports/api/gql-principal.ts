import type { AuthService } from '../../auth/auth.service';
import type { Principal } from '../../auth/principal';
import { gqlClientAddress } from '../../auth/auth-throttle';
import type { GqlContext } from '../../checks/checks.resolver';

/** The caller of a GraphQL operation, resolved once per request (as ChecksResolver does). */
export function gqlPrincipal(auth: Pick<AuthService, 'authenticate'>, ctx: GqlContext): Promise<Principal> {
  if (!ctx.principal) {
    const cp = ctx.connectionParams ?? {};
    const header = ctx.req?.headers?.authorization ?? cp.authorization ?? cp.Authorization;
    ctx.principal = auth.authenticate(header, gqlClientAddress(ctx));
  }
  return ctx.principal;
}
