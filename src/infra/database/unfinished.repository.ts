import type { Kysely } from 'kysely';
import type { Database } from './database.types';

/**
 * The database's view of "unfinished" work, used to correct the Redis counters when they drift
 * (a finish hook lost while Redis was down, a check deleted). The database is the source of truth.
 */
export class UnfinishedRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Unfinished checks per tracked member: a check id (0 or 1) or `b:<batchId>` (0..n). */
  async counts(members: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>(members.map((m) => [m, 0]));
    const ids = members.filter((m) => !m.startsWith('b:'));
    const batches = members.filter((m) => m.startsWith('b:')).map((m) => m.slice(2));
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom('checks')
        .select('id')
        .where('id', 'in', ids.slice(i, i + 500))
        .where('status', 'in', ['queued', 'running'])
        .execute();
      for (const r of rows) out.set(r.id, 1);
    }
    for (let i = 0; i < batches.length; i += 500) {
      const rows = await this.db
        .selectFrom('checks')
        .select(['batch_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('batch_id', 'in', batches.slice(i, i + 500))
        .where('status', 'in', ['queued', 'running'])
        .groupBy('batch_id')
        .execute();
      for (const r of rows) out.set(`b:${r.batch_id}`, Number(r.n));
    }
    return out;
  }
}
