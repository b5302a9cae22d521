import { GraphQLError, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { IncomingMessage } from 'node:http';
import type { AuthService } from '../auth/auth.service';
import type { Principal } from '../auth/principal';
import { clientAddress } from '../common/client-address';
import { maxMutationFieldsRule, operationCost } from './graphql-operations';
import type { RateLimiter } from './rate-limiter';
import { rateLimitApolloPlugin } from './ratelimit.apollo-plugin';
import type { Logger } from 'pino';

/** The parts of graphql-ws's server context used here (graphql-ws 6 served by `ws`). */
interface WsContext {
  connectionParams?: Readonly<Record<string, unknown>>;
  extra?: { request?: IncomingMessage };
}
interface SubscribePayload {
  query?: unknown;
  operationName?: unknown;
}

/** Our GraphQL context carries the socket's client address (see `clientOfContext`). */
export const WS_CLIENT_IP = 'wsClientIp';

/**
 * The GraphQL side of the one rate limit (a RateLimitModule provider; ApiModule wires it into
 * Apollo and graphql-ws):
 * - `apolloPlugin()`: GraphQL over HTTP (ratelimit.apollo-plugin.ts);
 * - `wsOptions()`: graphql-ws options that make every operation on a socket count like an HTTP
 *   request (graphql-ws runs operations itself, outside Apollo's request pipeline and plugins):
 *   `onSubscribe` authenticates the connection's key (once per socket) and runs the same
 *   RateLimiter.admitRequest, with the same cost (1, or one per submitCheck field); over a
 *   budget it answers the operation with the same coded error as HTTP (`extensions.code`
 *   RATE_LIMITED, `retryAfter`), formatted by the server's `onError`; `validate` adds the
 *   mutation-field cap to graphql's rules, as Apollo's validationRules do over HTTP;
 * - `wsClientIp()`: the socket's client address for the GraphQL context, where
 *   RateLimitInterceptor finds it for a publishable key's per-visitor cap.
 * A key that does not authenticate is not counted: the resolver answers UNAUTHENTICATED.
 */
export class GraphqlRateLimit {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly auth: Pick<AuthService, 'authenticate' | 'throttle'>,
    private readonly trustProxy: boolean,
  ) {}

  wsOptions() {
    const limiter = this.limiter;
    const principals = new WeakMap<object, Promise<Principal | undefined>>();
    const principalOf = (ctx: WsContext): Promise<Principal | undefined> => {
      let p = principals.get(ctx);
      if (!p) {
        const cp = ctx.connectionParams ?? {};
        p = this.auth.authenticate(cp.authorization ?? cp.Authorization).catch(() => undefined);
        principals.set(ctx, p);
      }
      return p;
    };
    return {
      onSubscribe: async (
        ctx: WsContext,
        _id: string,
        payload: SubscribePayload,
      ): Promise<readonly GraphQLError[] | undefined> => {
        const principal = await principalOf(ctx);
        if (!principal) return undefined;
        const cost = operationCost(payload.query, payload.operationName, limiter.operations.maxMutationFields);
        const { refusal } = await limiter.admitRequest(
          principal,
          clientAddress(ctx.extra?.request, this.trustProxy),
          cost,
        );
        return refusal ? [new GraphQLError(refusal.message, { originalError: refusal })] : undefined;
      },
      validate: (schema: GraphQLSchema, document: DocumentNode) =>
        validate(schema, document, [...specifiedRules, ...this.validationRules()]),
    };
  }

  /** GraphQL over HTTP: the Apollo Server plugin of the same admission (ratelimit.apollo-plugin.ts). */
  apolloPlugin(log: Logger) {
    return rateLimitApolloPlugin(this.limiter, this.auth, log);
  }

  /** The client address of a graphql-ws connection, for the GraphQL context (`wsClientIp`). */
  wsClientIp(ctx: WsContext): string | undefined {
    return ctx.extra?.request ? clientAddress(ctx.extra.request, this.trustProxy) : undefined;
  }

  /** Extra validation rules for both transports: the cap on mutation fields per operation. */
  validationRules() {
    const max = this.limiter.operations.maxMutationFields;
    return max ? [maxMutationFieldsRule(max)] : [];
  }
}
