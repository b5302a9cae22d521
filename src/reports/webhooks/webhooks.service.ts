import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { Principal } from '../../auth/principal';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { validateOrThrow } from '../../common/errors/validate-input';
import { uuidv7, UUID_RE } from '../../common/ids';
import type { SecretBox } from '../../common/secret-box';
import type { AppConfig } from '../../config/config.schema';
import { checkAddress } from '../../infra/net/address-policy';
import { UnrecoverableError, type JobQueue, type QueueJob } from '../../infra/queue/job-queue';
import { signatureHeader, SIGNATURE_HEADER } from './webhook.signer';
import { CreateWebhookInput, type WebhookEvent } from './webhook.input';
import type {
  CreatedWebhookModel,
  WebhookDeliveryModel,
  WebhookDeliveryPageModel,
  WebhookModel,
} from './webhook.model';
import { urlProblem, type WebhookSender } from './webhook.sender';
import type { DeliveryRow, WebhookRow, WebhooksRepository } from '../../infra/database/webhooks.repository';
import type { WebhookSettings } from './webhooks.settings';

export const WEBHOOK_QUEUE = 'webhooks';

/** What the service needs from the rest of the application (WebhooksModule provides it). */
export interface WebhooksDeps {
  config: Pick<AppConfig, 'probeAllowedCidrs' | 'secretKey'>;
  secrets: SecretBox;
  log: Logger;
  /** The delivery queue (WEBHOOK_QUEUE), processed by WebhookDeliveryProcessor in the worker role. */
  queue: JobQueue<{ deliveryId: string }>;
}

function toModel(r: WebhookRow): WebhookModel {
  return {
    id: r.id,
    url: r.url,
    events: JSON.parse(r.events) as string[],
    status: r.status,
    consecutiveFailures: r.consecutive_failures,
    createdAt: r.created_at,
    ...(r.disabled_at ? { disabledAt: r.disabled_at } : {}),
    ...(r.disabled_reason ? { disabledReason: r.disabled_reason } : {}),
  };
}

function toDelivery(d: DeliveryRow): WebhookDeliveryModel {
  return {
    id: d.id,
    event: d.event,
    eventId: d.event_id,
    status: d.status,
    attempts: d.attempts,
    ...(d.response_status !== null ? { responseStatus: d.response_status } : {}),
    ...(d.error ? { error: d.error } : {}),
    payload: JSON.parse(d.payload),
    createdAt: d.created_at,
    updatedAt: d.updated_at,
  };
}

/**
 * Webhooks: registration (tenant-scoped), events fanned out to one recorded delivery per
 * subscribed webhook, and delivery from a BullMQ queue of our own with retries and exponential
 * backoff. The signing secret is stored sealed with SecretBox (AES-256-GCM under SECRET_KEY): it
 * has to be usable for signing, so it cannot be hashed. Without SECRET_KEY the key is per process,
 * so sealed secrets do not survive a restart: such deliveries fail with a clear error (never
 * unsigned) and the webhook has to be re-created; set SECRET_KEY in production.
 */
export class WebhooksService {
  constructor(
    private readonly deps: WebhooksDeps,
    private readonly repo: WebhooksRepository,
    private readonly sender: WebhookSender,
    private readonly settings: WebhookSettings,
  ) {}

  private secretOnly(p: Principal): void {
    if (p.type === 'publishable')
      throw new DomainError('FORBIDDEN', 'Publishable keys cannot manage webhooks; use a secret key.');
  }

