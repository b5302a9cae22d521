import type { Kysely, Selectable } from 'kysely';
import type { BatchesTable, ChecksTable, Database } from './database.types';
import { GroupCommit } from './group-commit';
import { preparedQuery } from './prepared-query';

/** A check row; `monitor_id` may be left out when building one (it is null unless a monitor ran the check). */
export type CheckRow = Omit<Selectable<ChecksTable>, 'monitor_id'> & { monitor_id?: string | null };
export type BatchRow = Selectable<BatchesTable>;

export interface CheckFilter {
  tenantId: string;
  kind?: string;
  target?: string;
  status?: string;
  batchId?: string;
  createdBy?: string;
  monitorId?: string;
  /** Return rows with id < cursor (ids are time-ordered UUIDv7). */
  cursor?: string;
  limit: number;
}

/** What a stored outcome sets (ChecksRepository.finish). */
export type CheckOutcome = Pick<
  CheckRow,
  'status' | 'verdict' | 'score' | 'findings' | 'result' | 'error' | 'completed_at' | 'duration_ms'
>;
const OUTCOME_COLUMNS = [
  'status',
  'verdict',
  'score',
  'findings',
  'result',
  'error',
  'completed_at',
  'duration_ms',
] as const satisfies readonly (keyof CheckOutcome)[];

/**
 * All check and batch I/O. Every read is scoped by tenant: another tenant's id is "not found".
 *
 * A worker's two writes per check (`start`, `finish`) are compiled once (preparedQuery) and, with
 * `groupWrites` (SQLite), committed together with the other checks' writes of the same turn of the
 * event loop (GroupCommit); each still resolves only once its own write has committed.
 */
export class ChecksRepository {
  private readonly writes: GroupCommit<Database>;
  private readonly startQuery;
  private readonly finishQuery;
  /** `find`, compiled once too: it answers every GET /v1/checks/:id and GraphQL check(id). */
  private readonly findQuery;

  constructor(
    private readonly db: Kysely<Database>,
    opts: { groupWrites?: boolean } = {},
  ) {
    this.writes = new GroupCommit(db, opts.groupWrites ?? false);
    this.startQuery = preparedQuery(['id', 'at'], (p) =>
      db
        .updateTable('checks')
        .set((eb) => ({ status: 'running', started_at: p.at, attempts: eb('attempts', '+', 1) }))
        .where('id', '=', p.id)
        .where('status', 'in', ['queued', 'running'])
        .returningAll(),
    );
    this.finishQuery = preparedQuery(['id', ...OUTCOME_COLUMNS], (p) =>
      db
        .updateTable('checks')
        .set({
          status: p.status as CheckRow['status'],
          verdict: p.verdict,
          score: p.score as unknown as number,
          findings: p.findings,
          result: p.result,
          error: p.error,
          completed_at: p.completed_at,
          duration_ms: p.duration_ms as unknown as number,
        })
        .where('id', '=', p.id)
        .where('status', 'in', ['queued', 'running'])
        .returningAll(),
    );
    this.findQuery = preparedQuery(['tenantId', 'id'], (p) =>
      db.selectFrom('checks').selectAll().where('id', '=', p.id).where('tenant_id', '=', p.tenantId),
    );
  }

  async insert(row: CheckRow): Promise<void> {
    await this.db.insertInto('checks').values(row).execute();
  }

