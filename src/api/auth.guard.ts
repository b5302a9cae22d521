import { createParamDecorator, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Principal } from '../auth/principal';
import type { Platform } from '../platform';
import { PLATFORM } from './tokens';

/** REST: resolve the bearer key to a tenant (401 otherwise) and attach it to the request. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}
  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request & { principal?: Principal }>();
    req.principal = await this.platform.auth.authenticate(req.headers.authorization);
    return true;
  }
}

@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<Request>();
    this.platform.auth.checkAdmin(req.headers.authorization);
    return true;
  }
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ principal: Principal }>().principal;
});
