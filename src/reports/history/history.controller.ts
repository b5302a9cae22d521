import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, CurrentPrincipal } from '../../api/auth.guard';
import { PLATFORM } from '../../api/tokens';
import type { Principal } from '../../auth/principal';
import type { Platform } from '../../platform';
import { reportsOf } from '../api/reports.feature';
import { DomainHistoryModel, HealthReportModel } from './history.model';

@ApiTags('reports')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('v1/domains')
export class HistoryController {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  @Get(':domain/report')
  @ApiOperation({ summary: 'The latest health report of a domain', description: 'Written by the last completed `health` check of this tenant for the domain.' })
  @ApiResponse({ status: 200, type: HealthReportModel })
  report(@CurrentPrincipal() p: Principal, @Param('domain') domain: string) {
    return reportsOf(this.platform).history.latest(p, domain);
  }

  @Get(':domain/history')
  @ApiOperation({ summary: 'Score history of a domain', description: 'Health scores oldest first, with the finding codes that appeared or disappeared since the previous run.' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'Newest runs to return (1-500, default 50).' })
  @ApiResponse({ status: 200, type: DomainHistoryModel })
  history(@CurrentPrincipal() p: Principal, @Param('domain') domain: string, @Query('limit') limit?: string) {
    return reportsOf(this.platform).history.history(p, domain, limit ? Number(limit) : undefined);
  }
}