  async create(p: Principal, body: unknown): Promise<CreatedWebhookModel> {
    this.secretOnly(p);
    const input = await validateOrThrow(CreateWebhookInput, body);
    const problem = urlProblem(input.url);
    if (problem) throw new DomainError('VALIDATION_FAILED', `url: ${problem}`, [{ field: 'url', message: problem }]);
    const host = new URL(input.url).hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const v = checkAddress(host, this.deps.config.probeAllowedCidrs);
      if (!v.allowed)
        throw new DomainError('TARGET_NOT_ALLOWED', `url: ${v.reason}`, [
          { field: 'url', message: v.reason ?? 'address not allowed' },
        ]);
    }
    if ((await this.repo.count(p.tenantId)) >= this.settings.maxPerTenant) {
      throw new DomainError(
        'QUOTA_EXCEEDED',
        `A tenant may register at most ${this.settings.maxPerTenant} webhooks (WEBHOOK_MAX_PER_TENANT).`,
      );
    }
    const secret = input.secret ?? `whsec_${randomBytes(24).toString('base64url')}`;
    const row: WebhookRow = {
      id: uuidv7(),
      tenant_id: p.tenantId,
      url: input.url,
      events: JSON.stringify(input.events),
      secret_sealed: this.deps.secrets.seal({ secret }),
      status: 'active',
      consecutive_failures: 0,
      created_at: new Date().toISOString(),
      disabled_at: null,
      disabled_reason: null,
    };
    await this.repo.insert(row);
    const warning = this.deps.config.secretKey
      ? undefined
      : 'SECRET_KEY is not set: this signing secret is sealed with a per-process key and will not survive a restart.';
    return { ...toModel(row), secret, ...(warning ? { warning } : {}) };
  }

  async list(p: Principal): Promise<{ items: WebhookModel[] }> {
    this.secretOnly(p);
    return { items: (await this.repo.list(p.tenantId)).map(toModel) };
  }

  async get(p: Principal, id: string): Promise<WebhookModel> {
    this.secretOnly(p);
    const row = UUID_RE.test(id) ? await this.repo.find(p.tenantId, id) : undefined;
    if (!row) throw notFound('Webhook', id);
    return toModel(row);
  }

  async remove(p: Principal, id: string): Promise<void> {
    this.secretOnly(p);
    if (!UUID_RE.test(id) || !(await this.repo.delete(p.tenantId, id))) throw notFound('Webhook', id);
  }

  async deliveries(
    p: Principal,
    id: string,
    q: { limit?: number; cursor?: string },
  ): Promise<WebhookDeliveryPageModel> {
    await this.get(p, id);
    const limit = Math.min(Math.max(Math.trunc(Number(q.limit ?? 50)) || 50, 1), 200);
    if (q.cursor !== undefined && !UUID_RE.test(q.cursor))
      throw new DomainError('VALIDATION_FAILED', 'cursor: invalid', [
        { field: 'cursor', message: 'is not a cursor returned by this API' },
      ]);
    const rows = await this.repo.deliveries(p.tenantId, id, limit + 1, q.cursor);
    const items = rows.slice(0, limit).map(toDelivery);
    return { items, ...(rows.length > limit ? { nextCursor: items[items.length - 1]!.id } : {}) };
  }

  /**
   * Record one delivery per subscribed active webhook of the tenant, and queue them. `eventId`
   * (default: a new id) lets the emitter find the deliveries again (monitor alerts use their id).
   */
  async emit(tenantId: string, event: WebhookEvent, data: unknown, eventId: string = uuidv7()): Promise<number> {
    const hooks = (await this.repo.activeFor(tenantId)).filter((h) =>
      (JSON.parse(h.events) as string[]).includes(event),
    );
    if (!hooks.length) return 0;
    const now = new Date().toISOString();
    const payload = JSON.stringify({ id: eventId, type: event, createdAt: now, data });
    const rows: DeliveryRow[] = hooks.map((h) => ({
      id: uuidv7(),
      webhook_id: h.id,
      tenant_id: tenantId,
      event,
      event_id: eventId,
      payload,
      status: 'pending',
      attempts: 0,
      response_status: null,
      error: null,
      created_at: now,
      updated_at: now,
    }));
    await this.repo.insertDeliveries(rows);
    await this.deps.queue.addBulk(
      rows.map((r) => ({
        name: event,
        // Ids only: the payload and the secret stay in the database (no secrets in job data).
        data: { deliveryId: r.id },
        opts: {
          jobId: r.id,
          attempts: this.settings.maxAttempts,
          backoff: { type: 'exponential', delay: this.settings.backoffMs },
          removeOnComplete: true,
          removeOnFail: { count: 1000 },
        },
      })),
    );
    return rows.length;
  }

  /** The deliveries of one event, per webhook (monitor alerts show them per alert). */
  async deliveriesOfEvent(
    tenantId: string,
    eventId: string,
  ): Promise<(Omit<WebhookDeliveryModel, 'payload' | 'event' | 'eventId' | 'createdAt'> & { webhookId: string })[]> {
    return (await this.repo.deliveriesOfEvent(tenantId, eventId)).map((d) => {
      const { payload: _payload, event: _event, eventId: _eventId, createdAt: _createdAt, ...rest } = toDelivery(d);
      return { ...rest, webhookId: d.webhook_id };
    });
  }

  /** One attempt of one delivery (WebhookDeliveryProcessor). Throws to have BullMQ retry. */
  async deliver(job: QueueJob<{ deliveryId: string }>): Promise<string> {
    const d = await this.repo.findDelivery(job.data.deliveryId);
    if (!d || d.status !== 'pending') return 'skipped';
    const hook = await this.repo.findById(d.webhook_id);
    const now = () => new Date().toISOString();
    if (!hook || hook.status !== 'active') {
      await this.repo.updateDelivery(d.id, {
        status: 'failed',
        error: hook ? 'webhook is disabled' : 'webhook was deleted',
        updated_at: now(),
      });
      return 'skipped';
    }
    let secret: string;
    try {
      secret = this.deps.secrets.open(hook.secret_sealed).secret!;
    } catch {
      // Never send unsigned: the receiver could not tell us from anyone else.
      await this.repo.updateDelivery(d.id, {
        status: 'failed',
        attempts: d.attempts + 1,
        error:
          'the signing secret cannot be decrypted (SECRET_KEY changed or unset since the webhook was created); re-create the webhook',
        updated_at: now(),
      });
      throw new UnrecoverableError('webhook secret unreadable');
    }
    const r = await this.sender.post(hook.url, d.payload, {
      [SIGNATURE_HEADER]: signatureHeader(secret, d.payload),
      'Smtp-Doctor-Event': d.event,
      'Smtp-Doctor-Delivery': d.id,
      'User-Agent': 'smtp-doctor-webhooks/1',
    });
    const attempts = d.attempts + 1;
    if (r.ok) {
      await this.repo.updateDelivery(d.id, {
        status: 'succeeded',
        attempts,
        response_status: r.status,
        error: null,
        updated_at: now(),
      });
      await this.repo.recordSuccess(hook.id);
      return 'succeeded';
    }
    const isLast = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const disabled = await this.repo.recordFailure(
      hook.id,
      this.settings.disableAfter,
      now(),
      `${this.settings.disableAfter} consecutive failed deliveries; last: ${r.error}`,
    );
    const final = isLast || disabled;
    await this.repo.updateDelivery(d.id, {
      status: final ? 'failed' : 'pending',
      attempts,
      response_status: r.status ?? null,
      error: r.error.slice(0, 500),
      updated_at: now(),
    });
    if (disabled) this.deps.log.warn({ webhookId: hook.id }, 'webhook disabled after consecutive failures');
    if (final) return 'failed';
    throw new Error(`delivery failed: ${r.error}`);
  }
}
