import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import { catchError, from, mergeMap, type Observable } from 'rxjs';
import { AuthService } from '../auth/auth.service';
import { gqlClientAddress, gqlPrincipal, type GqlAuthContext } from '../auth/gql-principal';
import type { Principal } from '../auth/principal';
import type { DeferredAuthCheck } from '../auth/auth-throttle';
import { RateLimiter, type RequestAllowance, type Reservation } from './rate-limiter';
import { SubmissionLimits } from './submission-limits';
import { SUBMITS_CHECKS, type SubmissionShape } from './submits-checks.decorator';

/** The RateLimit-* headers (draft-ietf-httpapi-ratelimit-headers, delta-seconds) of an allowance. */
export function rateLimitHeaders(a: RequestAllowance): [string, string][] {
  return [
    ['RateLimit-Limit', String(a.limit)],
    ['RateLimit-Remaining', String(a.remaining)],
    ['RateLimit-Reset', String(a.resetS)],
    ['RateLimit-Policy', `${a.limit};w=60`],
  ];
}

function setHeaders(res: Response, allowance: RequestAllowance | undefined): void {
  if (allowance) for (const [name, value] of rateLimitHeaders(allowance)) res.setHeader(name, value);
}

/**
 * Rate limits and quotas around handlers (global: APP_INTERCEPTOR of RateLimitModule). An
 * interceptor rather than a guard because it needs the caller: Nest runs global guards before the
 * controllers' ApiKeyGuard, and interceptors after every guard.
 *
 * - REST, every authenticated request (req.principal, set by ApiKeyGuard; admin routes have
 *   none): one admission (RateLimiter.admitRequest, shared with GraphQL and graphql-ws): per-key
 *   requests per minute with `RateLimit-Limit`, `-Remaining`, `-Reset` and `-Policy` headers,
 *   and for publishable keys the per-key and per-address browser budgets; over any of them the
 *   coded RATE_LIMITED error, answered 429 problem+json with `Retry-After` by ProblemFilter.
 *   The key's failed-auth block check, which ApiKeyGuard leaves to this admission
 *   (`req.authCheck`), runs in the same Redis script as the minute window, and for a secret key's
 *   submission the reservation too (RateLimiter.admitSubmission): one round trip before the
 *   handler. GraphQL over HTTP is admitted by the Apollo plugin instead
 *   (ratelimit.apollo-plugin.ts), graphql-ws operations by the socket hooks (ratelimit.ws.ts).
 * - REST handlers and GraphQL mutations marked `@SubmitsChecks`: the submission's checks are
 *   reserved before the handler runs (unfinished checks per key, daily quota per tenant, a
 *   publishable key's visitor cap; RateLimiter.reserve), then committed with what it created, or
 *   released when it failed. A batch of a publishable key is refused first (403, whatever its
 *   size); malformed or oversized batches count 0 (the service answers them 400). Each GraphQL
 *   field is intercepted on its own, so aliased submitCheck fields count one check each.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(
    @Inject(RateLimiter) private readonly limiter: RateLimiter,
    @Inject(SubmissionLimits) private readonly submissions: SubmissionLimits,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const shape = this.reflector.get<SubmissionShape | undefined>(SUBMITS_CHECKS, ctx.getHandler());
    if (ctx.getType() === 'http') {
      const http = ctx.switchToHttp();
      const req = http.getRequest<Request & { principal?: Principal; authCheck?: DeferredAuthCheck }>();
      const p = req.principal;
      if (!p) return next.handle();
      const ip = req.ip ?? req.socket.remoteAddress;
      const res = http.getResponse<Response>();
      // ApiKeyGuard left the key's block check (failed attempts from this address) to this admission.
      const authCheck = req.authCheck;
      req.authCheck = undefined;
      if (!shape) {
        const { allowance, refusal } = await this.limiter.admitRequest(p, ip, 1, authCheck);
        setHeaders(res, allowance);
        if (refusal) throw refusal;
        return next.handle();
      }
      // A publishable key's batch is refused (403) after the request is admitted, as it always was.
      let n = 0;
      let notAllowed: Error | undefined;
      try {
        n = this.submissions.count(p, shape, req.body);
      } catch (e) {
        notAllowed = e as Error;
      }
      const { allowance, refusal, reservation } = await this.limiter.admitSubmission(p, ip, n, authCheck);
      setHeaders(res, allowance);
      if (refusal) throw refusal;
      if (notAllowed) throw notAllowed;
      return this.around(reservation, shape, next, () => createdByLocation(res, shape));
    }
    if (shape && ctx.getType<GqlContextType>() === 'graphql') {
      const g = GqlExecutionContext.create(ctx);
      const context = g.getContext<GqlAuthContext>();
      let p: Principal;
      try {
        p = await gqlPrincipal(this.auth, context);
      } catch {
        return next.handle(); // the resolver answers with the same error (UNAUTHENTICATED, RATE_LIMITED, ...)
      }
      const input = g.getArgs<{ input?: unknown }>().input;
      return this.submission(p, gqlClientAddress(context), shape, input, next);
    }
    return next.handle();
  }

  private async submission(
    p: Principal,
    ip: string | undefined,
    shape: SubmissionShape,
    body: unknown,
    next: CallHandler,
    createdOnError: () => string | undefined = () => undefined,
  ): Promise<Observable<unknown>> {
    return this.around(await this.submissions.reserve(p, shape, body, ip), shape, next, createdOnError);
  }

  /** Run the handler, then commit the reservation with what it created, or release it. */
  private around(
    reservation: Reservation | undefined,
    shape: SubmissionShape,
    next: CallHandler,
    createdOnError: () => string | undefined,
  ): Observable<unknown> {
    if (!reservation) return next.handle();
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        await reservation.commit(SubmissionLimits.member(shape, result));
        return result;
      }),
      catchError((e: unknown) => {
        // The handler may fail after the checks were stored (REST ?wait reading the result): those stay tracked.
        const created = createdOnError();
        return from(
          (created ? reservation.commit(created) : reservation.release()).then(() => {
            throw e;
          }),
        );
      }),
    );
  }
}

/**
 * What a REST submission created, from its `Location` header (`/v1/checks/<id>`,
 * `/v1/batches/<id>`), which the controllers set as soon as the checks are stored.
 */
function createdByLocation(res: Response, shape: SubmissionShape): string | undefined {
  const location = res.getHeader('Location');
  if (typeof location !== 'string') return undefined;
  const id = location.slice(location.lastIndexOf('/') + 1);
  if (!id) return undefined;
  return shape === 'batch' ? `b:${id}` : id;
}
