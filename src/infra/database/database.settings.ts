import { envIntReader } from '../../config/env-int';
import { ConfigError } from '../../config/config-error';

/**
 * The database connection pool (AppConfig slice `database`, parsed once by loadConfig; documented
 * in the README). PostgreSQL only; SQLite has one connection per process.
 * - DATABASE_POOL_MAX (10): connections one process may hold. Size it so that
 *   (API + worker processes) x DATABASE_POOL_MAX stays under the server's (or PgBouncer's) limit.
 * - DATABASE_STATEMENT_TIMEOUT_MS (0 = the server's own setting): PostgreSQL cancels a statement
 *   running longer. Sent as the `statement_timeout` start-up parameter of each connection, which
 *   PgBouncer refuses: behind PgBouncer leave it 0 and set it on the server side instead
 *   (`ALTER ROLE smtp_doctor SET statement_timeout = '30s'`, or PgBouncer's `query_timeout`).
 */
export interface DatabaseSettings {
  poolMax: number;
  statementTimeoutMs: number;
}

export function readDatabaseSettings(env: Record<string, string | undefined>): DatabaseSettings {
  const { int, problems } = envIntReader(env);
  const settings = {
    poolMax: int('DATABASE_POOL_MAX', 10, 1, 1000),
    statementTimeoutMs: int('DATABASE_STATEMENT_TIMEOUT_MS', 0, 0, 3_600_000),
  };
  if (problems.length) throw new ConfigError(problems);
  return settings;
}
