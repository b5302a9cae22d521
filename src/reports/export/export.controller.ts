import { Controller, Get, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiKeyGuard, CurrentPrincipal } from '../../api/auth.guard';
import type { Principal } from '../../auth/principal';
import { ExportService } from './export.service';
import { ApiKeyAuth, ApiProblems } from '../../api/openapi.decorators';

@ApiTags('reports')
@ApiKeyAuth()
@UseGuards(ApiKeyGuard)
@Controller('v1/checks')
export class ExportController {
  constructor(@Inject(ExportService) private readonly exports: ExportService) {}

  @Get(':id/report')
  @ApiOperation({
    summary: 'Export a check as a report',
    description:
      'json: the check object; md: Markdown; html: one self-contained page (inline CSS, no scripts or external resources) to save or send to a provider.',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'md', 'html'] })
  @ApiQuery({
    name: 'download',
    required: false,
    type: Boolean,
    description: 'Ask the browser to save the file (Content-Disposition: attachment).',
  })
  @ApiProduces('application/json', 'text/markdown', 'text/html')
  @ApiResponse({ status: 200, description: 'The report in the requested format.' })
  @ApiProblems(400, 404)
  async report(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Res() res: Response,
    @Query('format') format?: string,
    @Query('download') download?: string,
  ) {
    const r = await this.exports.exportCheck(p, id, typeof format === 'string' ? format : undefined);
    res.setHeader('Content-Type', r.contentType);
    // The page needs nothing but its inline styles; forbid everything else.
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader(
      'Content-Disposition',
      `${download === 'true' || download === '1' ? 'attachment' : 'inline'}; filename="${r.filename}.${r.extension}"`,
    );
    res.status(200).send(r.body);
  }
}
