import type { Logger } from 'pino';
import type { FindingSummary, KindState } from './alert-state';
import { fold, observe } from './alert-state';
import { alertChat, alertHtml, alertSubject, alertText, reportUrl, type AlertPayload } from './alert-render';
import { uuidv7 } from '../common/ids';
import type { CheckRow } from '../infra/database/checks.repository';
import type { AlertDeliveryRow, MonitorAlertRow, MonitorsRepository } from '../infra/database/monitors.repository';
import type { AlertMailer } from '../infra/mail/alert-mailer';
import type { EventTopic } from '../infra/queue/event-topics';
import type { JobQueue, QueueJob } from '../infra/queue/job-queue';
import type { WebhookSender } from '../reports/webhooks/webhook.sender';
import type { MonitorEventModel } from './monitor.model';
import type { MonitorChannels } from './monitors.service';
import type { MonitorSettings } from './monitors.settings';

export const ALERT_QUEUE = 'monitor-alerts';

export interface MonitorAlertsDeps {
  repo: MonitorsRepository;
  queue: JobQueue<{ deliveryId: string }>;
  events: EventTopic<MonitorEventModel>;
  settings: MonitorSettings;
  /** Chat posts, under the webhooks' SSRF policy. */
  sender: WebhookSender;
  /** Undefined without ALERT_SMTP_URL. */
  mailer: AlertMailer | undefined;
  /** Signed webhooks: `monitor.alert` to the tenant's subscribed webhooks, event id = alert id. */
  emitWebhook(tenantId: string, data: AlertPayload, eventId: string): Promise<number>;
  log: Logger;
}

/**
 * Alerts of monitors (worker role): each stored check of a monitor is folded into that monitor's
 * state for its kind (alert-state.ts: hysteresis, indeterminate results ignored); a confirmed
 * change records one alert with one delivery per e-mail recipient and chat URL, written in the
 * same transaction as the state (so a change alerts once even when two workers finish checks of
 * the same monitor together), then queued; deliveries are retried with backoff and recorded.
 */
export class MonitorAlerts {
  constructor(private readonly deps: MonitorAlertsDeps) {}

