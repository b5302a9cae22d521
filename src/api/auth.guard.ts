import { createParamDecorator, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AuthService } from '../auth/auth.service';
import type { DeferredAuthCheck } from '../auth/auth-throttle';
import type { Principal } from '../auth/principal';

/**
 * REST: resolve the bearer key to a tenant (401 otherwise) and attach it to the request. The
 * client address goes along, so failed attempts are throttled per address (429 once blocked).
 * With RateLimitModule, a correct key's block check is attached as `authCheck` and run by
 * RateLimitInterceptor in the request's one admission round trip, before the handler.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}
  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request & { principal?: Principal; authCheck?: DeferredAuthCheck }>();
    const { principal, authCheck } = await this.auth.authenticateDeferred(
      req.headers.authorization,
      req.ip ?? req.socket.remoteAddress,
    );
    req.principal = principal;
    req.authCheck = authCheck;
    return true;
  }
}

@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}
  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request>();
    await this.auth.checkAdmin(req.headers.authorization, req.ip ?? req.socket.remoteAddress);
    return true;
  }
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ principal: Principal }>().principal;
});
