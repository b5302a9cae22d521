import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal';
import type { ChecksService } from '../checks/checks.service';
import { DomainError, isDependencyDown, notFound, unavailable, type FieldError } from '../common/errors/domain-error';
import { validateOrThrow } from '../common/errors/validate-input';
import { uuidv7, UUID_RE } from '../common/ids';
import type { AlertDeliveryRow, MonitorRow, MonitorsRepository } from '../infra/database/monitors.repository';
import { checkAddress } from '../infra/net/address-policy';
import type { EventTopic } from '../infra/queue/event-topics';
import type { JobScheduler } from '../infra/queue/job-queue';
import { urlProblem } from '../reports/webhooks/webhook.sender';
import type { KindState } from './alert-state';
import { CreateMonitorInput, UpdateMonitorInput, type MonitorKind } from './monitor.input';
import type {
  AlertDeliveryModel,
  MonitorAlertPageModel,
  MonitorEventModel,
  MonitorKindStateModel,
  MonitorModel,
  MonitorPageModel,
  MonitorRunModel,
} from './monitor.model';
import type { MonitorSettings } from './monitors.settings';

export const MONITOR_QUEUE = 'monitors';
export const MONITOR_RUN_JOB = 'monitor.run';
export const MONITOR_EVENTS = 'monitor-events';

export interface MonitorJob {
  monitorId: string;
}

export interface MonitorOptions {
  sendingIps?: string[];
  ports?: number[];
  probeHost?: boolean;
}

export interface MonitorChannels {
  webhooks: boolean;
  emails: string[];
  chat: string[];
}

/** Where a tenant's webhook deliveries for an alert are read from (WebhooksModule). */
export type WebhookDeliveriesOf = (tenantId: string, eventId: string) => Promise<AlertDeliveryModel[]>;

/**
 * The tenant's daily quota (QUOTA_DAILY_CHECKS, RateLimitModule): monitor runs are checks the
 * tenant asked for, so they count toward it (see MonitorsService.run).
 */
export interface MonitorQuota {
  /** QUOTA_DAILY_CHECKS; 0 = unlimited. */
  dailyChecks: number;
  /** Reserve n checks of today's quota; throws QUOTA_EXCEEDED; undefined when not counted. */
  reserve(tenantId: string, n: number): Promise<{ release(k: number): Promise<void> } | undefined>;
}

export interface MonitorsDeps {
  repo: MonitorsRepository;
  checks: Pick<ChecksService, 'submit' | 'prepare' | 'list'>;
  /** Absent: runs are not counted (tools and tests that build the service alone). */
  quota?: MonitorQuota;
  scheduler: JobScheduler<MonitorJob>;
  events: EventTopic<MonitorEventModel>;
  settings: MonitorSettings;
  allowedCidrs: string[];
  webhookDeliveries: WebhookDeliveriesOf;
  log: Logger;
}

/** The principal a monitor's runs act as: its tenant, a key id naming the monitor, a secret key's rights. */
export function monitorPrincipal(m: { tenant_id: string; id: string }): Principal {
  return { tenantId: m.tenant_id, keyId: `monitor:${m.id}`, type: 'secret', allowedKinds: null };
}

/** The check body each kind of a monitor submits. */
export function checkBody(kind: MonitorKind, target: string, o: MonitorOptions): Record<string, unknown> {
  switch (kind) {
    case 'health':
    case 'mx':
      return { kind, domain: target };
    case 'dns':
      return { kind, domain: target, ...(o.sendingIps?.length ? { sendingIps: o.sendingIps } : {}) };
    case 'smtp':
      return {
        kind,
        ...(o.probeHost || isIP(target) ? { host: target } : { domain: target }),
        ...(o.ports ? { ports: o.ports } : {}),
      };
  }
}

/**
 * A fixed shift of the monitor's slots within its interval (MONITOR_JITTER_PCT), from its id, so
 * monitors created together with the same interval do not all fire in the same second.
 */
export function jitterMs(id: string, intervalS: number, pct: number): number {
  const span = Math.floor((intervalS * 1000 * pct) / 100);
  if (span <= 0) return 0;
  return createHash('sha256').update(id).digest().readUInt32BE(0) % span;
}

function parseChannels(s: string): MonitorChannels {
  return JSON.parse(s) as MonitorChannels;
}

