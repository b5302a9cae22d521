import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module, type DynamicModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { GraphQLError } from 'graphql';
import { AdminController } from '../admin/admin.controller';
import { BatchesController } from '../checks/batches.controller';
import { ChecksController } from '../checks/checks.controller';
import { ChecksResolver } from '../checks/checks.resolver';
import { FindingsController } from '../checks/findings.controller';
import type { Platform } from '../platform';
import { ApiKeyGuard, AdminGuard } from './auth.guard';
import { formatGraphQLError } from './graphql-errors';
import { HealthController } from './health.controller';
import { PLATFORM } from './tokens';
import type { EmbedFeature } from '../embed/embed.feature';
import type { WsConnectContext } from '../embed/ws-gate';
import { FEATURE_CONTROLLERS, FEATURE_RESOLVERS } from './api.features';
import { graphqlValidationRules, rateLimitWsOptions, WS_CLIENT_IP, wsClientIp } from '../ratelimit/ratelimit.ws';

/** The HTTP role: REST controllers and the GraphQL schema, all thin adapters over the platform. */
@Module({})
export class ApiModule {
  static forRoot(platform: Platform, opts: { schemaFile?: string } = {}): DynamicModule {
    const format = formatGraphQLError(platform.log);
    return {
      module: ApiModule,
      imports: [
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          autoSchemaFile: opts.schemaFile ?? true,
          sortSchema: true,
          path: '/graphql',
          introspection: true,
          includeStacktraceInErrorResponses: false,
          formatError: format,
          // At most GRAPHQL_MAX_MUTATION_FIELDS mutation fields per operation (src/ratelimit).
          validationRules: graphqlValidationRules(platform),
          subscriptions: {
            // graphql-ws does not go through Apollo's formatError: format its errors the same way.
            'graphql-ws': {
              path: '/graphql',
              // Per-key browser rules (secret keys refused from pages, publishable keys only from
              // their tenant's origins) for subscriptions, as for HTTP.
              onConnect: (ctx: WsConnectContext) => (platform.features.embed as EmbedFeature | undefined)?.onConnect(ctx) ?? true,
              // Each operation on the socket counts like an HTTP request (onSubscribe, validate, execute).
              ...rateLimitWsOptions(platform),
              onError: (_ctx: unknown, _id: unknown, _payload: unknown, errors: readonly GraphQLError[]) => errors.map((e) => format(e.toJSON(), e)),
              onNext: (_ctx: unknown, _id: unknown, _payload: unknown, _args: unknown, result: { errors?: readonly GraphQLError[]; data?: unknown }) =>
                result.errors?.length ? { ...result, errors: result.errors.map((e) => format(e.toJSON(), e)) } : undefined,
            } as object,
          },
          context: (ctx: { req?: unknown; connectionParams?: unknown; extra?: { connectionParams?: unknown } }) => ({
            req: ctx.req,
            connectionParams: ctx.connectionParams ?? ctx.extra?.connectionParams,
            [WS_CLIENT_IP]: wsClientIp(platform, ctx as Parameters<typeof wsClientIp>[1]),
          }),
        }),
      ],
      controllers: [ChecksController, BatchesController, FindingsController, AdminController, HealthController, ...FEATURE_CONTROLLERS],
      providers: [{ provide: PLATFORM, useValue: platform }, ApiKeyGuard, AdminGuard, ChecksResolver, ...FEATURE_RESOLVERS],
    };
  }
}
