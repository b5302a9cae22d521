import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import { AuthService } from '../auth/auth.service';
import { CheckPageModel } from '../checks/check.model';
import type { GqlContext } from '../checks/checks.resolver';
import type { EventTopic } from '../infra/queue/event-topics';
import { gqlPrincipal } from '../auth/gql-principal';
import { CreateMonitorInput, UpdateMonitorInput } from './monitor.input';
import {
  MonitorAlertPageModel,
  MonitorEventModel,
  MonitorModel,
  MonitorPageModel,
  MonitorRunModel,
} from './monitor.model';
import { MonitorsService } from './monitors.service';

export const MONITOR_EVENT_TOPIC = Symbol('MONITOR_EVENT_TOPIC');

/** Thin adapter over MonitorsService, the same operations as REST, plus live monitor events. */
@Resolver(() => MonitorModel)
export class MonitorsResolver {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(MonitorsService) private readonly monitorsService: MonitorsService,
    @Inject(MONITOR_EVENT_TOPIC) private readonly events: EventTopic<MonitorEventModel>,
  ) {}

  @Mutation(() => MonitorModel)
  async createMonitor(@Args('input') input: CreateMonitorInput, @Context() ctx: GqlContext) {
    return this.monitorsService.create(await gqlPrincipal(this.auth, ctx), { ...input });
  }

  @Mutation(() => MonitorModel)
  async updateMonitor(
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateMonitorInput,
    @Context() ctx: GqlContext,
  ) {
    return this.monitorsService.update(await gqlPrincipal(this.auth, ctx), id, { ...input });
  }

  @Query(() => MonitorPageModel)
  async monitors(
    @Context() ctx: GqlContext,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
  ) {
    return this.monitorsService.list(await gqlPrincipal(this.auth, ctx), { limit, cursor });
  }

  @Query(() => MonitorModel)
  async monitor(@Args('id', { type: () => ID }) id: string, @Context() ctx: GqlContext) {
    return this.monitorsService.get(await gqlPrincipal(this.auth, ctx), id);
  }

  @Query(() => CheckPageModel)
  async monitorChecks(
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: GqlContext,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
  ) {
    return this.monitorsService.checks(await gqlPrincipal(this.auth, ctx), id, { limit, cursor });
  }

  @Query(() => MonitorAlertPageModel)
  async monitorAlerts(
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: GqlContext,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
  ) {
    return this.monitorsService.alerts(await gqlPrincipal(this.auth, ctx), id, { limit, cursor });
  }

  @Mutation(() => Boolean)
  async deleteMonitor(@Args('id', { type: () => ID }) id: string, @Context() ctx: GqlContext) {
    await this.monitorsService.remove(await gqlPrincipal(this.auth, ctx), id);
    return true;
  }

  @Mutation(() => MonitorModel)
  async pauseMonitor(@Args('id', { type: () => ID }) id: string, @Context() ctx: GqlContext) {
    return this.monitorsService.pause(await gqlPrincipal(this.auth, ctx), id);
  }

  @Mutation(() => MonitorModel)
  async resumeMonitor(@Args('id', { type: () => ID }) id: string, @Context() ctx: GqlContext) {
    return this.monitorsService.resume(await gqlPrincipal(this.auth, ctx), id);
  }

  @Mutation(() => MonitorRunModel)
  async runMonitor(@Args('id', { type: () => ID }) id: string, @Context() ctx: GqlContext) {
    return this.monitorsService.runNow(await gqlPrincipal(this.auth, ctx), id);
  }

  /**
   * Live events of one monitor over graphql-ws: `run` (checks submitted), `result` (a check
   * finished) and `alert`. The stream lasts until the client stops it. Another tenant's id fails
   * exactly like an unknown id.
   */
  @Subscription(() => MonitorEventModel, { resolve: (v: MonitorEventModel) => v })
  async monitorEvents(@Args('id', { type: () => ID }) id: string, @Context() ctx: GqlContext) {
    await this.monitorsService.assertVisible(await gqlPrincipal(this.auth, ctx), id);
    return this.stream(id);
  }

  private async *stream(id: string): AsyncGenerator<MonitorEventModel> {
    const pending: MonitorEventModel[] = [];
    let wake: (() => void) | undefined;
    const off = await this.events.on(id, (e) => {
      pending.push(e);
      wake?.();
    });
    try {
      for (;;) {
        if (!pending.length) {
          await new Promise<void>((r) => {
            wake = r;
            // Re-check now and then, so a generator whose client left is not parked forever.
            setTimeout(r, 30_000);
          });
          wake = undefined;
        }
        while (pending.length) yield pending.shift()!;
      }
    } finally {
      off();
    }
  }
}
