import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../api/auth.guard';
import { validateOrThrow } from '../common/errors/validate-input';
import { CreateKeyInput, CreateTenantInput } from './admin.input';
import { AdminService } from './admin.service';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@Controller('v1/admin')
export class AdminController {
  constructor(@Inject(AdminService) private readonly admin: AdminService) {}

  @Post('tenants')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a tenant (ADMIN_TOKEN)' })
  @ApiBody({ type: CreateTenantInput })
  async createTenant(@Body() body: unknown) {
    return this.admin.createTenant(await validateOrThrow(CreateTenantInput, body));
  }

  @Post('tenants/:id/keys')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an API key; the key is in the answer once and stored only as a hash' })
  @ApiBody({ type: CreateKeyInput, required: false })
  async createKey(@Param('id') id: string, @Body() body: unknown) {
    return this.admin.createKey(id, await validateOrThrow(CreateKeyInput, body ?? {}));
  }

  @Get('tenants/:id/keys')
  @ApiOperation({ summary: "List a tenant's keys (prefixes only)" })
  listKeys(@Param('id') id: string) {
    return this.admin.listKeys(id);
  }

  @Delete('tenants/:id/keys/:keyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key' })
  async revoke(@Param('id') id: string, @Param('keyId') keyId: string) {
    await this.admin.revokeKey(id, keyId);
  }
}
