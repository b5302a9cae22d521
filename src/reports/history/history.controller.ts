import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, CurrentPrincipal } from '../../api/auth.guard';
import type { Principal } from '../../auth/principal';
import { DomainHistoryModel, HealthReportModel } from './history.model';
import { HistoryService } from './history.service';
import { ApiKeyAuth, ApiProblems } from '../../api/openapi.decorators';

@ApiTags('reports')
@ApiKeyAuth()
@ApiProblems(400, 404)
@UseGuards(ApiKeyGuard)
@Controller('v1/domains')
export class HistoryController {
  constructor(@Inject(HistoryService) private readonly historyService: HistoryService) {}

  @Get(':domain/report')
  @ApiOperation({
    summary: 'The latest health report of a domain',
    description: 'Written by the last completed `health` check of this tenant for the domain.',
  })
  @ApiResponse({ status: 200, type: HealthReportModel })
  report(@CurrentPrincipal() p: Principal, @Param('domain') domain: string) {
    return this.historyService.latest(p, domain);
  }

  @Get(':domain/history')
  @ApiOperation({
    summary: 'Score history of a domain',
    description:
      'Health scores oldest first, with the finding codes that appeared or disappeared since the previous run.',
  })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'Newest runs to return (1-500, default 50).' })
  @ApiResponse({ status: 200, type: DomainHistoryModel })
  history(@CurrentPrincipal() p: Principal, @Param('domain') domain: string, @Query('limit') limit?: string) {
    return this.historyService.history(p, domain, limit ? Number(limit) : undefined);
  }
}
