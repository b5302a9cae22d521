import { Module } from '@nestjs/common';
import { ChecksModule } from '../../checks/checks.module';
import { ChecksService } from '../../checks/checks.service';
import { ExportController } from './export.controller';
import { ExportService } from './export.service';

/** Exports (part of ReportsModule): a check rendered as JSON, Markdown or a self-contained HTML page. */
@Module({
  imports: [ChecksModule],
  controllers: [ExportController],
  providers: [
    {
      provide: ExportService,
      useFactory: (checks: ChecksService) => new ExportService(checks),
      inject: [ChecksService],
    },
  ],
  exports: [ExportService],
})
export class ExportModule {}
