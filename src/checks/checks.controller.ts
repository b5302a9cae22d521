import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiKeyGuard, CurrentPrincipal } from '../api/auth.guard';
import type { Principal } from '../auth/principal';
import { CheckModel, CheckPageModel, SubmittedCheckModel } from './check.model';
import { ChecksService, isFinished } from './checks.service';
import { SUBMIT_SCHEMA } from './submit.schema';
import { ApiCursorPage, PageParams, type PageQuery } from '../api/cursor-page';
import { ApiKeyAuth, ApiProblems } from '../api/openapi.decorators';
import { SubmitsChecks } from '../ratelimit/submits-checks.decorator';

/** The kinds' input classes are added as OpenAPI models at boot (kind-contracts.ts). */
@ApiTags('checks')
@ApiKeyAuth()
@UseGuards(ApiKeyGuard)
@Controller('v1/checks')
export class ChecksController {
  constructor(@Inject(ChecksService) private readonly checks: ChecksService) {}

  @Post()
  @HttpCode(202)
  @SubmitsChecks('check')
  @ApiOperation({
    summary: 'Submit a check',
    description:
      'Validates, stores and queues the check. With ?wait=N (seconds, max 30) answers 200 with the finished check when it finishes in time.',
  })
  @ApiBody({ schema: SUBMIT_SCHEMA })
  @ApiQuery({ name: 'wait', required: false, type: Number, description: 'Seconds to wait for completion (0-30).' })
  @ApiResponse({ status: 202, type: SubmittedCheckModel })
  @ApiResponse({ status: 200, type: CheckModel, description: 'Finished within ?wait' })
  @ApiProblems(400, 413)
  async submit(
    @CurrentPrincipal() p: Principal,
    @Body() body: unknown,
    @Query('wait') wait: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const submitted = await this.checks.submit(p, body);
    res.setHeader('Location', `/v1/checks/${submitted.id}`);
    const seconds = Number(wait);
    if (wait !== undefined && Number.isFinite(seconds) && seconds > 0) {
      const check = await this.checks.wait(p, submitted.id, seconds);
      if (isFinished(check.status)) {
        res.status(200);
        return check;
      }
    }
    return submitted;
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a check with its verdict, findings and evidence' })
  @ApiResponse({ status: 200, type: CheckModel })
  @ApiProblems(404)
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.checks.get(p, id);
  }

  @Get()
  @ApiOperation({ summary: 'List checks, newest first' })
  @ApiQuery({ name: 'kind', required: false })
  @ApiQuery({ name: 'target', required: false })
  @ApiQuery({ name: 'status', required: false, enum: ['queued', 'running', 'completed', 'failed'] })
  @ApiCursorPage(CheckPageModel)
  @ApiProblems(400)
  list(
    @CurrentPrincipal() p: Principal,
    @PageParams() page: PageQuery,
    @Query('kind') kind?: string,
    @Query('target') target?: string,
    @Query('status') status?: string,
  ) {
    const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return this.checks.list(p, {
      kind: s(kind),
      target: s(target),
      status: s(status),
      ...page,
    });
  }
}