  async onCheckFinished(check: CheckRow): Promise<void> {
    if (!check.monitor_id) return;
    const monitor = await this.deps.repo.findById(check.monitor_id);
    if (!monitor) return;
    await this.deps.events.publish({
      monitorId: monitor.id,
      type: 'result',
      at: new Date().toISOString(),
      checkId: check.id,
      kind: check.kind,
      ...(check.verdict ? { verdict: check.verdict } : {}),
    });
    const findings = check.findings ? (JSON.parse(check.findings) as FindingSummary[]) : [];
    const grade = check.result ? (JSON.parse(check.result) as { grade?: unknown }).grade : undefined;
    const obs = observe({
      status: check.status,
      verdict: check.verdict,
      findings,
      ...(typeof grade === 'string' ? { grade } : {}),
    });
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.deps.repo.state(monitor.id, check.kind);
      // A result older than the one already folded in arrived late: it says nothing new.
      if (current && current.last_check_id >= check.id) return;
      const before: KindState = current ? (JSON.parse(current.state) as KindState) : { indeterminateRuns: 0 };
      const { state, change } = fold(before, obs, monitor.confirmations, this.deps.settings.indeterminateAlertRuns);
      let alert: { row: MonitorAlertRow; deliveries: AlertDeliveryRow[]; payload: AlertPayload } | undefined;
      if (change) {
        const now = new Date().toISOString();
        const id = uuidv7();
        const channels = JSON.parse(monitor.channels) as MonitorChannels;
        const delivery = (channel: 'email' | 'chat', destination: string): AlertDeliveryRow => ({
          id: uuidv7(),
          alert_id: id,
          tenant_id: monitor.tenant_id,
          channel,
          destination,
          status: 'pending',
          attempts: 0,
          error: null,
          created_at: now,
          updated_at: now,
        });
        alert = {
          row: {
            id,
            monitor_id: monitor.id,
            tenant_id: monitor.tenant_id,
            kind: check.kind,
            type: change.type,
            check_id: check.id,
            change: JSON.stringify(change),
            created_at: now,
          },
          deliveries: [
            ...channels.emails.map((e) => delivery('email', e)),
            ...channels.chat.map((u) => delivery('chat', u)),
          ],
          payload: {
            id,
            type: change.type,
            monitor: { id: monitor.id, ...(monitor.name ? { name: monitor.name } : {}), target: monitor.target },
            kind: check.kind,
            checkId: check.id,
            change,
            reportUrl: reportUrl(this.deps.settings.reportBaseUrl, check.id),
            createdAt: now,
          },
        };
      }
      const saved = await this.deps.repo.saveState(
        {
          monitor_id: monitor.id,
          kind: check.kind,
          state: JSON.stringify(state),
          version: (current?.version ?? 0) + 1,
          last_check_id: check.id,
        },
        current?.version,
        alert,
      );
      if (!saved) continue;
      if (alert) await this.dispatch(monitor.tenant_id, JSON.parse(monitor.channels) as MonitorChannels, alert);
      return;
    }
    this.deps.log.warn({ monitorId: monitor.id, checkId: check.id }, 'monitor state: too many concurrent updates');
  }

  private async dispatch(
    tenantId: string,
    channels: MonitorChannels,
    alert: { row: MonitorAlertRow; deliveries: AlertDeliveryRow[]; payload: AlertPayload },
  ): Promise<void> {
    const { settings } = this.deps;
    if (alert.deliveries.length)
      await this.deps.queue.addBulk(
        alert.deliveries.map((d) => ({
          name: d.channel,
          data: { deliveryId: d.id },
          opts: {
            jobId: d.id,
            attempts: settings.alertMaxAttempts,
            backoff: { type: 'exponential', delay: settings.alertBackoffMs },
            removeOnComplete: true,
            removeOnFail: { count: 1000 },
          },
        })),
      );
    if (channels.webhooks) await this.deps.emitWebhook(tenantId, alert.payload, alert.row.id);
    await this.deps.events.publish({
      monitorId: alert.row.monitor_id,
      type: 'alert',
      at: alert.row.created_at,
      checkId: alert.row.check_id,
      kind: alert.row.kind,
      alertId: alert.row.id,
      alertType: alert.row.type,
    });
  }

  close(): void {
    this.deps.mailer?.close();
  }

  /** The payload of a stored alert (deliveries are rendered from the database, not the job). */
  private async payloadOf(alertId: string): Promise<AlertPayload | undefined> {
    const a = await this.deps.repo.findAlert(alertId);
    if (!a) return undefined;
    const m = await this.deps.repo.findById(a.monitor_id);
    return {
      id: a.id,
      type: a.type,
      monitor: { id: a.monitor_id, ...(m?.name ? { name: m.name } : {}), target: m?.target ?? '' },
      kind: a.kind,
      checkId: a.check_id,
      change: JSON.parse(a.change) as AlertPayload['change'],
      reportUrl: reportUrl(this.deps.settings.reportBaseUrl, a.check_id),
      createdAt: a.created_at,
    };
  }

  /** One attempt of one delivery (AlertDeliveryProcessor). Throws to have BullMQ retry. */
  async deliver(job: QueueJob<{ deliveryId: string }>): Promise<string> {
    const d = await this.deps.repo.findDelivery(job.data.deliveryId);
    if (!d || d.status !== 'pending') return 'skipped';
    const now = () => new Date().toISOString();
    const payload = await this.payloadOf(d.alert_id);
    if (!payload) {
      await this.deps.repo.updateDelivery(d.id, { status: 'failed', error: 'alert was deleted', updated_at: now() });
      return 'skipped';
    }
    let error: string | undefined;
    try {
      if (d.channel === 'email') {
        if (!this.deps.mailer) throw new Error('e-mail alerts are not configured (ALERT_SMTP_URL)');
        await this.deps.mailer.send({
          to: d.destination,
          subject: alertSubject(payload),
          text: alertText(payload),
          html: alertHtml(payload),
        });
      } else {
        const r = await this.deps.sender.post(d.destination, JSON.stringify(alertChat(payload)), {
          'User-Agent': 'smtp-doctor-alerts/1',
        });
        if (!r.ok) error = r.error;
      }
    } catch (e) {
      error = (e as Error).message;
    }
    const attempts = d.attempts + 1;
    if (!error) {
      await this.deps.repo.updateDelivery(d.id, { status: 'succeeded', attempts, error: null, updated_at: now() });
      return 'succeeded';
    }
    const isLast = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await this.deps.repo.updateDelivery(d.id, {
      status: isLast ? 'failed' : 'pending',
      attempts,
      error: error.slice(0, 500),
      updated_at: now(),
    });
    if (isLast) return 'failed';
    throw new Error(`alert delivery failed: ${error}`);
  }
}
