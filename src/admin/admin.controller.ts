import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../api/auth.guard';
import { validateOrThrow } from '../common/errors/validate-input';
import { CreateKeyInput, CreateTenantInput } from './admin.input';
import { ApiKeyModel, CreatedApiKeyModel, TenantModel } from './admin.model';
import { AdminService } from './admin.service';
import { AdminAuth, ApiProblems } from '../api/openapi.decorators';

@ApiTags('admin')
@AdminAuth()
@UseGuards(AdminGuard)
@Controller('v1/admin')
export class AdminController {
  constructor(@Inject(AdminService) private readonly admin: AdminService) {}

  @Post('tenants')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a tenant (ADMIN_TOKEN)' })
  @ApiBody({ type: CreateTenantInput })
  @ApiResponse({ status: 201, type: TenantModel })
  @ApiProblems(400, 413)
  async createTenant(@Body() body: unknown) {
    return this.admin.createTenant(await validateOrThrow(CreateTenantInput, body));
  }

  @Post('tenants/:id/keys')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an API key; the key is in the answer once and stored only as a hash' })
  @ApiBody({ type: CreateKeyInput, required: false })
  @ApiResponse({ status: 201, type: CreatedApiKeyModel })
  @ApiProblems(400, 404, 413)
  async createKey(@Param('id') id: string, @Body() body: unknown) {
    return this.admin.createKey(id, await validateOrThrow(CreateKeyInput, body ?? {}));
  }

  @Get('tenants/:id/keys')
  @ApiOperation({ summary: "List a tenant's keys (prefixes only)" })
  @ApiResponse({ status: 200, type: [ApiKeyModel] })
  @ApiProblems(404)
  listKeys(@Param('id') id: string) {
    return this.admin.listKeys(id);
  }

  @Delete('tenants/:id/keys/:keyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key' })
  @ApiResponse({ status: 204, description: 'Revoked' })
  @ApiProblems(404)
  async revoke(@Param('id') id: string, @Param('keyId') keyId: string) {
    await this.admin.revokeKey(id, keyId);
  }
}
