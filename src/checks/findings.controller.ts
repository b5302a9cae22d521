import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { FindingDefinitionModel } from './check.model';
import { KindRegistry } from './registry';
import { ApiProblems, ApiPublic } from '../api/openapi.decorators';

@ApiTags('findings')
@ApiPublic()
@ApiProblems(429)
@Controller('v1/findings')
export class FindingsController {
  constructor(@Inject(KindRegistry) private readonly kinds: KindRegistry) {}

  @Get()
  @ApiOperation({
    summary: 'The catalog of finding codes',
    description: 'Stable codes clients can map to their own UI. Public: contains no tenant data.',
  })
  @ApiResponse({ status: 200, type: [FindingDefinitionModel] })
  list() {
    return this.kinds.findingCatalog();
  }
}
