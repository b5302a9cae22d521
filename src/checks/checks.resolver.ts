import { Args, Context, Field, ID, Int, Mutation, ObjectType, Query, Resolver, Subscription } from '@nestjs/graphql';
import { Inject } from '@nestjs/common';
import { gqlClientAddress } from '../auth/auth-throttle';
import type { Principal } from '../auth/principal';
import { AuthService } from '../auth/auth.service';
import { CheckEventBus } from '../infra/queue/event-bus';
import { BatchModel, CheckModel, CheckPageModel, FindingDefinitionModel, SubmittedCheckModel } from './check.model';
import { ChecksService, isFinished } from './checks.service';
import { KindRegistry } from './registry';
import { SubmitBatchInput, SubmitCheckInput, toRestBody } from './submit-check.input';
import { SubmitsChecks } from '../ratelimit/submits-checks.decorator';

@ObjectType('SubmittedBatch')
class SubmittedBatchModel {
  @Field(() => ID) id!: string;
  @Field(() => Int) total!: number;
}

export interface GqlContext {
  req?: { headers?: Record<string, unknown>; ip?: string };
  connectionParams?: Record<string, unknown>;
  /** The client address of a graphql-ws connection (set by the context in api.module.ts). */
  wsClientIp?: string;
  principal?: Promise<Principal>;
}

/** Thin adapter: every operation is one call into ChecksService, same as REST. */
@Resolver(() => CheckModel)
export class ChecksResolver {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(ChecksService) private readonly checksService: ChecksService,
    @Inject(CheckEventBus) private readonly events: CheckEventBus,
    @Inject(KindRegistry) private readonly kinds: KindRegistry,
  ) {}

  private principal(ctx: GqlContext): Promise<Principal> {
    if (!ctx.principal) {
      const cp = ctx.connectionParams ?? {};
      const header = ctx.req?.headers?.authorization ?? cp.authorization ?? cp.Authorization;
      ctx.principal = this.auth.authenticate(header, gqlClientAddress(ctx));
    }
    return ctx.principal;
  }

  @Mutation(() => SubmittedCheckModel)
  @SubmitsChecks('check')
  async submitCheck(@Args('input') input: SubmitCheckInput, @Context() ctx: GqlContext) {
    return this.checksService.submit(await this.principal(ctx), toRestBody(input));
  }

  @Query(() => CheckModel)
  async check(@Args('id', { type: () => ID }) id: string, @Context() ctx: GqlContext) {
    return this.checksService.get(await this.principal(ctx), id);
  }

  @Query(() => CheckPageModel)
  async checks(
    @Context() ctx: GqlContext,
    @Args('kind', { nullable: true }) kind?: string,
    @Args('target', { nullable: true }) target?: string,
    @Args('status', { nullable: true }) status?: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
  ) {
    return this.checksService.list(await this.principal(ctx), { kind, target, status, limit, cursor });
  }

  @Mutation(() => SubmittedBatchModel)
  @SubmitsChecks('batch')
  async submitBatch(@Args('input') input: SubmitBatchInput, @Context() ctx: GqlContext) {
    return this.checksService.submitBatch(await this.principal(ctx), {
      checks: input.checks.map((c, i) => toRestBody(c, `input.checks[${i}]`)),
    });
  }

  @Query(() => BatchModel)
  async batch(@Args('id', { type: () => ID }) id: string, @Context() ctx: GqlContext) {
    return this.checksService.getBatch(await this.principal(ctx), id);
  }

  @Query(() => [FindingDefinitionModel])
  findingCatalog() {
    return this.kinds.findingCatalog();
  }

  /**
   * Live updates of one check over graphql-ws. The first message is the current state; the stream
   * ends after the final state. Another tenant's id fails exactly like an unknown id.
   */
  @Subscription(() => CheckModel, { resolve: (v: CheckModel) => v })
  async checkUpdated(@Args('id', { type: () => ID }) id: string, @Context() ctx: GqlContext) {
    const p = await this.principal(ctx);
    await this.checksService.get(p, id);
    return this.stream(p, id);
  }

  private async *stream(p: Principal, id: string): AsyncGenerator<CheckModel> {
    const pending: { progress?: number; phase?: string }[] = [];
    let wake: (() => void) | undefined;
    const off = this.events.on(id, (e) => {
      pending.push({ progress: e.progress, phase: e.phase });
      wake?.();
    });
    try {
      let current = await this.checksService.get(p, id);
      yield current;
      while (!isFinished(current.status)) {
        if (!pending.length) {
          // Poll too, so a missed event (published before we subscribed) cannot stall the stream.
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, 1000);
          });
          wake = undefined;
        }
        const live = pending.splice(0).pop();
        const next = await this.checksService.get(p, id);
        if (next.status !== current.status || live) {
          current = {
            ...next,
            ...(live?.progress !== undefined && !isFinished(next.status) ? { progress: live.progress } : {}),
            ...(live?.phase && !isFinished(next.status) ? { phase: live.phase } : {}),
          };
          yield current;
        }
      }
    } finally {
      off();
    }
  }
}
