import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AuthService } from '../../auth/auth.service';
import type { GqlContext } from '../../checks/checks.resolver';
import { gqlPrincipal } from '../../auth/gql-principal';
import { BounceAnalysisModel, ExplanationModel } from './explain.model';
import { ExplainService } from './explain.service';
import { LogAnalysisModel } from './logs.model';
import { LogsService } from './logs.service';

/** Explain and analyse over GraphQL: the same service calls as REST. */
@Resolver(() => ExplanationModel)
export class ReportsResolver {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(ExplainService) private readonly explainer: ExplainService,
    @Inject(LogsService) private readonly logs: LogsService,
  ) {}

  @Query(() => ExplanationModel, { description: 'Explain an SMTP reply or NDR line.' })
  async explainReply(@Args('reply') reply: string, @Context() ctx: GqlContext) {
    return this.explainer.explain(await gqlPrincipal(this.auth, ctx), { reply });
  }

  @Mutation(() => ExplanationModel, {
    description:
      'Explain a reply and queue the suggested live checks for a domain (REST: POST /v1/explain?diagnose=domain).',
  })
  async diagnoseReply(@Args('reply') reply: string, @Args('domain') domain: string, @Context() ctx: GqlContext) {
    return this.explainer.explain(await gqlPrincipal(this.auth, ctx), { reply, domain }, 'domain');
  }

  @Query(() => BounceAnalysisModel, {
    description: 'Analyse a raw bounce message (DSN, ARF, auto-reply or MTA text bounce).',
  })
  async analyzeBounce(@Args('message') message: string, @Context() ctx: GqlContext) {
    await gqlPrincipal(this.auth, ctx);
    return this.explainer.analyzeBounceJson({ message });
  }

  @Query(() => LogAnalysisModel, {
    description: 'Analyse Postfix, Exim or Sendmail log text (large logs: stream them to POST /v1/logs/analyze).',
  })
  async analyzeLogs(@Args('text') text: string, @Context() ctx: GqlContext) {
    await gqlPrincipal(this.auth, ctx);
    return this.logs.analyzeJson({ text });
  }
}
