import { Inject } from '@nestjs/common';
import { Args, Context, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { PLATFORM } from '../../api/tokens';
import type { GqlContext } from '../../checks/checks.resolver';
import type { Platform } from '../../platform';
import { gqlPrincipal } from '../api/gql-principal';
import { reportsOf } from '../api/reports.feature';
import { CreateWebhookInput } from './webhook.input';
import { CreatedWebhookModel, WebhookDeliveryPageModel, WebhookModel } from './webhook.model';

/** Thin adapter over WebhooksService, the same operations as REST. */
@Resolver(() => WebhookModel)
export class WebhooksResolver {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  @Mutation(() => CreatedWebhookModel)
  async createWebhook(@Args('input') input: CreateWebhookInput, @Context() ctx: GqlContext) {
    return reportsOf(this.platform).webhooks.create(await gqlPrincipal(this.platform, ctx), { ...input });
  }

  @Query(() => [WebhookModel])
  async webhooks(@Context() ctx: GqlContext) {
    return (await reportsOf(this.platform).webhooks.list(await gqlPrincipal(this.platform, ctx))).items;
  }

  @Query(() => WebhookModel)
  async webhook(@Args('id') id: string, @Context() ctx: GqlContext) {
    return reportsOf(this.platform).webhooks.get(await gqlPrincipal(this.platform, ctx), id);
  }

  @Mutation(() => Boolean)
  async deleteWebhook(@Args('id') id: string, @Context() ctx: GqlContext) {
    await reportsOf(this.platform).webhooks.remove(await gqlPrincipal(this.platform, ctx), id);
    return true;
  }

  @Query(() => WebhookDeliveryPageModel)
  async webhookDeliveries(
    @Args('id') id: string,
    @Context() ctx: GqlContext,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
  ) {
    return reportsOf(this.platform).webhooks.deliveries(await gqlPrincipal(this.platform, ctx), id, { limit, cursor });
  }
}
