import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { LOGGER } from '../config/config.module';
import { EMBED_WS_ON_CONNECT, EmbedModule, type WsOnConnect } from '../embed/embed.module';
import type { WsConnectContext } from '../embed/ws-gate';
import { formatGraphQLError } from './graphql-errors';
import { HealthController } from './health.controller';
import { RateLimitModule } from '../ratelimit/ratelimit.module';
import { problemBodyOf } from '../ratelimit/ratelimit.apollo-plugin';
import { GraphqlRateLimit, WS_CLIENT_IP } from '../ratelimit/ratelimit.ws';

/**
 * The HTTP surface shared by every feature: GraphQL (Apollo, code-first, graphql-ws
 * subscriptions; the resolvers live in the feature modules) and /healthz, /readyz, /metrics. The
 * REST controllers live in their modules too; http-app.ts adds problem+json, middleware and docs.
 */
@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      imports: [EmbedModule, RateLimitModule],
      inject: [LOGGER, EMBED_WS_ON_CONNECT, GraphqlRateLimit],
      useFactory: (log: Logger, onConnect: WsOnConnect, rateLimit: GraphqlRateLimit): ApolloDriverConfig => {
        const format = formatGraphQLError(log);
        return {
          autoSchemaFile: true,
          sortSchema: true,
          path: '/graphql',
          introspection: true,
          includeStacktraceInErrorResponses: false,
          formatError: format,
          // At most GRAPHQL_MAX_MUTATION_FIELDS mutation fields per operation (src/ratelimit).
          validationRules: rateLimit.validationRules(),
          // Per-key budgets, RateLimit-* headers and 429 problem+json over HTTP (src/ratelimit).
          // (The cast: @nestjs/apollo types Apollo's ESM declarations, src resolves the CommonJS ones.)
          // Apollo's cache-control plugin is off: it wraps every field's resolver (willResolveField)
          // to compute cache hints for a Cache-Control header, and every API answer is `no-store`
          // anyway (security-headers.ts). Profiled: about 3% of a check(id) query's CPU.
          plugins: [rateLimit.apolloPlugin(log), ApolloServerPluginCacheControlDisabled()] as unknown as NonNullable<
            ApolloDriverConfig['plugins']
          >,
          // Apollo's own serialisation (JSON and a newline), except for an operation the plugin refused.
          stringifyResult: (result) => problemBodyOf(result) ?? `${JSON.stringify(result)}\n`,
          subscriptions: {
            // graphql-ws does not go through Apollo's formatError: format its errors the same way.
            'graphql-ws': {
              path: '/graphql',
              // Per-key browser rules (secret keys refused from pages, publishable keys only from
              // their tenant's origins) for subscriptions, as for HTTP.
              onConnect: (ctx: WsConnectContext) => onConnect(ctx),
              // Each operation on the socket counts like an HTTP request (onSubscribe, validate, execute).
              ...rateLimit.wsOptions(),
              onError: (_ctx: unknown, _id: unknown, _payload: unknown, errors: readonly GraphQLError[]) =>
                errors.map((e) => format(e.toJSON(), e)),
              onNext: (
                _ctx: unknown,
                _id: unknown,
                _payload: unknown,
                _args: unknown,
                result: { errors?: readonly GraphQLError[]; data?: unknown },
              ) =>
                result.errors?.length
                  ? { ...result, errors: result.errors.map((e) => format(e.toJSON(), e)) }
                  : undefined,
            } as object,
          },
          context: (ctx: { req?: unknown; connectionParams?: unknown; extra?: { connectionParams?: unknown } }) => ({
            req: ctx.req,
            connectionParams: ctx.connectionParams ?? ctx.extra?.connectionParams,
            [WS_CLIENT_IP]: rateLimit.wsClientIp(ctx as Parameters<GraphqlRateLimit['wsClientIp']>[0]),
          }),
        };
      },
    }),
  ],
  controllers: [HealthController],
})
export class ApiModule {}
