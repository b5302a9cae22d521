import type { Principal } from '../../auth/principal';
import type { ChecksService } from '../../checks/checks.service';
import { DomainError } from '../../common/errors/domain-error';
import { EXPORT_FORMATS, renderCheck, type ExportFormat } from './export.render';

/** GET /v1/checks/:id/report (and GraphQL checkReport): the tenant's check rendered as JSON, Markdown or HTML. */
export class ExportService {
  constructor(private readonly checks: Pick<ChecksService, 'get'>) {}

  async exportCheck(p: Principal, id: string, rawFormat: string | undefined) {
    const format = (rawFormat ?? 'json') as ExportFormat;
    if (!EXPORT_FORMATS.includes(format)) {
      throw new DomainError('VALIDATION_FAILED', 'format: must be json, md or html', [
        { field: 'format', message: 'must be json, md or html' },
      ]);
    }
    const check = await this.checks.get(p, id);
    return { ...renderCheck(check, format), filename: `smtp-doctor-${check.kind}-${check.id}` };
  }
}
