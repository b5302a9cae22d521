import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth, ApiProblems } from '../../api/openapi.decorators';
import type { Request, Response } from 'express';
import { ApiKeyGuard, CurrentPrincipal } from '../../api/auth.guard';
import type { Principal } from '../../auth/principal';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import { isJsonBody, readBoundedBody } from '../api/raw-body';
import { ReportIntakeService, type InboxView } from './intake.service';
import { ReportJoinService } from './report-join.service';
import { DomainSourcesModel, ReceivedReportModel, ReportAddressModel, ReportSubmissionModel } from './report.model';
import { DomainError } from '../../common/errors/domain-error';

export function submissionOf(v: InboxView): ReportSubmissionModel {
  return {
    id: v.id,
    source: v.source,
    status: v.status,
    size: v.size,
    code: v.code,
    reason: v.reason,
    reportIds: v.report_ids ? (JSON.parse(v.report_ids) as string[]) : [],
    receivedAt: v.received_at,
    completedAt: v.completed_at,
  };
}

function waitSeconds(v: unknown): number {
  if (v === undefined) return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 60)
    throw new DomainError('VALIDATION_FAILED', 'wait must be an integer number of seconds, 0..60.', [
      { field: 'wait', message: 'must be an integer 0..60' },
    ]);
  return n;
}

@ApiTags('reports')
@ApiKeyAuth()
@ApiProblems(400, 403, 404)
@UseGuards(ApiKeyGuard)
@Controller('v1')
export class ReportsController {
  constructor(
    @Inject(ReportIntakeService) private readonly intake: ReportIntakeService,
    @Inject(ReportJoinService) private readonly join: ReportJoinService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('reports')
  @ApiOperation({
    summary: 'Upload a DMARC or TLS report',
    description:
      'A DMARC aggregate report (XML, gzip or zip), a TLS-RPT report (JSON), or a whole message carrying either or a DMARC failure report (ARF). Queued as a job, parsed with bounded memory, stored once per tenant. With ?wait=N the answer waits up to N seconds for the outcome: 200 when stored, 422 problem+json when refused (code and reason).',
  })
  @ApiConsumes(
    'application/xml',
    'application/gzip',
    'application/zip',
    'application/json',
    'message/rfc822',
    'application/octet-stream',
  )
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiQuery({ name: 'wait', required: false, type: Number })
  @ApiResponse({ status: 202, type: ReportSubmissionModel, description: 'Queued.' })
  @ApiResponse({ status: 200, type: ReportSubmissionModel, description: 'Stored (with ?wait).' })
  @ApiProblems(413, 422)
  @HttpCode(202)
  async upload(
    @CurrentPrincipal() p: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query('wait') wait?: string,
  ) {
    ReportIntakeService.secretOnly(p);
    const seconds = waitSeconds(wait);
    const max = this.config.reportsIntake.limits.maxInputBytes;
    const body = isJsonBody(req) ? Buffer.from(JSON.stringify(req.body ?? null)) : await readBoundedBody(req, max);
    let v = await this.intake.submit(p.tenantId, body, 'upload');
    if (seconds > 0) v = await this.intake.waitFor(p.tenantId, v.id, seconds);
    if (v.status === 'refused')
      throw new DomainError('REPORT_REJECTED', v.reason ?? 'The report was refused.', undefined, {
        reason: v.code,
        submission: submissionOf(v),
      });
    if (v.status === 'stored') res.status(200);
    return submissionOf(v);
  }

  @Get('reports/address')
  @ApiOperation({
    summary: 'The intake address of your tenant',
    description: 'Put it in rua=/ruf= of your DMARC record and rua= of your TLS-RPT record (REPORTS_SMTP_DOMAIN).',
  })
  @ApiResponse({ status: 200, type: ReportAddressModel })
  address(@CurrentPrincipal() p: Principal) {
    ReportIntakeService.secretOnly(p);
    return this.intake.address(p.tenantId);
  }

  @Get('reports/submissions/:id')
  @ApiOperation({ summary: 'What became of an upload or a received message' })
  @ApiResponse({ status: 200, type: ReportSubmissionModel })
  async submission(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    ReportIntakeService.secretOnly(p);
    return submissionOf(await this.intake.inbox(p.tenantId, id));
  }

  @Get('reports')
  @ApiOperation({ summary: 'Received reports, newest first' })
  @ApiQuery({ name: 'domain', required: false })
  @ApiQuery({ name: 'kind', required: false, enum: ['aggregate', 'failure', 'tlsrpt'] })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiResponse({ status: 200, type: [ReceivedReportModel] })
  list(
    @CurrentPrincipal() p: Principal,
    @Query('domain') domain?: string,
    @Query('kind') kind?: string,
    @Query('limit') limit?: string,
  ) {
    ReportIntakeService.secretOnly(p);
    return this.intake.list(p.tenantId, { domain, kind, ...(limit ? { limit: Number(limit) || 50 } : {}) });
  }

  @Get('reports/:id')
  @ApiOperation({ summary: 'One received report, parsed' })
  @ApiResponse({ status: 200, type: ReceivedReportModel })
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    ReportIntakeService.secretOnly(p);
    return this.intake.get(p.tenantId, id);
  }

  @Get('domains/:domain/sources')
  @ApiOperation({
    summary: 'Sending sources of a domain, from its reports, joined to the checks',
    description:
      'Per source IP: PTR, volume, SPF/DKIM alignment and DMARC pass rates, dispositions; DKIM selectors and TLS failures reported; findings (sources not in SPF, selectors the dns audit missed, TLS failures matched to the probe, the next DMARC policy step).',
  })
  @ApiQuery({ name: 'days', required: false, type: Number, description: 'Period in days (1-366, default 30).' })
  @ApiResponse({ status: 200, type: DomainSourcesModel })
  sources(@CurrentPrincipal() p: Principal, @Param('domain') domain: string, @Query('days') days?: string) {
    ReportIntakeService.secretOnly(p);
    const d = days === undefined ? 30 : Number(days);
    if (!Number.isInteger(d) || d < 1 || d > 366)
      throw new DomainError('VALIDATION_FAILED', 'days must be an integer 1..366.', [
        { field: 'days', message: 'must be an integer 1..366' },
      ]);
    return this.join.sources(p.tenantId, domain, d);
  }
}
