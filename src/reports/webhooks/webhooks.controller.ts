import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiKeyGuard, CurrentPrincipal } from '../../api/auth.guard';
import type { Principal } from '../../auth/principal';
import { CreateWebhookInput } from './webhook.input';
import { CreatedWebhookModel, WebhookDeliveryPageModel, WebhookModel, WebhookPageModel } from './webhook.model';
import { WebhooksService } from './webhooks.service';
import { ApiCursorPage, PageParams, type PageQuery } from '../../api/cursor-page';
import { ApiKeyAuth, ApiProblems } from '../../api/openapi.decorators';

@ApiTags('webhooks')
@ApiKeyAuth()
@UseGuards(ApiKeyGuard)
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(@Inject(WebhooksService) private readonly webhooks: WebhooksService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Register a webhook',
    description:
      'Events: check.completed, batch.completed, health.changed, monitor.alert. Deliveries are POSTed as JSON and signed: `Smtp-Doctor-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`. The URL obeys the probe\'s SSRF policy.',
  })
  @ApiBody({ type: CreateWebhookInput })
  @ApiResponse({ status: 201, type: CreatedWebhookModel })
  @ApiProblems(400, 413)
  async create(@CurrentPrincipal() p: Principal, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const created = await this.webhooks.create(p, body);
    res.setHeader('Location', `/v1/webhooks/${created.id}`);
    return created;
  }

  @Get()
  @ApiOperation({ summary: "List the tenant's webhooks" })
  @ApiResponse({ status: 200, type: WebhookPageModel })
  list(@CurrentPrincipal() p: Principal) {
    return this.webhooks.list(p);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a webhook' })
  @ApiResponse({ status: 200, type: WebhookModel })
  @ApiProblems(404)
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.webhooks.get(p, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook and its delivery records' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiProblems(404)
  async remove(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    await this.webhooks.remove(p, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Delivery records of a webhook, newest first' })
  @ApiCursorPage(WebhookDeliveryPageModel)
  @ApiProblems(400, 404)
  deliveries(@CurrentPrincipal() p: Principal, @Param('id') id: string, @PageParams() page: PageQuery) {
    return this.webhooks.deliveries(p, id, page);
  }
}
