import { Body, Controller, HttpCode, Inject, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiResponse, ApiTags, getSchemaPath, ApiExtraModels } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiKeyGuard, CurrentPrincipal } from '../../api/auth.guard';
import { PLATFORM } from '../../api/tokens';
import type { Principal } from '../../auth/principal';
import type { Platform } from '../../platform';
import { AnalyzeBounceInput, ExplainReplyInput } from './explain.input';
import { BounceAnalysisModel, ExplanationModel } from './explain.model';
import { isJsonBody, readBoundedBody } from './raw-body';
import { reportsOf } from './reports.feature';

@ApiTags('reports')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('v1')
export class ExplainController {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  @Post('explain')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Explain an SMTP reply',
    description: 'Category, meaning, likely causes, remediation and provider of a reply or NDR line. With ?diagnose=domain and a `domain` in the body, the suggested live checks are queued as one batch.',
  })
  @ApiBody({ type: ExplainReplyInput })
  @ApiQuery({ name: 'diagnose', required: false, enum: ['domain'] })
  @ApiResponse({ status: 200, type: ExplanationModel })
  explain(@CurrentPrincipal() p: Principal, @Body() body: unknown, @Query('diagnose') diagnose?: string) {
    return reportsOf(this.platform).explain.explain(p, body, typeof diagnose === 'string' ? diagnose : undefined);
  }

  @Post('bounces/analyze')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Analyse a bounce message',
    description: 'RFC 3464 DSNs, RFC 5965 ARF reports, RFC 3834 auto-replies and the non-standard bounces of common MTAs. Send the raw message as message/rfc822 or text/plain, or JSON { message }. Bounded by BOUNCE_MAX_BYTES.',
  })
  @ApiConsumes('application/json', 'message/rfc822', 'text/plain')
  @ApiExtraModels(AnalyzeBounceInput)
  @ApiBody({ schema: { oneOf: [{ $ref: getSchemaPath(AnalyzeBounceInput) }, { type: 'string', description: 'The raw message' }] } })
  @ApiResponse({ status: 200, type: BounceAnalysisModel })
  async analyzeBounce(@Req() req: Request) {
    const reports = reportsOf(this.platform);
    if (isJsonBody(req)) return reports.explain.analyzeBounceJson(req.body);
    return reports.explain.analyzeBounce(await readBoundedBody(req, reports.bounceMaxBytes));
  }
}
