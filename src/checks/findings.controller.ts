import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { FindingDefinitionModel } from './check.model';
import { findingCatalog } from './registry';

@ApiTags('findings')
@Controller('v1/findings')
export class FindingsController {
  @Get()
  @ApiOperation({ summary: 'The catalog of finding codes', description: 'Stable codes clients can map to their own UI. Public: contains no tenant data.' })
  @ApiResponse({ status: 200, type: [FindingDefinitionModel] })
  list() {
    return findingCatalog();
  }
}
