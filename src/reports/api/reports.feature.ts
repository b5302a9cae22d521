import { DomainError } from '../../common/errors/domain-error';
import type { Platform } from '../../platform';
import type { HealthFlow } from '../health/health.flow';
import type { HistoryService } from '../history/history.service';
import type { WebhooksService } from '../webhooks/webhooks.service';
import type { ExplainService } from './explain.service';
import type { LogsService } from './logs.service';

/** The reports platform's services, in `platform.features.reports` (see reports.module.ts). */
export interface ReportsFeature {
  explain: ExplainService;
  logs: LogsService;
  history: HistoryService;
  webhooks: WebhooksService;
  health: HealthFlow;
  /** Bound of a raw bounce body (BOUNCE_MAX_BYTES). */
  bounceMaxBytes: number;
}

export function reportsOf(platform: Platform): ReportsFeature {
  const f = platform.features.reports as ReportsFeature | undefined;
  if (!f) throw new DomainError('SERVICE_UNAVAILABLE', 'The reports module is not started.');
  return f;
}
