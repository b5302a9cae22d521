import { Body, Controller, Get, Inject, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../api/auth.guard';
import { validateOrThrow } from '../common/errors/validate-input';
import { BrowserAccessModel } from '../admin/admin.model';
import { BrowserAccessInput } from './browser-access.input';
import { BrowserAccessService } from './browser-access.service';
import { AdminAuth, ApiProblems } from '../api/openapi.decorators';

@ApiTags('admin')
@AdminAuth()
@UseGuards(AdminGuard)
@Controller('v1/admin/tenants')
export class BrowserAccessController {
  constructor(@Inject(BrowserAccessService) private readonly access: BrowserAccessService) {}

  @Get(':id/browser-access')
  @ApiOperation({
    summary: "A tenant's browser settings: allowed origins (CORS) and kinds for publishable keys (ADMIN_TOKEN)",
  })
  @ApiResponse({ status: 200, type: BrowserAccessModel })
  @ApiProblems(404)
  get(@Param('id') id: string) {
    return this.access.get(id);
  }

  @Put(':id/browser-access')
  @ApiOperation({
    summary: "Set a tenant's allowed browser origins and/or the kinds its publishable keys may submit (ADMIN_TOKEN)",
  })
  @ApiBody({ type: BrowserAccessInput })
  @ApiResponse({ status: 200, type: BrowserAccessModel })
  @ApiProblems(400, 404, 413)
  async put(@Param('id') id: string, @Body() body: unknown) {
    return this.access.update(id, await validateOrThrow(BrowserAccessInput, body ?? {}));
  }
}
