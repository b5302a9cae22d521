import { Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOperation,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiKeyGuard } from '../../api/auth.guard';
import { AnalyzeLogsInput, LogAnalysisModel } from './logs.model';
import { LogsService } from './logs.service';
import { isJsonBody } from './raw-body';
import { ApiKeyAuth, ApiProblems } from '../../api/openapi.decorators';

@ApiTags('reports')
@ApiKeyAuth()
@UseGuards(ApiKeyGuard)
@Controller('v1/logs')
export class LogsController {
  constructor(@Inject(LogsService) private readonly logs: LogsService) {}

  @Post('analyze')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Analyse a Postfix, Exim or Sendmail log',
    description:
      'Stream the log as text/plain (any size up to LOG_MAX_BYTES; processed as it arrives, in bounded memory), or send JSON { text } for small logs. Returns sent/deferred/bounced counts and the top error patterns with an explanation each.',
  })
  @ApiConsumes('text/plain', 'application/json')
  @ApiExtraModels(AnalyzeLogsInput)
  @ApiBody({
    schema: { oneOf: [{ type: 'string', description: 'Log lines' }, { $ref: getSchemaPath(AnalyzeLogsInput) }] },
  })
  @ApiResponse({ status: 200, type: LogAnalysisModel })
  @ApiProblems(400, 413, 422)
  analyze(@Req() req: Request) {
    return isJsonBody(req) ? this.logs.analyzeJson(req.body) : this.logs.analyzeStream(req);
  }
}
