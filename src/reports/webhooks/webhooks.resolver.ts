import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AuthService } from '../../auth/auth.service';
import type { GqlContext } from '../../checks/checks.resolver';
import { gqlPrincipal } from '../../auth/gql-principal';
import { CreateWebhookInput } from './webhook.input';
import { CreatedWebhookModel, WebhookDeliveryPageModel, WebhookModel } from './webhook.model';
import { WebhooksService } from './webhooks.service';

/** Thin adapter over WebhooksService, the same operations as REST. */
@Resolver(() => WebhookModel)
export class WebhooksResolver {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(WebhooksService) private readonly webhooksService: WebhooksService,
  ) {}

  @Mutation(() => CreatedWebhookModel)
  async createWebhook(@Args('input') input: CreateWebhookInput, @Context() ctx: GqlContext) {
    return this.webhooksService.create(await gqlPrincipal(this.auth, ctx), { ...input });
  }

  @Query(() => [WebhookModel])
  async webhooks(@Context() ctx: GqlContext) {
    return (await this.webhooksService.list(await gqlPrincipal(this.auth, ctx))).items;
  }

  @Query(() => WebhookModel)
  async webhook(@Args('id', { type: () => ID }) id: string, @Context() ctx: GqlContext) {
    return this.webhooksService.get(await gqlPrincipal(this.auth, ctx), id);
  }

  @Mutation(() => Boolean)
  async deleteWebhook(@Args('id', { type: () => ID }) id: string, @Context() ctx: GqlContext) {
    await this.webhooksService.remove(await gqlPrincipal(this.auth, ctx), id);
    return true;
  }

  @Query(() => WebhookDeliveryPageModel)
  async webhookDeliveries(
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: GqlContext,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
  ) {
    return this.webhooksService.deliveries(await gqlPrincipal(this.auth, ctx), id, { limit, cursor });
  }
}
