import { Inject } from '@nestjs/common';
import { Args, Context, Int, Query, Resolver } from '@nestjs/graphql';
import { PLATFORM } from '../../api/tokens';
import type { GqlContext } from '../../checks/checks.resolver';
import type { Platform } from '../../platform';
import { gqlPrincipal } from '../api/gql-principal';
import { reportsOf } from '../api/reports.feature';
import { exportCheck } from '../export/export.service';
import { DomainHistoryModel, HealthReportModel } from './history.model';

/** Domain reports, history and check exports over GraphQL: the same service calls as REST. */
@Resolver(() => HealthReportModel)
export class HistoryResolver {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  @Query(() => HealthReportModel, { description: 'The latest health report of a domain.' })
  async domainReport(@Args('domain') domain: string, @Context() ctx: GqlContext) {
    return reportsOf(this.platform).history.latest(await gqlPrincipal(this.platform, ctx), domain);
  }

  @Query(() => DomainHistoryModel, { description: 'Health scores of a domain, oldest first, with finding codes that appeared or disappeared.' })
  async domainHistory(@Args('domain') domain: string, @Context() ctx: GqlContext, @Args('limit', { type: () => Int, nullable: true }) limit?: number) {
    return reportsOf(this.platform).history.history(await gqlPrincipal(this.platform, ctx), domain, limit);
  }

  @Query(() => String, { description: 'A check rendered as a report: format json, md or html (a self-contained page).' })
  async checkReport(@Args('id') id: string, @Context() ctx: GqlContext, @Args('format', { nullable: true }) format?: string) {
    return (await exportCheck(this.platform, await gqlPrincipal(this.platform, ctx), id, format)).body;
  }
}
