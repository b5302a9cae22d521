import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { Request } from 'express';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { toProblem } from '../api/problem';
import type { AuthService } from '../auth/auth.service';
import type { GqlAuthContext } from '../auth/gql-principal';
import type { DomainError } from '../common/errors/domain-error';
import { operationCost } from './graphql-operations';
import type { RateLimiter } from './rate-limiter';
import { rateLimitHeaders } from './ratelimit.interceptor';

/** The refusal of an address blocked for failed authentication (AuthThrottle), not of a budget. */
function isAuthBlock(e: DomainError): boolean {
  return (e.extra as { scope?: unknown } | undefined)?.scope === 'auth';
}

/** Bodies of refused operations, keyed by the result object Apollo hands to `stringifyResult`. */
const problemBodies = new WeakMap<object, string>();

/**
 * The body Apollo should send for `result`: the problem+json of a refused operation, else
 * undefined (the ordinary JSON). ApiModule's `stringifyResult` asks this first.
 */
export function problemBodyOf(result: { extensions?: unknown }): string | undefined {
  const ext = result.extensions;
  return ext && typeof ext === 'object' ? problemBodies.get(ext) : undefined;
}

/**
 * GraphQL over HTTP: the one admission of every operation (RateLimiter.admitRequest, shared with
 * REST and graphql-ws), as an Apollo Server plugin (ApiModule's `plugins`). An operation with an
 * API key costs 1, or one per submitCheck field when it selects more (aliases included;
 * graphql-operations.ts), against the key's per-minute budget and, for publishable keys, the
 * browser budgets. The admission runs in `didResolveSource`, before parsing and validation, so an
 * operation the validation refuses still costs its one request (as over REST). Every admitted
 * response carries the RateLimit-* headers. Over a budget nothing is executed and the answer is the
 * same as REST's: 429 application/problem+json with `Retry-After` (`willSendResponse` replaces
 * whatever the pipeline produced, and `problemBodyOf` lets `stringifyResult` write the problem).
 *
 * The key is resolved without the client address (no failed-auth counting here): a wrong key is
 * not counted, and the resolver answers UNAUTHENTICATED and counts the failure, once. A correct
 * key's failed-auth block check (AuthThrottle) runs in the admission's Redis round trip; the
 * principal, or the RATE_LIMITED of a blocked address, is then left in the context for the
 * resolvers (`principal`), which do not authenticate again.
 * Each check-creating field then reserves its checks in RateLimitInterceptor, like a REST submit.
 */
export function rateLimitApolloPlugin(
  limiter: RateLimiter,
  auth: Pick<AuthService, 'authenticate' | 'throttle'>,
  log: Logger,
): ApolloServerPlugin<{ req?: unknown }> {
  return {
    requestDidStart({ contextValue }): Promise<GraphQLRequestListener<{ req?: unknown }> | void> {
      const req = contextValue.req as Request | undefined;
      const authorization = req?.headers.authorization;
      if (!req || typeof authorization !== 'string') return Promise.resolve();
      let refusal: DomainError | undefined;
      return Promise.resolve({
        async didResolveSource(rc) {
          let principal;
          try {
            principal = await auth.authenticate(authorization);
          } catch {
            return; // the resolver answers 401 (or 503 when the database is down)
          }
          const cost = operationCost(rc.source, rc.request.operationName, limiter.operations.maxMutationFields);
          const client = req.ip ?? req.socket.remoteAddress;
          // The key is correct: its address's failed-auth block check runs in the admission's round trip.
          const authCheck = auth.throttle?.deferred(client);
          const decision = await limiter.admitRequest(principal, client, cost, authCheck);
          if (decision.allowance)
            for (const [name, value] of rateLimitHeaders(decision.allowance)) rc.response.http.headers.set(name, value);
          if (authCheck && decision.refusal && !decision.allowance && isAuthBlock(decision.refusal)) {
            // Blocked for failed attempts: the resolvers answer RATE_LIMITED (as authenticate would).
            const blocked = Promise.reject(decision.refusal);
            blocked.catch(() => undefined);
            (contextValue as GqlAuthContext).principal = blocked;
            return;
          }
          refusal = decision.refusal;
          // Authenticated and checked: the resolvers take this principal instead of authenticating again.
          if (authCheck) (contextValue as GqlAuthContext).principal = Promise.resolve(principal);
        },
        async didResolveOperation() {
          // Nothing runs for a refused operation (parsing or validation errors are replaced too, below).
          if (refusal) throw new GraphQLError(refusal.message, { originalError: refusal });
        },
        async willSendResponse(rc) {
          if (!refusal) return;
          const problem = toProblem(refusal, log, req.originalUrl.split('?')[0]);
          const extensions = {};
          problemBodies.set(extensions, JSON.stringify(problem));
          rc.response.body = { kind: 'single', singleResult: { extensions } };
          rc.response.http.status = problem.status;
          rc.response.http.headers.set('content-type', 'application/problem+json');
          rc.response.http.headers.set('retry-after', String(problem.retryAfter));
        },
      });
    },
  };
}
