import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiKeyGuard, CurrentPrincipal } from '../api/auth.guard';
import type { Principal } from '../auth/principal';
import { BatchModel, CheckPageModel } from './check.model';
import { ChecksService, MAX_BATCH } from './checks.service';
import { SUBMIT_SCHEMA } from './submit.schema';
import { ApiCursorPage, PageParams, type PageQuery } from '../api/cursor-page';
import { ApiKeyAuth, ApiProblems } from '../api/openapi.decorators';
import { SubmitsChecks } from '../ratelimit/submits-checks.decorator';

@ApiTags('batches')
@ApiKeyAuth()
@UseGuards(ApiKeyGuard)
@Controller('v1/batches')
export class BatchesController {
  constructor(@Inject(ChecksService) private readonly checksService: ChecksService) {}

  @Post()
  @HttpCode(202)
  @SubmitsChecks('batch')
  @ApiOperation({
    summary: `Submit up to ${MAX_BATCH} checks at once`,
    description: 'All or nothing: invalid items are rejected up front with their indexes (invalidIndexes).',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['checks'],
      properties: { checks: { type: 'array', maxItems: MAX_BATCH, items: SUBMIT_SCHEMA } },
    },
  })
  @ApiResponse({
    status: 202,
    schema: { type: 'object', properties: { id: { type: 'string' }, total: { type: 'integer' } } },
  })
  @ApiProblems(400, 413)
  async submit(@CurrentPrincipal() p: Principal, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const b = await this.checksService.submitBatch(p, body);
    res.setHeader('Location', `/v1/batches/${b.id}`);
    return b;
  }

  @Get(':id')
  @ApiOperation({ summary: 'Progress of a batch' })
  @ApiResponse({ status: 200, type: BatchModel })
  @ApiProblems(404)
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.checksService.getBatch(p, id);
  }

  @Get(':id/checks')
  @ApiOperation({ summary: 'Page through the checks of a batch' })
  @ApiCursorPage(CheckPageModel)
  @ApiProblems(400, 404)
  checks(@CurrentPrincipal() p: Principal, @Param('id') id: string, @PageParams() page: PageQuery) {
    return this.checksService.batchChecks(p, id, page);
  }
}
