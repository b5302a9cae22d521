import type { Principal } from '../../auth/principal';
import { DomainError } from '../../common/errors/domain-error';
import type { Platform } from '../../platform';
import { EXPORT_FORMATS, renderCheck, type ExportFormat } from './export.render';

/** GET /v1/checks/:id/report: the tenant's check rendered as JSON, Markdown or HTML. */
export async function exportCheck(platform: Platform, p: Principal, id: string, rawFormat: string | undefined) {
  const format = (rawFormat ?? 'json') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) {
    throw new DomainError('VALIDATION_FAILED', 'format: must be json, md or html', [{ field: 'format', message: 'must be json, md or html' }]);
  }
  const check = await platform.checks.get(p, id);
  return { ...renderCheck(check, format), filename: `smtp-doctor-${check.kind}-${check.id}` };
}