  /**
   * Several checks in one statement (one commit); more than 400 in one transaction of 400-row
   * statements. All or nothing.
   */
  async insertMany(rows: CheckRow[]): Promise<void> {
    if (rows.length <= 400) {
      if (rows.length) await this.db.insertInto('checks').values(rows).execute();
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 400)
        await trx
          .insertInto('checks')
          .values(rows.slice(i, i + 400))
          .execute();
    });
  }

  async insertBatch(batch: BatchRow, rows: CheckRow[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('batches').values(batch).execute();
      // Chunks keep each statement under SQLite's and PostgreSQL's bound-parameter limits.
      for (let i = 0; i < rows.length; i += 400) {
        await trx
          .insertInto('checks')
          .values(rows.slice(i, i + 400))
          .execute();
      }
    });
  }

  async delete(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 500)
      await this.db
        .deleteFrom('checks')
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
  }

  async deleteBatch(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('checks').where('batch_id', '=', id).execute();
      await trx.deleteFrom('batches').where('id', '=', id).execute();
    });
  }

  async find(tenantId: string, id: string): Promise<CheckRow | undefined> {
    return (await this.db.executeQuery(this.findQuery({ tenantId, id }))).rows[0];
  }

  /** Unscoped read, for workers only (they act on ids they were given by the queue). */
  async findById(id: string): Promise<CheckRow | undefined> {
    return this.db.selectFrom('checks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(f: CheckFilter): Promise<CheckRow[]> {
    let q = this.db.selectFrom('checks').selectAll().where('tenant_id', '=', f.tenantId);
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.target) q = q.where('target', '=', f.target);
    if (f.status) q = q.where('status', '=', f.status as CheckRow['status']);
    if (f.batchId) q = q.where('batch_id', '=', f.batchId);
    if (f.createdBy) q = q.where('created_by', '=', f.createdBy);
    if (f.monitorId) q = q.where('monitor_id', '=', f.monitorId);
    if (f.cursor) q = q.where('id', '<', f.cursor);
    return q.orderBy('id', 'desc').limit(f.limit).execute();
  }

  /** queued -> running; returns false if the check is already finished (idempotent redelivery). */
  async markRunning(id: string, at: string): Promise<boolean> {
    return (await this.start(id, at)) !== undefined;
  }

  /**
   * queued -> running, returning the row as it now is (one statement, RETURNING); undefined when
   * the check is missing or already finished (idempotent redelivery).
   */
  async start(id: string, at: string): Promise<CheckRow | undefined> {
    return (await this.writes.execute(this.startQuery({ id, at }))).rows[0];
  }

  /** Store the outcome exactly once: a second writer (a redelivered job) changes nothing. */
  async complete(id: string, v: CheckOutcome): Promise<boolean> {
    return (await this.finish(id, v)) !== undefined;
  }

  /**
   * Store the outcome exactly once and return the stored row (one statement, RETURNING), for the
   * lifecycle hooks; undefined when another writer (a redelivered job) got there first.
   */
  async finish(id: string, v: CheckOutcome): Promise<CheckRow | undefined> {
    return (await this.writes.execute(this.finishQuery({ id, ...v }))).rows[0];
  }

  /** Checks the queue may have lost (e.g. Redis restarted without persistence). */
  async unfinishedBefore(
    isoTime: string,
    limit: number,
  ): Promise<Pick<CheckRow, 'id' | 'kind' | 'status' | 'tenant_id'>[]> {
    return this.db
      .selectFrom('checks')
      .select(['id', 'kind', 'status', 'tenant_id'])
      .where('status', 'in', ['queued', 'running'])
      .where('created_at', '<', isoTime)
      .orderBy('created_at', 'asc')
      .limit(limit)
      .execute();
  }

  async findBatch(tenantId: string, id: string): Promise<BatchRow | undefined> {
    return this.db
      .selectFrom('batches')
      .selectAll()
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
  }

  async batchCounts(batchId: string): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('checks')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('batch_id', '=', batchId)
      .groupBy('status')
      .execute();
    const out: Record<string, number> = {};
    for (const r of rows) out[r.status] = Number(r.n);
    return out;
  }

  /**
   * Mark the batch completed when none of its checks is left unfinished; true for the one caller
   * that did. One statement whose cost does not grow with the batch (it looks for one unfinished
   * check on the (batch_id, status) index; counting the batch on every finished check made a
   * batch's completions quadratic). Concurrent finishers: each runs this after its own check's
   * update committed, so the last one sees every check finished, and the row lock on the batch
   * lets only one of them change `running` to `completed`.
   */
  async finishBatchIfDone(batchId: string, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable('batches')
      .set({ status: 'completed', completed_at: at })
      .where('id', '=', batchId)
      .where('status', '=', 'running')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('checks')
              .select('checks.id')
              .where('checks.batch_id', '=', batchId)
              .where('checks.status', 'in', ['queued', 'running']),
          ),
        ),
      )
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