function toStateModel(kind: string, s: KindState, lastCheckId: string): MonitorKindStateModel {
  return {
    kind,
    ...(s.confirmed ? { verdict: s.confirmed.verdict } : {}),
    ...(s.confirmed?.grade ? { grade: s.confirmed.grade } : {}),
    findingCodes: s.confirmed?.codes ?? [],
    pendingCount: s.candidate?.count ?? 0,
    indeterminateRuns: s.indeterminateRuns,
    lastCheckId,
  };
}

export function deliveryModel(d: AlertDeliveryRow): AlertDeliveryModel {
  return {
    id: d.id,
    channel: d.channel,
    destination: d.destination,
    status: d.status,
    attempts: d.attempts,
    ...(d.error ? { error: d.error } : {}),
    updatedAt: d.updated_at,
  };
}

/**
 * Monitors of a tenant: CRUD, pause/resume and run-now (REST, GraphQL and the CLI call these), and
 * the scheduled run itself (MonitorRunProcessor). One BullMQ job scheduler per active monitor,
 * with the monitor id as its id: created with the monitor, replaced when its interval changes,
 * removed on pause and delete. The database is the source of truth; the worker re-creates missing
 * schedulers at boot (reconcile).
 */
export class MonitorsService {
  constructor(private readonly deps: MonitorsDeps) {}

  private secretOnly(p: Principal): void {
    if (p.type === 'publishable')
      throw new DomainError('FORBIDDEN', 'Publishable keys cannot manage monitors; use a secret key.');
  }

