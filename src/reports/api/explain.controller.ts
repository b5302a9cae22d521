import { Body, Controller, HttpCode, Inject, Post, Query, Req, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
  getSchemaPath,
  ApiExtraModels,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiKeyGuard, CurrentPrincipal } from '../../api/auth.guard';
import type { Principal } from '../../auth/principal';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import { AnalyzeBounceInput, ExplainReplyInput } from './explain.input';
import { BounceAnalysisModel, ExplanationModel } from './explain.model';
import { ExplainService } from './explain.service';
import { isJsonBody, readBoundedBody } from './raw-body';
import { ApiKeyAuth, ApiProblems } from '../../api/openapi.decorators';

@ApiTags('reports')
@ApiKeyAuth()
@ApiProblems(400, 413)
@UseGuards(ApiKeyGuard)
@Controller('v1')
export class ExplainController {
  constructor(
    @Inject(ExplainService) private readonly explainer: ExplainService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('explain')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Explain an SMTP reply',
    description:
      'Category, meaning, likely causes, remediation and provider of a reply or NDR line. With ?diagnose=domain and a `domain` in the body, the suggested live checks are queued as one batch.',
  })
  @ApiBody({ type: ExplainReplyInput })
  @ApiQuery({ name: 'diagnose', required: false, enum: ['domain'] })
  @ApiResponse({ status: 200, type: ExplanationModel })
  explain(@CurrentPrincipal() p: Principal, @Body() body: unknown, @Query('diagnose') diagnose?: string) {
    return this.explainer.explain(p, body, typeof diagnose === 'string' ? diagnose : undefined);
  }

  @Post('bounces/analyze')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Analyse a bounce message',
    description:
      'RFC 3464 DSNs, RFC 5965 ARF reports, RFC 3834 auto-replies and the non-standard bounces of common MTAs. Send the raw message as message/rfc822 or text/plain, or JSON { message }. Bounded by BOUNCE_MAX_BYTES.',
  })
  @ApiConsumes('application/json', 'message/rfc822', 'text/plain')
  @ApiExtraModels(AnalyzeBounceInput)
  @ApiBody({
    schema: {
      oneOf: [{ $ref: getSchemaPath(AnalyzeBounceInput) }, { type: 'string', description: 'The raw message' }],
    },
  })
  @ApiResponse({ status: 200, type: BounceAnalysisModel })
  async analyzeBounce(@Req() req: Request) {
    if (isJsonBody(req)) return this.explainer.analyzeBounceJson(req.body);
    return this.explainer.analyzeBounce(await readBoundedBody(req, this.config.reports.bounceMaxBytes));
  }
}
