import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChecksRepository } from '../../src/infra/database/checks.repository';
import type { Database } from '../../src/infra/database/database.types';
import { HistoryRepository } from '../../src/infra/database/history.repository';
import { migrate } from '../../src/infra/database/migrations';
import { MonitorsRepository } from '../../src/infra/database/monitors.repository';
import { ReportIntakeRepository } from '../../src/infra/database/report-intake.repository';
import { WebhooksRepository } from '../../src/infra/database/webhooks.repository';
import { freshDatabaseUrl } from '../support/database';

/**
 * No listing query of the API grows with the table: a fresh PostgreSQL schema holds 100,000 checks
 * (and tens of thousands of reports, alerts, deliveries), and every listing the API runs, as the
 * real repositories compile it (captured through Kysely's query log, parameters and all), is run
 * under `EXPLAIN (ANALYZE, FORMAT JSON)`: no Seq Scan, and no plan node touches more than a few
 * pages' worth of rows (rows out x loops + rows removed by a filter), where a Sort of a tenant's,
 * batch's or monitor's rows would touch thousands.
 *
 * Data shapes: 4 tenants of 25,000 checks, 10 batches of 5,000 checks (the older half of the table,
 * one tenant per batch, so that tenant's older checks come in blocks), 4 monitors of 2,500 runs
 * each, 1,000 targets, 1 % failed; ids are time-ordered like uuidv7. The newer half interleaves the
 * tenants: PostgreSQL then reads a tenant's newest checks on the primary key, newest first,
 * skipping the other tenants' (it estimates a tenant at a quarter of the rows), which touches a
 * few pages' worth. (A large tenant idle for long would have that scan step over everything newer
 * than its newest check: a planner estimate no index changes; seen and left.)
 */
const CHECKS = 100_000;
const LIMIT = 51; // the API asks for one more than the page (50) to know whether there is a next page
const BOUND = 600; // rows any node may touch: ~10 pages

