import { AnalysisPool } from '../../infra/cpu/analysis-pool';
import { workerFile } from '../../infra/cpu/worker-file';
import { createResolver } from '../../infra/dns';
import type { DnsResolver } from '../../infra/dns/resolver.port';
import type { Platform } from '../../platform';
import { HealthFlow } from '../health/health.flow';
import { healthSettings } from '../health/health.settings';
import { HistoryRepository } from '../history/history.repository';
import { HistoryService } from '../history/history.service';
import { reportsDb } from '../reports.tables';
import { createWebhookSender } from '../webhooks/webhook.sender';
import { WebhooksRepository } from '../webhooks/webhooks.repository';
import { WebhooksService } from '../webhooks/webhooks.service';
import { webhookSettings } from '../webhooks/webhooks.settings';
import { ExplainService } from './explain.service';
import { LogsService } from './logs.service';
import { intEnv } from './raw-body';
import type { ReportsFeature } from './reports.feature';

/**
 * The reports platform module (one line in platform.modules.ts): builds the services, registers
 * the lifecycle hooks that fire webhooks (check.completed, batch.completed, health.changed), and in
 * the worker role starts the webhook delivery and health-report workers.
 * Settings: BOUNCE_MAX_BYTES, LOG_MAX_BYTES, WEBHOOK_* (webhooks.settings.ts), HEALTH_*
 * (health.settings.ts); the analysis pool's ANALYSIS_* are in the typed config.
 */
export async function reportsPlatformModule(platform: Platform): Promise<void> {
  const { config } = platform;
  const db = reportsDb(platform.database.db);
  const historyRepo = new HistoryRepository(db);
  let resolver: DnsResolver | undefined;
  const lazyResolver: DnsResolver = { query: (name, type) => (resolver ??= createResolver(config)).query(name, type) };
  const wSettings = webhookSettings(config.env);
  const webhooks = new WebhooksService(
    platform,
    new WebhooksRepository(db),
    createWebhookSender({ resolver: lazyResolver, allowedCidrs: config.probeAllowedCidrs, timeoutMs: wSettings.timeoutMs }),
    wSettings,
  );
  const history = new HistoryService(historyRepo, webhooks);
  const health = new HealthFlow(platform, historyRepo, healthSettings(config.env));
  // Explain, bounce and log parsing run in worker threads (threads start on first use).
  const pool = new AnalysisPool({
    filename: () => workerFile(__filename, 'analysis.worker'),
    threads: config.analysisThreads,
    timeoutMs: config.analysisTimeoutMs,
    maxQueue: config.analysisMaxQueue,
    onError: (e) => platform.log.error({ err: (e as Error).message }, 'analysis pool error'),
  });
  const feature: ReportsFeature = {
    explain: new ExplainService(platform, pool),
    logs: new LogsService(intEnv(config.env, 'LOG_MAX_BYTES', 1024 ** 3, 1024, 1024 ** 4), pool),
    history,
    webhooks,
    health,
    bounceMaxBytes: intEnv(config.env, 'BOUNCE_MAX_BYTES', 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  };
  platform.features.reports = feature;

  platform.lifecycle.onCheckFinished(async (c) => {
    await webhooks.emit(c.tenant_id, 'check.completed', {
      id: c.id,
      kind: c.kind,
      target: c.target,
      status: c.status,
      verdict: c.verdict,
      score: c.score,
      findingCodes: c.findings ? (JSON.parse(c.findings) as { code: string }[]).map((f) => f.code) : [],
      batchId: c.batch_id,
      completedAt: c.completed_at,
    });
  });
  platform.lifecycle.onCheckFinished((c) => history.onCheckFinished(c));
  platform.lifecycle.onBatchFinished(async (b) => {
    const batch = await platform.checksRepo.findBatch(b.tenantId, b.id);
    if (!batch) return;
    const counts = await platform.checksRepo.batchCounts(b.id);
    await webhooks.emit(b.tenantId, 'batch.completed', { id: b.id, total: batch.total, completed: counts.completed ?? 0, failed: counts.failed ?? 0, completedAt: batch.completed_at });
  });

  if (config.role === 'worker' || config.role === 'all') {
    webhooks.startWorker();
    health.startWorker();
  }
  // Stop our workers and queues before the platform disconnects Redis under them.
  const closePlatform = platform.close;
  platform.close = async () => {
    await Promise.all([webhooks.close(), health.close(), pool.close()]);
    await closePlatform();
  };
}
