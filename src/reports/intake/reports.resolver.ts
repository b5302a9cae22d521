import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { AuthService } from '../../auth/auth.service';
import type { GqlContext } from '../../checks/checks.resolver';
import { gqlPrincipal } from '../../auth/gql-principal';
import { ReportIntakeService } from './intake.service';
import { ReportJoinService } from './report-join.service';
import { DomainSourcesModel, ReceivedReportModel, ReportAddressModel, ReportSubmissionModel } from './report.model';
import { submissionOf } from './reports.controller';

/** Received reports, sources and joined findings over GraphQL: the same service calls as REST. */
@Resolver(() => ReceivedReportModel)
export class ReceivedReportsResolver {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(ReportIntakeService) private readonly intake: ReportIntakeService,
    @Inject(ReportJoinService) private readonly join: ReportJoinService,
  ) {}

  private async tenant(ctx: GqlContext): Promise<string> {
    const p = await gqlPrincipal(this.auth, ctx);
    ReportIntakeService.secretOnly(p);
    return p.tenantId;
  }

  @Query(() => [ReceivedReportModel], { description: 'Received DMARC and TLS reports, newest first.' })
  async receivedReports(
    @Context() ctx: GqlContext,
    @Args('domain', { nullable: true }) domain?: string,
    @Args('kind', { nullable: true }) kind?: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
  ) {
    return this.intake.list(await this.tenant(ctx), { domain, kind, ...(limit ? { limit } : {}) });
  }

  @Query(() => ReceivedReportModel, { description: 'One received report, parsed.' })
  async receivedReport(@Args('id', { type: () => ID }) id: string, @Context() ctx: GqlContext) {
    return this.intake.get(await this.tenant(ctx), id);
  }

  @Query(() => ReportSubmissionModel, { description: 'What became of an upload or a received message.' })
  async reportSubmission(@Args('id', { type: () => ID }) id: string, @Context() ctx: GqlContext) {
    return submissionOf(await this.intake.inbox(await this.tenant(ctx), id));
  }

  @Query(() => ReportAddressModel, { description: 'The intake address of your tenant (dmarc+<token>@...).' })
  async reportAddress(@Context() ctx: GqlContext) {
    return this.intake.address(await this.tenant(ctx));
  }

  @Query(() => DomainSourcesModel, {
    description: 'Sending sources of a domain from its reports, with the findings joined to the checks.',
  })
  async domainSources(
    @Args('domain') domain: string,
    @Context() ctx: GqlContext,
    @Args('days', { type: () => Int, nullable: true }) days?: number,
  ) {
    return this.join.sources(await this.tenant(ctx), domain, days ?? 30);
  }
}
