import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/infra/database/database.factory';
import { migrate, MIGRATIONS } from '../../src/infra/database/migrations';
import { ChecksRepository, type CheckRow } from '../../src/infra/database/checks.repository';
import { TenantsRepository } from '../../src/infra/database/tenants.repository';
import { GroupCommit } from '../../src/infra/database/group-commit';
import { preparedQuery } from '../../src/infra/database/prepared-query';
import { uuidv7 } from '../../src/common/ids';
import { freshDatabaseUrl } from '../support/database';

function row(tenant: string, over: Partial<CheckRow> = {}): CheckRow {
  return {
    id: uuidv7(),
    tenant_id: tenant,
    batch_id: null,
    created_by: `static:${tenant}`,
    kind: 'mx',
    target: 'example.com',
    status: 'queued',
    input: '{"domain":"example.com"}',
    verdict: null,
    score: null,
    findings: null,
    result: null,
    error: null,
    attempts: 0,
    created_at: new Date().toISOString(),
    started_at: null,
    completed_at: null,
    duration_ms: null,
    monitor_id: null,
    ...over,
  };
}

describe.each(['sqlite', 'postgres'] as const)('storage on %s', (dialect) => {
  let h: DatabaseHandle;
  let cleanup: () => Promise<void>;
  let checks: ChecksRepository;
  let tenants: TenantsRepository;

  beforeAll(async () => {
    const db = freshDatabaseUrl(dialect);
    cleanup = () => db.cleanup();
    h = await openDatabase(db.url);
    expect(await migrate(h.db, h.schema)).toEqual(MIGRATIONS.map((m) => m.name));
    // Applying again is a no-op (migrations run at every boot).
    expect(await migrate(h.db, h.schema)).toEqual([]);
    checks = new ChecksRepository(h.db);
    tenants = new TenantsRepository(h.db);
    await tenants.ensure('t1', new Date().toISOString());
    await tenants.ensure('t2', new Date().toISOString());
  });
  afterAll(async () => {
    await h?.close();
    await cleanup?.();
  });

  it('round-trips a check and scopes reads by tenant', async () => {
    const r = row('t1', { input: JSON.stringify({ domain: 'exämple.com', n: [1, 2] }) });
    await checks.insert(r);
    expect(await checks.find('t1', r.id)).toEqual(r);
    expect(await checks.find('t2', r.id)).toBeUndefined();
  });

  it('stores an outcome exactly once', async () => {
    const r = row('t1');
    await checks.insert(r);
    expect(await checks.markRunning(r.id, new Date().toISOString())).toBe(true);
    const outcome = {
      status: 'completed' as const,
      verdict: 'pass',
      score: 100,
      findings: '[]',
      result: '{"a":1}',
      error: null,
      completed_at: new Date().toISOString(),
      duration_ms: 5,
    };
    expect(await checks.complete(r.id, outcome)).toBe(true);
    expect(await checks.complete(r.id, { ...outcome, verdict: 'fail' })).toBe(false);
    expect(await checks.markRunning(r.id, new Date().toISOString())).toBe(false);
    const got = await checks.find('t1', r.id);
    expect(got).toMatchObject({ status: 'completed', verdict: 'pass', attempts: 1, result: '{"a":1}' });
  });

  it('pages newest first by time-ordered id, with filters', async () => {
    const rows = [
      row('t2', { target: 'a.com' }),
      row('t2', { target: 'b.com', kind: 'dns' }),
      row('t2', { target: 'a.com' }),
    ];
    for (const r of rows) await checks.insert(r);
    const page1 = await checks.list({ tenantId: 't2', limit: 2 });
    expect(page1.map((x) => x.id)).toEqual([rows[2]!.id, rows[1]!.id]);
    const page2 = await checks.list({ tenantId: 't2', limit: 2, cursor: page1[1]!.id });
    expect(page2.map((x) => x.id)).toEqual([rows[0]!.id]);
    expect((await checks.list({ tenantId: 't2', limit: 10, target: 'a.com' })).length).toBe(2);
    expect((await checks.list({ tenantId: 't2', limit: 10, kind: 'dns' })).map((x) => x.id)).toEqual([rows[1]!.id]);
  });

  it('start and finish return the row as stored, once; insertMany stores rows together, all or nothing', async () => {
    const many = Array.from({ length: 450 }, (_, i) => row('t1', { target: `m${i}.example` }));
    await checks.insertMany(many);
    expect(await checks.find('t1', many[449]!.id)).toEqual(many[449]);
    // One bad row (a duplicate id) and none of its group is stored.
    const group = [row('t1', { target: 'fresh.example' }), { ...many[0]! }];
    await expect(checks.insertMany(group)).rejects.toThrow();
    expect(await checks.find('t1', group[0]!.id)).toBeUndefined();

    const r = many[0]!;
    const at = new Date().toISOString();
    const started = await checks.start(r.id, at);
    expect(started).toEqual({ ...r, status: 'running', started_at: at, attempts: 1 });
    const outcome = {
      status: 'completed' as const,
      verdict: 'pass',
      score: 90,
      findings: '[]',
      result: null,
      error: null,
      completed_at: new Date().toISOString(),
      duration_ms: 3,
    };
    const stored = await checks.finish(r.id, outcome);
    expect(stored).toEqual({ ...started, ...outcome });
    expect(await checks.find('t1', r.id)).toEqual(stored);
    // A redelivered job: neither starts nor stores again.
    expect(await checks.finish(r.id, { ...outcome, verdict: 'fail' })).toBeUndefined();
    expect(await checks.start(r.id, at)).toBeUndefined();
    expect(await checks.start(uuidv7(), at)).toBeUndefined();
  });

  it('group commit: writes asked for together commit together, each once; a bad statement fails alone', async () => {
    const grouped = new ChecksRepository(h.db, { groupWrites: true });
    const rows = Array.from({ length: 30 }, (_, i) => row('t1', { target: `g${i}.example` }));
    await checks.insertMany(rows);
    const at = new Date().toISOString();
    const started = await Promise.all(rows.map((r) => grouped.start(r.id, at)));
    expect(started).toEqual(rows.map((r) => ({ ...r, status: 'running', started_at: at, attempts: 1 })));
    const outcome = (verdict: string) => ({
      status: 'completed' as const,
      verdict,
      score: 50,
      findings: '[]',
      result: null,
      error: null,
      completed_at: new Date().toISOString(),
      duration_ms: 1,
    });
    // Two writers of each outcome in the same group: exactly one of them stores it.
    const finished = await Promise.all(
      rows.flatMap((r) => [grouped.finish(r.id, outcome('pass')), grouped.finish(r.id, outcome('fail'))]),
    );
    for (let i = 0; i < rows.length; i++) {
      const pair = finished.slice(2 * i, 2 * i + 2);
      expect(pair.filter((x) => x !== undefined)).toHaveLength(1);
      expect(await checks.find('t1', rows[i]!.id)).toEqual(pair.find((x) => x !== undefined));
    }

    const commits = new GroupCommit(h.db, true);
    const fresh = row('t1', { target: 'fresh-group.example' });
    const [good, dup] = await Promise.allSettled([
      commits.execute(h.db.insertInto('checks').values(fresh).compile()),
      commits.execute(h.db.insertInto('checks').values(rows[0]!).compile()),
    ]);
    expect(good.status).toBe('fulfilled');
    expect(dup.status).toBe('rejected');
    expect(await checks.find('t1', fresh.id)).toEqual(fresh);
  });

  it('preparedQuery refuses a placeholder that is not a bound parameter', () => {
    expect(() => preparedQuery(['x'], () => h.db.selectFrom('checks').selectAll())).toThrow(/not a parameter/);
    expect(() =>
      preparedQuery(['x'], (p) => h.db.selectFrom('checks').selectAll().where('target', '=', sql.lit(p.x))),
    ).toThrow(/inlined/);
  });

  it('reuses prepared statements without mixing up their parameters or results', async () => {
    const a = row('t2', { target: 'stmt-a.example' });
    const b = row('t2', { target: 'stmt-b.example' });
    await checks.insert(a);
    await checks.insert(b);
    for (let i = 0; i < 3; i++) {
      expect((await checks.find('t2', a.id))?.target).toBe('stmt-a.example');
      expect((await checks.find('t2', b.id))?.target).toBe('stmt-b.example');
    }
    if (dialect !== 'sqlite') return; // streaming needs pg-cursor, which the PostgreSQL dialect is not given
    // A streamed read left early releases its (cached) statement; the same query then runs again in full.
    const stream = () => h.db.selectFrom('checks').select('id').where('tenant_id', '=', 't2').stream();
    for await (const x of stream()) {
      expect(typeof x.id).toBe('string');
      break;
    }
    const seen: string[] = [];
    for await (const x of stream()) seen.push(x.id);
    expect(seen).toEqual(expect.arrayContaining([a.id, b.id]));
  });

  it('inserts a 1,000-check batch atomically, counts and finishes it', async () => {
    const batchId = uuidv7();
    const rows = Array.from({ length: 1000 }, () => row('t1', { batch_id: batchId }));
    await checks.insertBatch(
      {
        id: batchId,
        tenant_id: 't1',
        created_by: 'static:t1',
        total: 1000,
        status: 'running',
        created_at: new Date().toISOString(),
        completed_at: null,
      },
      rows,
    );
    expect(await checks.batchCounts(batchId)).toEqual({ queued: 1000 });
    expect(await checks.finishBatchIfDone(batchId, new Date().toISOString())).toBe(false);
    const complete = (id: string) =>
      checks.complete(id, {
        status: 'completed',
        verdict: 'pass',
        score: 100,
        findings: '[]',
        result: null,
        error: null,
        completed_at: new Date().toISOString(),
        duration_ms: 1,
      });
    for (const r of rows.slice(0, -1)) await complete(r.id);
    // One check left unfinished: not done yet.
    expect(await checks.finishBatchIfDone(batchId, new Date().toISOString())).toBe(false);
    await complete(rows[rows.length - 1]!.id);
    expect(await checks.finishBatchIfDone(batchId, new Date().toISOString())).toBe(true);
    // Exactly one caller completes it.
    expect(await checks.finishBatchIfDone(batchId, new Date().toISOString())).toBe(false);
    expect((await checks.findBatch('t1', batchId))?.status).toBe('completed');
    expect(await checks.findBatch('t2', batchId)).toBeUndefined();
  });

  it('a failing batch insert leaves nothing behind', async () => {
    const batchId = uuidv7();
    const dup = row('t1', { batch_id: batchId });
    await expect(
      checks.insertBatch(
        {
          id: batchId,
          tenant_id: 't1',
          created_by: 'static:t1',
          total: 2,
          status: 'running',
          created_at: new Date().toISOString(),
          completed_at: null,
        },
        [dup, { ...dup }],
      ),
    ).rejects.toThrow();
    expect(await checks.findBatch('t1', batchId)).toBeUndefined();
    expect(await checks.find('t1', dup.id)).toBeUndefined();
  });

  it('finds unfinished checks for the sweeper', async () => {
    const old = row('t1', { created_at: '2000-01-01T00:00:00.000Z' });
    await checks.insert(old);
    const found = await checks.unfinishedBefore('2000-01-02T00:00:00.000Z', 10);
    expect(found.map((x) => x.id)).toEqual([old.id]);
  });

  it('stores keys by hash and revokes them', async () => {
    await tenants.insertKey({
      id: uuidv7(),
      tenant_id: 't1',
      hash: 'f'.repeat(64),
      prefix: 'sk_abc',
      type: 'secret',
      label: null,
      created_at: new Date().toISOString(),
      revoked_at: null,
    });
    const k = await tenants.findKeyByHash('f'.repeat(64));
    expect(k?.tenant_id).toBe('t1');
    expect(await tenants.revokeKey('t2', k!.id, new Date().toISOString())).toBe(false);
    expect(await tenants.revokeKey('t1', k!.id, new Date().toISOString())).toBe(true);
    expect((await tenants.findKeyByHash('f'.repeat(64)))?.revoked_at).toBeTruthy();
  });
});