  private async guard<T>(fn: () => Promise<T>, what = 'The database'): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (isDependencyDown(e)) throw unavailable(`${what} is unreachable: ${(e as Error).message}. Retry shortly.`);
      throw e;
    }
  }

  private async load(p: Principal, id: string): Promise<MonitorRow> {
    this.secretOnly(p);
    const row = UUID_RE.test(id) ? await this.guard(() => this.deps.repo.find(p.tenantId, id)) : undefined;
    if (!row) throw notFound('Monitor', id);
    return row;
  }

  private async toModel(r: MonitorRow, withState = false): Promise<MonitorModel> {
    const o = JSON.parse(r.options) as MonitorOptions;
    const model: MonitorModel = {
      id: r.id,
      ...(r.name ? { name: r.name } : {}),
      target: r.target,
      kinds: JSON.parse(r.kinds) as string[],
      intervalSeconds: r.interval_s,
      confirmations: r.confirmations,
      ...(o.sendingIps ? { sendingIps: o.sendingIps } : {}),
      ...(o.ports ? { ports: o.ports } : {}),
      ...(o.probeHost ? { probeHost: true } : {}),
      channels: parseChannels(r.channels),
      status: r.status,
      ...(r.last_run_at ? { lastRunAt: r.last_run_at } : {}),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
    if (withState) {
      model.state = (await this.deps.repo.states(r.id)).map((s) =>
        toStateModel(s.kind, JSON.parse(s.state) as KindState, s.last_check_id),
      );
      if (r.status === 'active') {
        const s = await this.deps.scheduler.getScheduler(r.id).catch(() => undefined);
        if (s?.next) model.nextRunAt = new Date(s.next).toISOString();
      }
    }
    return model;
  }

  /** Field checks beyond the input class: interval floor, channels, and each kind's own input rules. */
  private async vet(
    p: Principal,
    m: { target: string; kinds: string[]; intervalS: number; options: MonitorOptions; channels: MonitorChannels },
  ): Promise<void> {
    const errors: FieldError[] = [];
    if (m.intervalS < this.deps.settings.minIntervalS)
      errors.push({
        field: 'intervalSeconds',
        message: `must be at least ${this.deps.settings.minIntervalS} (MONITOR_MIN_INTERVAL_S)`,
      });
    const quota = this.deps.quota?.dailyChecks ?? 0;
    const perDay = m.kinds.length * Math.ceil(86_400 / m.intervalS);
    if (quota && perDay > quota) {
      // The schedule alone would use more than the day's quota: refused up front, not left to fail
      // every day from mid-morning on. (Other checks and monitors share the quota at run time.)
      const perKind = Math.floor(quota / m.kinds.length);
      errors.push({
        field: 'intervalSeconds',
        message: `${m.kinds.length} kind(s) every ${m.intervalS} s is ${perDay} checks a day, more than the tenant's daily quota of ${quota} (QUOTA_DAILY_CHECKS); ${
          perKind ? `use an interval of at least ${Math.ceil(86_400 / perKind)} s` : 'use fewer kinds'
        }`,
      });
    }
    if (m.channels.emails.length && !this.deps.settings.alertSmtpUrl)
      errors.push({
        field: 'channels.emails',
        message: 'e-mail alerts are not configured on this server (ALERT_SMTP_URL)',
      });
    m.channels.chat.forEach((url, i) => {
      const field = `channels.chat[${i}]`;
      const problem = urlProblem(url);
      if (problem) return errors.push({ field, message: problem });
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      if (isIP(host)) {
        const v = checkAddress(host, this.deps.allowedCidrs);
        if (!v.allowed) errors.push({ field, message: v.reason ?? 'address not allowed' });
      }
    });
    for (const kind of m.kinds) {
      const r = await this.deps.checks.prepare(
        p,
        checkBody(kind as MonitorKind, m.target, m.options),
        null,
        `kinds[${kind}]`,
      );
      errors.push(...r.errors);
    }
    if (errors.length)
      throw new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  }

  private async schedule(r: MonitorRow): Promise<void> {
    await this.deps.scheduler.upsertScheduler(r.id, {
      everyMs: r.interval_s * 1000,
      offsetMs: jitterMs(r.id, r.interval_s, this.deps.settings.jitterPct),
      name: MONITOR_RUN_JOB,
      data: { monitorId: r.id },
      // One attempt: a failed slot is not retried, the next slot comes anyway.
      opts: {
        attempts: 1,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: true,
        removeOnFail: { count: 100 },
      },
    });
  }

  private async scheduleOrUndo(r: MonitorRow, undo: () => Promise<unknown>): Promise<void> {
    try {
      await this.schedule(r);
    } catch (e) {
      await undo().catch(() => undefined);
      throw unavailable(`The job queue (Redis) is unreachable: ${(e as Error).message}. Retry shortly.`);
    }
  }

  async create(p: Principal, body: unknown): Promise<MonitorModel> {
    this.secretOnly(p);
    const input = await validateOrThrow(CreateMonitorInput, body);
    const options: MonitorOptions = {
      ...(input.sendingIps?.length ? { sendingIps: input.sendingIps } : {}),
      ...(input.ports ? { ports: input.ports } : {}),
      ...(input.probeHost ? { probeHost: true } : {}),
    };
    const channels: MonitorChannels = {
      webhooks: input.channels?.webhooks ?? false,
      emails: input.channels?.emails ?? [],
      chat: input.channels?.chat ?? [],
    };
    await this.vet(p, {
      target: input.target,
      kinds: input.kinds,
      intervalS: input.intervalSeconds,
      options,
      channels,
    });
    if ((await this.guard(() => this.deps.repo.count(p.tenantId))) >= this.deps.settings.maxPerTenant)
      throw new DomainError(
        'QUOTA_EXCEEDED',
        `A tenant may have at most ${this.deps.settings.maxPerTenant} monitors (MONITOR_MAX_PER_TENANT).`,
      );
    const now = new Date().toISOString();
    const row: MonitorRow = {
      id: uuidv7(),
      tenant_id: p.tenantId,
      name: input.name ?? null,
      target: input.target,
      kinds: JSON.stringify(input.kinds),
      options: JSON.stringify(options),
      interval_s: input.intervalSeconds,
      confirmations: input.confirmations ?? this.deps.settings.confirmations,
      channels: JSON.stringify(channels),
      status: 'active',
      last_slot: null,
      last_run_at: null,
      created_at: now,
      updated_at: now,
    };
    await this.guard(() => this.deps.repo.insert(row));
    await this.scheduleOrUndo(row, () => this.deps.repo.delete(p.tenantId, row.id));
    return this.toModel(row);
  }

  async list(p: Principal, q: { limit?: number; cursor?: string }): Promise<MonitorPageModel> {
    this.secretOnly(p);
    const limit = Math.min(Math.max(Math.trunc(Number(q.limit ?? 50)) || 50, 1), 200);
    if (q.cursor !== undefined && !UUID_RE.test(q.cursor))
      throw new DomainError('VALIDATION_FAILED', 'cursor: invalid', [
        { field: 'cursor', message: 'is not a cursor returned by this API' },
      ]);
    const rows = await this.guard(() => this.deps.repo.list(p.tenantId, limit + 1, q.cursor));
    const items = await Promise.all(rows.slice(0, limit).map((r) => this.toModel(r)));
    return { items, ...(rows.length > limit ? { nextCursor: items[items.length - 1]!.id } : {}) };
  }

  async get(p: Principal, id: string): Promise<MonitorModel> {
    return this.toModel(await this.load(p, id), true);
  }

  async update(p: Principal, id: string, body: unknown): Promise<MonitorModel> {
    const row = await this.load(p, id);
    const input = await validateOrThrow(UpdateMonitorInput, body);
    const options = JSON.parse(row.options) as MonitorOptions;
    const current = parseChannels(row.channels);
    const channels: MonitorChannels = input.channels
      ? {
          webhooks: input.channels.webhooks ?? current.webhooks,
          emails: input.channels.emails ?? current.emails,
          chat: input.channels.chat ?? current.chat,
        }
      : current;
    const kinds = input.kinds ?? (JSON.parse(row.kinds) as string[]);
    const intervalS = input.intervalSeconds ?? row.interval_s;
    await this.vet(p, { target: row.target, kinds, intervalS, options, channels });
    const next: MonitorRow = {
      ...row,
      name: input.name ?? row.name,
      kinds: JSON.stringify(kinds),
      interval_s: intervalS,
      confirmations: input.confirmations ?? row.confirmations,
      channels: JSON.stringify(channels),
      updated_at: new Date().toISOString(),
    };
    await this.guard(() =>
      this.deps.repo.update(p.tenantId, id, {
        name: next.name,
        kinds: next.kinds,
        interval_s: next.interval_s,
        confirmations: next.confirmations,
        channels: next.channels,
        updated_at: next.updated_at,
      }),
    );
    if (next.status === 'active' && intervalS !== row.interval_s)
      await this.scheduleOrUndo(next, () => this.deps.repo.update(p.tenantId, id, { interval_s: row.interval_s }));
    return this.toModel(next, true);
  }

  async pause(p: Principal, id: string): Promise<MonitorModel> {
    const row = await this.load(p, id);
    const at = new Date().toISOString();
    await this.guard(() => this.deps.repo.update(p.tenantId, id, { status: 'paused', updated_at: at }));
    // A job of a slot already due may still be queued: the run claims its slot only while active.
    await this.guard(() => this.deps.scheduler.removeScheduler(id), 'The job queue (Redis)');
    return this.toModel({ ...row, status: 'paused', updated_at: at }, true);
  }

  async resume(p: Principal, id: string): Promise<MonitorModel> {
    const row = await this.load(p, id);
    const at = new Date().toISOString();
    const next: MonitorRow = { ...row, status: 'active', updated_at: at };
    await this.guard(() => this.deps.repo.update(p.tenantId, id, { status: 'active', updated_at: at }));
    await this.scheduleOrUndo(next, () => this.deps.repo.update(p.tenantId, id, { status: row.status }));
    return this.toModel(next, true);
  }

  async remove(p: Principal, id: string): Promise<void> {
    await this.load(p, id);
    await this.guard(() => this.deps.scheduler.removeScheduler(id), 'The job queue (Redis)');
    if (!(await this.guard(() => this.deps.repo.delete(p.tenantId, id)))) throw notFound('Monitor', id);
  }

  /**
   * Run now, outside the schedule (POST /v1/monitors/:id/run); paused monitors may run too. Its
   * checks count toward the daily quota like any; over it, the request is refused (429).
   */
  async runNow(p: Principal, id: string): Promise<MonitorRunModel> {
    const row = await this.load(p, id);
    const r = await this.run(row);
    if (r.skipped) throw r.skipped;
    return { monitorId: r.monitorId, checks: r.checks };
  }

  async checks(p: Principal, id: string, q: { limit?: number; cursor?: string }) {
    await this.load(p, id);
    return this.deps.checks.list({ ...p, type: 'secret' }, { ...q, monitorId: id });
  }

  async alerts(p: Principal, id: string, q: { limit?: number; cursor?: string }): Promise<MonitorAlertPageModel> {
    await this.load(p, id);
    const limit = Math.min(Math.max(Math.trunc(Number(q.limit ?? 50)) || 50, 1), 200);
    if (q.cursor !== undefined && !UUID_RE.test(q.cursor))
      throw new DomainError('VALIDATION_FAILED', 'cursor: invalid', [
        { field: 'cursor', message: 'is not a cursor returned by this API' },
      ]);
    const rows = (await this.guard(() => this.deps.repo.alerts(p.tenantId, id, limit + 1, q.cursor))).slice(0, limit);
    const deliveries = await this.deps.repo.deliveriesOf(rows.map((r) => r.id));
    const items = await Promise.all(
      rows.map(async (a) => ({
        id: a.id,
        monitorId: a.monitor_id,
        kind: a.kind,
        type: a.type,
        checkId: a.check_id,
        change: JSON.parse(a.change) as unknown,
        deliveries: [
          ...deliveries.filter((d) => d.alert_id === a.id).map(deliveryModel),
          ...(await this.deps.webhookDeliveries(p.tenantId, a.id)),
        ],
        createdAt: a.created_at,
      })),
    );
    return { items, ...(rows.length === limit && items.length ? { nextCursor: items[items.length - 1]!.id } : {}) };
  }

  /** The tenant-checked start of a `monitorEvents` subscription. */
  async assertVisible(p: Principal, id: string): Promise<void> {
    await this.load(p, id);
  }

  /**
   * One run: one ordinary check per kind, carrying the monitor id. The run's checks are reserved
   * in the tenant's daily quota first (all or none; the ones not created are given back). Over the
   * quota nothing is submitted: the run is `skipped` with the refusal, and a `skipped` event says so.
   */
  async run(row: MonitorRow): Promise<MonitorRunModel & { skipped?: DomainError }> {
    const o = JSON.parse(row.options) as MonitorOptions;
    const kinds = JSON.parse(row.kinds) as MonitorKind[];
    let reservation: { release(k: number): Promise<void> } | undefined;
    try {
      reservation = await this.deps.quota?.reserve(row.tenant_id, kinds.length);
    } catch (e) {
      if (!(e instanceof DomainError) || e.code !== 'QUOTA_EXCEEDED') throw e;
      this.deps.log.warn({ monitorId: row.id, tenantId: row.tenant_id }, 'monitor run skipped: daily quota used');
      await this.deps.events.publish({
        monitorId: row.id,
        type: 'skipped',
        at: new Date().toISOString(),
        reason: e.message,
      });
      return { monitorId: row.id, checks: [], skipped: e };
    }
    const checks: { id: string; kind: string }[] = [];
    try {
      for (const kind of kinds) {
        const c = await this.deps.checks.submit(monitorPrincipal(row), checkBody(kind, row.target, o), {
          monitorId: row.id,
        });
        checks.push({ id: c.id, kind });
      }
    } catch (e) {
      await reservation?.release(kinds.length - checks.length);
      throw e;
    }
    await this.deps.repo.markRun(row.id, new Date().toISOString());
    await this.deps.events.publish({ monitorId: row.id, type: 'run', at: new Date().toISOString(), checks });
    return { monitorId: row.id, checks };
  }

  /**
   * A scheduler's job (worker): runs the monitor once for its slot. The slot is claimed in the
   * database first, so a slot runs once even if BullMQ handed its job out twice; a paused or
   * deleted monitor's leftover job does nothing.
   */
  async runScheduled(job: { id?: string; data: MonitorJob; opts: { prevMillis?: number } }): Promise<string> {
    const row = await this.deps.repo.findById(job.data.monitorId);
    if (!row) {
      // Deleted while its scheduler lived on (e.g. Redis was down at delete): stop it now.
      await this.deps.scheduler.removeScheduler(job.data.monitorId).catch(() => undefined);
      return 'deleted';
    }
    const slot = job.opts.prevMillis ?? Number(/:(\d+)$/.exec(job.id ?? '')?.[1] ?? Date.now());
    if (!(await this.deps.repo.claimSlot(row.id, slot, new Date().toISOString()))) return 'skipped';
    // Over the daily quota the slot passes without checks (an event and a log line say so); the
    // next slot tries again, and the day's quota resets at 00:00 UTC.
    return (await this.run(row)).skipped ? 'quota' : 'ran';
  }

  /** Worker boot: every active monitor has its scheduler (Redis may have lost them). */
  async reconcile(): Promise<number> {
    let after: string | undefined;
    let created = 0;
    for (;;) {
      const page = await this.deps.repo.active(500, after);
      for (const r of page) {
        if (await this.deps.scheduler.getScheduler(r.id)) continue;
        await this.schedule(r);
        created++;
      }
      if (page.length < 500) return created;
      after = page[page.length - 1]!.id;
    }
  }
}
