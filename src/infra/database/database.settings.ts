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
 * - DATABASE_CONNECT_TIMEOUT_MS (10000): how long a query waits for a connection (a new one to be
 *   opened, or a busy pool to free one) before it fails (a 503 on the API, a retried job). A
 *   stopped server is refused at once whatever this is; the limit is a timer, so one too short
 *   fires on a loaded machine while a long synchronous step holds the event loop (it was 3 s).
 */
export interface DatabaseSettings {
  poolMax: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
}

export function readDatabaseSettings(env: Record<string, string | undefined>): DatabaseSettings {
  const { int, problems } = envIntReader(env);
  const settings = {
    poolMax: int('DATABASE_POOL_MAX', 10, 1, 1000),
    statementTimeoutMs: int('DATABASE_STATEMENT_TIMEOUT_MS', 0, 0, 3_600_000),
    connectTimeoutMs: int('DATABASE_CONNECT_TIMEOUT_MS', 10_000, 100, 300_000),
  };
  if (problems.length) throw new ConfigError(problems);
  return settings;
}
