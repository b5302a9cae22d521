import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { PLATFORM } from '../../api/tokens';
import type { GqlContext } from '../../checks/checks.resolver';
import type { Platform } from '../../platform';
import { gqlPrincipal } from './gql-principal';
import { BounceAnalysisModel, ExplanationModel } from './explain.model';
import { LogAnalysisModel } from './logs.model';
import { reportsOf } from './reports.feature';

/** Explain and analyse over GraphQL: the same service calls as REST. */
@Resolver(() => ExplanationModel)
export class ReportsResolver {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  @Query(() => ExplanationModel, { description: 'Explain an SMTP reply or NDR line.' })
  async explainReply(@Args('reply') reply: string, @Context() ctx: GqlContext) {
    return reportsOf(this.platform).explain.explain(await gqlPrincipal(this.platform, ctx), { reply });
  }

  @Mutation(() => ExplanationModel, { description: 'Explain a reply and queue the suggested live checks for a domain (REST: POST /v1/explain?diagnose=domain).' })
  async diagnoseReply(@Args('reply') reply: string, @Args('domain') domain: string, @Context() ctx: GqlContext) {
    return reportsOf(this.platform).explain.explain(await gqlPrincipal(this.platform, ctx), { reply, domain }, 'domain');
  }

  @Query(() => BounceAnalysisModel, { description: 'Analyse a raw bounce message (DSN, ARF, auto-reply or MTA text bounce).' })
  async analyzeBounce(@Args('message') message: string, @Context() ctx: GqlContext) {
    await gqlPrincipal(this.platform, ctx);
    return reportsOf(this.platform).explain.analyzeBounceJson({ message });
  }

  @Query(() => LogAnalysisModel, { description: 'Analyse Postfix, Exim or Sendmail log text (large logs: stream them to POST /v1/logs/analyze).' })
  async analyzeLogs(@Args('text') text: string, @Context() ctx: GqlContext) {
    await gqlPrincipal(this.platform, ctx);
    return reportsOf(this.platform).logs.analyzeJson({ text });
  }
}
