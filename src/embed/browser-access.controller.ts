import { Body, Controller, Get, Inject, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../api/auth.guard';
import { validateOrThrow } from '../common/errors/validate-input';
import { BrowserAccessInput } from './browser-access.input';
import { BrowserAccessService } from './browser-access.service';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@Controller('v1/admin/tenants')
export class BrowserAccessController {
  constructor(@Inject(BrowserAccessService) private readonly access: BrowserAccessService) {}

  @Get(':id/browser-access')
  @ApiOperation({
    summary: "A tenant's browser settings: allowed origins (CORS) and kinds for publishable keys (ADMIN_TOKEN)",
  })
  get(@Param('id') id: string) {
    return this.access.get(id);
  }

  @Put(':id/browser-access')
  @ApiOperation({
    summary: "Set a tenant's allowed browser origins and/or the kinds its publishable keys may submit (ADMIN_TOKEN)",
  })
  @ApiBody({ type: BrowserAccessInput })
  async put(@Param('id') id: string, @Body() body: unknown) {
    return this.access.update(id, await validateOrThrow(BrowserAccessInput, body ?? {}));
  }
}