const id = (prefix: string, g: string) => `'${prefix}' || lpad(to_hex(${g}), 12, '0')`;
const CHECK_ID = (g: string) => `'00000000-0000-7000-8000-' || lpad(to_hex(${g}), 12, '0')`;
const at = (g: string) =>
  `to_char(timestamp '2026-01-01' + (${g}) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  'Sort Method'?: string;
  Plans?: PlanNode[];
};

function* walk(n: PlanNode): Generator<PlanNode> {
  yield n;
  for (const c of n.Plans ?? []) yield* walk(c);
}
const touched = (n: PlanNode) =>
  n['Actual Rows'] * n['Actual Loops'] + (n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0);

describe('listing queries on 100,000 rows (PostgreSQL EXPLAIN)', () => {
  const fresh = freshDatabaseUrl('postgres');
  const schema = new URL(fresh.url).searchParams.get('schema')!;
  let pool: Pool;
  let db: Kysely<Database>;
  const captured: CompiledQuery[] = [];

  /** The SELECTs one repository call runs, as compiled by Kysely. */
  const queriesOf = async (call: () => Promise<unknown>) => {
    captured.length = 0;
    await call();
    return captured.filter((q) => /^select/i.test(q.sql)).slice();
  };
  const explain = async (q: CompiledQuery): Promise<PlanNode> => {
    const r = await pool.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
      `explain (analyze, format json) ${q.sql}`,
      q.parameters as unknown[],
    );
    return r.rows[0]!['QUERY PLAN'][0]!.Plan;
  };
  /** Every SELECT of the call uses indexes only within the bound. */
  const expectIndexed = async (call: () => Promise<unknown>, bound = BOUND) => {
    const queries = await queriesOf(call);
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) {
      const plan = await explain(q);
      const nodes = [...walk(plan)];
      const where = `${q.sql}\n${JSON.stringify(plan)}`;
      expect(
        nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']),
        where,
      ).toEqual([]);
      expect(
        nodes.some((n) => /Index/.test(n['Node Type'])),
        where,
      ).toBe(true);
      expect(Math.max(...nodes.map(touched)), where).toBeLessThanOrEqual(bound);
    }
  };

  beforeAll(async () => {
    pool = new Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/test', max: 2 });
    db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      log: (e) => {
        if (e.level === 'query') captured.push(e.query);
      },
    }).withSchema(schema);
    await migrate(db, schema);
    const s = schema;
    // One statement per table, generated on the server.
    await pool.query(`
      insert into ${s}.checks (id, tenant_id, batch_id, created_by, kind, target, status, input, verdict, score,
                               findings, result, error, attempts, created_at, started_at, completed_at, duration_ms, monitor_id)
      select ${CHECK_ID('g')}, 't' || case when g <= 50000 then ((g - 1) / 5000) % 4 else g % 4 end,
             case when g <= 50000 then 'batch-' || ((g - 1) / 5000) end,
             'key', (array['mx','dns','smtp','tls'])[g % 4 + 1], 'd' || (g % 1000) || '.example',
             case when g % 100 = 0 then 'failed' when g > ${CHECKS} - 100 then 'queued' else 'completed' end,
             '{}', 'pass', 90, '[]', '{}', null, 1, ${at('g')}, ${at('g')}, ${at('g')}, 50,
             case when g > 50000 and g % 10 < 2 then 'monitor-' || (g % 4) end
        from generate_series(1, ${CHECKS}) g`);
    await pool.query(`
      insert into ${s}.batches (id, tenant_id, created_by, total, status, created_at, completed_at)
      select 'batch-' || b, 't' || (b % 4), 'key', 5000, 'completed', ${at('b')}, ${at('b')} from generate_series(0, 9) b`);
    await pool.query(`
      insert into ${s}.monitors (id, tenant_id, name, target, kinds, options, interval_s, confirmations, channels,
                                 status, last_slot, last_run_at, created_at, updated_at)
      select case when m < 4 then 'monitor-' || m else ${id('mon-', 'm')} end, 't' || (m % 4), null, 'd' || m || '.example',
             '["mx"]', '{}', 300, 2, '[]', 'active', null, null, ${at('m')}, ${at('m')}
        from generate_series(0, 19999) m`);
    await pool.query(`
      insert into ${s}.monitor_alerts (id, monitor_id, tenant_id, kind, type, check_id, change, created_at)
      select ${id('alert-', 'a')}, 'monitor-' || (a % 4), 't' || (a % 4), 'mx', 'changed', ${CHECK_ID('a')}, '{}', ${at('a')}
        from generate_series(1, 20000) a`);
    await pool.query(`
      insert into ${s}.health_reports (id, tenant_id, domain, status, children, score, grade, formula, finding_codes,
                                       report, created_at, completed_at)
      select ${id('hr-', 'h')}, 't' || (h % 4), 'd' || (h % 50) || '.example', 'done', '[]', 80, 'B', 'v1', '[]', '{}',
             ${at('h')}, ${at('h')}
        from generate_series(1, 20000) h`);
    await pool.query(`
      insert into ${s}.webhook_deliveries (id, webhook_id, tenant_id, event, event_id, payload, status, attempts,
                                           response_status, error, created_at, updated_at)
      select ${id('dl-', 'w')}, 'hook-' || (w % 4), 't' || (w % 4), 'check.completed', ${id('ev-', 'w')}, '{}',
             'delivered', 1, 200, null, ${at('w')}, ${at('w')}
        from generate_series(1, 20000) w`);
    await pool.query(`
      insert into ${s}.dmarc_reports (id, tenant_id, kind, dedup_key, domain, org_name, report_id, begin_at, end_at,
                                      messages, body, received_at)
      select ${id('rep-', 'r')}, 't' || (r % 4), (array['aggregate','tlsrpt'])[r % 2 + 1], md5(r::text),
             'd' || (r % 50) || '.example', 'org', 'r' || r, ${at('r')}, ${at('r + 86400')}, 10, '{}', ${at('r')}
        from generate_series(1, 20000) r`);
    await pool.query(`analyze ${s}.checks, ${s}.batches, ${s}.monitors, ${s}.monitor_alerts, ${s}.health_reports,
                              ${s}.webhook_deliveries, ${s}.dmarc_reports`);
    const n = await pool.query<{ n: string }>(`select count(*) n from ${s}.checks`);
    expect(n.rows[0]!.n).toBe(String(CHECKS));
  }, 180_000);

  afterAll(async () => {
    await db?.destroy();
    await fresh.cleanup();
  });

  const checks = () => new ChecksRepository(db);
  const mid = (g: number) => `00000000-0000-7000-8000-${g.toString(16).padStart(12, '0')}`;

  it('checks list, newest first: first page and a page deep in the tenant', async () => {
    await expectIndexed(() => checks().list({ tenantId: 't1', limit: LIMIT }));
    await expectIndexed(() => checks().list({ tenantId: 't1', limit: LIMIT, cursor: mid(47_000) }));
  });

  it('checks list filtered by kind, by target, by status (rare and common), by kind + target + status', async () => {
    await expectIndexed(() => checks().list({ tenantId: 't1', kind: 'dns', limit: LIMIT, cursor: mid(47_000) }));
    await expectIndexed(() => checks().list({ tenantId: 't1', target: 'd7.example', limit: LIMIT }));
    await expectIndexed(() => checks().list({ tenantId: 't1', status: 'failed', limit: LIMIT, cursor: mid(90_000) }));
    await expectIndexed(() => checks().list({ tenantId: 't2', status: 'queued', limit: LIMIT }));
    await expectIndexed(() =>
      checks().list({ tenantId: 't1', status: 'completed', limit: LIMIT, cursor: mid(47_000) }),
    );
    // The report join's lookup of the latest finished audit of a domain.
    await expectIndexed(() =>
      checks().list({ tenantId: 't1', kind: 'dns', target: 'd7.example', status: 'completed', limit: 1 }),
    );
  });

  it("a batch's checks, page by page", async () => {
    await expectIndexed(() => checks().list({ tenantId: 't1', batchId: 'batch-1', limit: LIMIT }));
    await expectIndexed(() => checks().list({ tenantId: 't1', batchId: 'batch-1', limit: LIMIT, cursor: mid(7_500) }));
    // A batch's progress counts its own rows (5,000 here), never the table's.
    await expectIndexed(() => checks().batchCounts('batch-1'), 5_000);
  });

  it("a monitor's runs, page by page", async () => {
    await expectIndexed(() => checks().list({ tenantId: 't1', monitorId: 'monitor-1', limit: LIMIT }));
    await expectIndexed(() =>
      checks().list({ tenantId: 't1', monitorId: 'monitor-1', limit: LIMIT, cursor: mid(80_000) }),
    );
  });

  it('monitors, their alerts', async () => {
    const monitors = new MonitorsRepository(db);
    await expectIndexed(() => monitors.list('t1', LIMIT));
    await expectIndexed(() => monitors.list('t1', LIMIT, 'mon-000000002000'));
    await expectIndexed(() => monitors.alerts('t1', 'monitor-1', LIMIT));
    await expectIndexed(() => monitors.alerts('t1', 'monitor-1', LIMIT, 'alert-000000002000'));
    await expectIndexed(() => monitors.active(500, 'mon-000000002000'));
  });

  it('domain history, webhook deliveries, received reports', async () => {
    const history = new HistoryRepository(db as never);
    await expectIndexed(() => history.series('t1', 'd9.example', 30));
    await expectIndexed(() => history.latest('t1', 'd9.example'));
    const hooks = new WebhooksRepository(db as never);
    await expectIndexed(() => hooks.deliveries('t1', 'hook-1', LIMIT));
    await expectIndexed(() => hooks.deliveries('t1', 'hook-1', LIMIT, 'dl-000000002000'));
    await expectIndexed(() => hooks.deliveriesOfEvent('t1', 'ev-000000002001'));
    const reports = new ReportIntakeRepository(db as never);
    await expectIndexed(() => reports.reports('t1', { limit: 50 }));
    await expectIndexed(() => reports.reports('t1', { domain: 'd9.example', limit: 50 }));
    await expectIndexed(() => reports.reports('t1', { kind: 'tlsrpt', limit: 50 }));
  });

  it('the sweeper finds old unfinished checks without reading the finished ones', async () => {
    await expectIndexed(() => checks().unfinishedBefore('2030-01-01T00:00:00.000Z', 100));
  });
});
