import type { CompiledQuery, Kysely, QueryResult } from 'kysely';

/** The most statements committed together. */
const MAX_GROUP = 200;

interface Pending {
  query: CompiledQuery<unknown>;
  resolve: (r: QueryResult<unknown>) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for SQLite: the write statements asked for in one turn of the event loop (a worker
 * starting or finishing many checks at once) run in one transaction, so they share one commit
 * instead of paying one each (a commit writes the changed table and index pages to the WAL: about
 * 100 µs of a single-row update here, 20-30 µs per row in a transaction of 10). Each caller still
 * gets its own statement's result, and only once the transaction has committed, so nothing is
 * acknowledged before it is stored. When the transaction fails, each statement runs again on its
 * own (the failed transaction was rolled back), so one bad statement fails alone.
 *
 * Without grouping (PostgreSQL: statements of different checks run side by side on the pool, and
 * one transaction would put them in a row on one connection) each statement runs at once.
 */
export class GroupCommit<DB> {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly grouped: boolean,
  ) {}

  execute<R>(query: CompiledQuery<R>): Promise<QueryResult<R>> {
    if (!this.grouped) return this.db.executeQuery(query);
    return new Promise<QueryResult<R>>((resolve, reject) => {
      this.pending.push({ query, resolve: resolve as Pending['resolve'], reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Let the statements asked for in this turn of the event loop join the group.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const all = this.pending;
    this.pending = [];
    for (let i = 0; i < all.length; i += MAX_GROUP) await this.commit(all.slice(i, i + MAX_GROUP));
  }

  private async commit(group: Pending[]): Promise<void> {
    if (group.length === 1) {
      const [one] = group as [Pending];
      await this.db.executeQuery(one.query).then(one.resolve, one.reject);
      return;
    }
    let results: QueryResult<unknown>[];
    try {
      results = await this.db.transaction().execute(async (trx) => {
        const out: QueryResult<unknown>[] = [];
        for (const g of group) out.push(await trx.executeQuery(g.query));
        return out;
      });
    } catch {
      await Promise.all(group.map((g) => this.db.executeQuery(g.query).then(g.resolve, g.reject)));
      return;
    }
    group.forEach((g, i) => g.resolve(results[i]!));
  }
}
