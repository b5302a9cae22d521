import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh database URL: a temp SQLite file, or a fresh PostgreSQL schema. */
export function freshDatabaseUrl(
  dialect: 'sqlite' | 'postgres' = (process.env.TEST_DB as 'sqlite' | 'postgres') ?? 'sqlite',
): { url: string; cleanup(): Promise<void> } {
  const id = randomBytes(5).toString('hex');
  if (dialect === 'postgres') {
    const schema = `t_${id}`;
    return {
      url: `postgres://postgres@127.0.0.1:5432/test?schema=${schema}`,
      async cleanup() {
        const { Client } = await import('pg');
        const c = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'smtp-doctor-test-'));
  return { url: `sqlite:${join(dir, 'test.db')}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}
