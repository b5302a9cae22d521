import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiKeyGuard, CurrentPrincipal } from '../api/auth.guard';
import { ApiCursorPage, PageParams, type PageQuery } from '../api/cursor-page';
import { ApiKeyAuth, ApiProblems } from '../api/openapi.decorators';
import type { Principal } from '../auth/principal';
import { CheckPageModel } from '../checks/check.model';
import { CreateMonitorInput, UpdateMonitorInput } from './monitor.input';
import { MonitorAlertPageModel, MonitorModel, MonitorPageModel, MonitorRunModel } from './monitor.model';
import { MonitorsService } from './monitors.service';

@ApiTags('monitors')
@ApiKeyAuth()
@UseGuards(ApiKeyGuard)
@Controller('v1/monitors')
export class MonitorsController {
  constructor(@Inject(MonitorsService) private readonly monitors: MonitorsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a monitor',
    description:
      'Runs the given kinds against the target every `intervalSeconds` (at least MONITOR_MIN_INTERVAL_S, jittered), each run an ordinary stored check with `monitorId`, and alerts on change (after `confirmations` agreeing results) through its channels.',
  })
  @ApiBody({ type: CreateMonitorInput })
  @ApiResponse({ status: 201, type: MonitorModel })
  @ApiProblems(400, 413)
  async create(@CurrentPrincipal() p: Principal, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const created = await this.monitors.create(p, body);
    res.setHeader('Location', `/v1/monitors/${created.id}`);
    return created;
  }

  @Get()
  @ApiOperation({ summary: "List the tenant's monitors, newest first" })
  @ApiCursorPage(MonitorPageModel)
  @ApiProblems(400)
  list(@CurrentPrincipal() p: Principal, @PageParams() page: PageQuery) {
    return this.monitors.list(p, page);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a monitor with its confirmed state per kind and its next run' })
  @ApiResponse({ status: 200, type: MonitorModel })
  @ApiProblems(404)
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.monitors.get(p, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a monitor (name, kinds, interval, confirmations, channels)' })
  @ApiBody({ type: UpdateMonitorInput })
  @ApiResponse({ status: 200, type: MonitorModel })
  @ApiProblems(400, 404, 413)
  update(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.monitors.update(p, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a monitor, its schedule, state and alerts (its checks stay in history)' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiProblems(404)
  async remove(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    await this.monitors.remove(p, id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a monitor (its scheduler is removed)' })
  @ApiResponse({ status: 200, type: MonitorModel })
  @ApiProblems(404)
  pause(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.monitors.pause(p, id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused monitor' })
  @ApiResponse({ status: 200, type: MonitorModel })
  @ApiProblems(404)
  resume(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.monitors.resume(p, id);
  }

  @Post(':id/run')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Run a monitor now, outside its schedule; returns the checks it submitted',
    description:
      "Its checks count toward the tenant's daily quota (QUOTA_DAILY_CHECKS), as scheduled runs do; over it, 429 QUOTA_EXCEEDED.",
  })
  @ApiResponse({ status: 202, type: MonitorRunModel })
  @ApiProblems(404, 429)
  run(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.monitors.runNow(p, id);
  }

  @Get(':id/checks')
  @ApiOperation({ summary: "The monitor's checks (its runs), newest first" })
  @ApiCursorPage(CheckPageModel)
  @ApiProblems(400, 404)
  checks(@CurrentPrincipal() p: Principal, @Param('id') id: string, @PageParams() page: PageQuery) {
    return this.monitors.checks(p, id, page);
  }

  @Get(':id/alerts')
  @ApiOperation({ summary: "The monitor's alerts, newest first, each with its deliveries per channel" })
  @ApiCursorPage(MonitorAlertPageModel)
  @ApiProblems(400, 404)
  alerts(@CurrentPrincipal() p: Principal, @Param('id') id: string, @PageParams() page: PageQuery) {
    return this.monitors.alerts(p, id, page);
  }
}
