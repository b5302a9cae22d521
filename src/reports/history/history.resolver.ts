import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { AuthService } from '../../auth/auth.service';
import type { GqlContext } from '../../checks/checks.resolver';
import { gqlPrincipal } from '../../auth/gql-principal';
import { ExportService } from '../export/export.service';
import { DomainHistoryModel, HealthReportModel } from './history.model';
import { HistoryService } from './history.service';

/** Domain reports, history and check exports over GraphQL: the same service calls as REST. */
@Resolver(() => HealthReportModel)
export class HistoryResolver {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(HistoryService) private readonly history: HistoryService,
    @Inject(ExportService) private readonly exports: ExportService,
  ) {}

  @Query(() => HealthReportModel, { description: 'The latest health report of a domain.' })
  async domainReport(@Args('domain') domain: string, @Context() ctx: GqlContext) {
    return this.history.latest(await gqlPrincipal(this.auth, ctx), domain);
  }

  @Query(() => DomainHistoryModel, {
    description: 'Health scores of a domain, oldest first, with finding codes that appeared or disappeared.',
  })
  async domainHistory(
    @Args('domain') domain: string,
    @Context() ctx: GqlContext,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
  ) {
    return this.history.history(await gqlPrincipal(this.auth, ctx), domain, limit);
  }

  @Query(() => String, {
    description: 'A check rendered as a report: format json, md or html (a self-contained page).',
  })
  async checkReport(
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: GqlContext,
    @Args('format', { nullable: true }) format?: string,
  ) {
    return (await this.exports.exportCheck(await gqlPrincipal(this.auth, ctx), id, format)).body;
  }
}
