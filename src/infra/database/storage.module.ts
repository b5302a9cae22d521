import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import { StartupError } from '../startup-error';
import { ChecksRepository } from './checks.repository';
import { connectionRetry, isConnectionFailure } from './database-errors';
import { openDatabase, type DatabaseHandle } from './database.factory';
import type { DatabaseSettings } from './database.settings';
import { migrate, ping } from './migrations';
import { TenantsRepository } from './tenants.repository';

/** The database handle (Kysely over better-sqlite3 or pg), open, reachable and migrated. */
export const DATABASE = Symbol('DATABASE');

/** How long a start-up keeps trying (connectionRetry): the same as Redis's (redis.factory.ts, waitForRedis). */
export interface DatabaseWait {
  /** While nothing answers (refused, unknown host). */
  failFastMs: number;
  /** While the database answers slowly or is busy (timeouts, too many connections, starting up). */
  timeoutMs: number;
}
const BOOT_WAIT: DatabaseWait = { failFastMs: 3000, timeoutMs: 30_000 };
const RETRY_PAUSE_MS = 250;

/**
 * Open DATABASE_URL, check it answers and migrate it; a failure is a StartupError (exit 69). Only
 * a database that cannot be reached or opened gets the "start it" advice; one that answered and
 * refused (a failed migration, a held lock) is reported as what it is. A database that is slow to
 * answer (a connect timeout under load, too many connections for a moment, starting up) is tried
 * again for up to `wait.timeoutMs`, and one that refuses for `wait.failFastMs`, so replicas and
 * CI jobs that start beside the database do not exit for a passing moment (connectionRetry).
 */
export async function connectDatabase(
  url: string,
  settings?: DatabaseSettings,
  wait: DatabaseWait = BOOT_WAIT,
): Promise<DatabaseHandle> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectOnce(url, settings);
    } catch (e) {
      const retry = connectionRetry((e as { cause?: unknown }).cause);
      const limit = retry === 'wait' ? wait.timeoutMs : retry === 'brief' ? wait.failFastMs : 0;
      const elapsed = Date.now() - started;
      if (elapsed + RETRY_PAUSE_MS >= limit) {
        if (attempt > 1 && e instanceof StartupError)
          e.message = `${e.message.replace(/\.$/, '')} (tried ${attempt} times over ${Math.round(elapsed / 100) / 10} s).`;
        throw e;
      }
      await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
    }
  }
}

/** One try: open, ping, migrate. The StartupError it throws keeps the driver's error as `cause`. */
async function connectOnce(url: string, settings?: DatabaseSettings): Promise<DatabaseHandle> {
  const databaseError = (e: unknown, what: string) => {
    const redacted = url.replace(/\/\/[^@/]*@/, '//***@');
    const message = e instanceof Error ? e.message : String(e);
    if (/unsupported startup parameter/i.test(message))
      return new StartupError(
        `${what} (${redacted}): ${message}; behind PgBouncer set DATABASE_STATEMENT_TIMEOUT_MS=0 and set the timeout on the server side instead (ALTER ROLE ... SET statement_timeout, or PgBouncer's query_timeout).`,
        { cause: e },
      );
    if (!isConnectionFailure(e)) return new StartupError(`${what} (${redacted}): ${message}.`, { cause: e });
    const how = url.startsWith('sqlite:')
      ? 'check that the folder of DATABASE_URL is writable'
      : 'start it (e.g. pg_ctlcluster 15 main start) or fix DATABASE_URL';
    return new StartupError(`Database unreachable (${redacted}): ${message}; ${how}.`, { cause: e });
  };
  let database: DatabaseHandle | undefined;
  try {
    database = await openDatabase(url, settings);
    await ping(database.db);
  } catch (e) {
    await database?.close().catch(() => undefined);
    throw databaseError(e, 'Database could not be opened');
  }
  try {
    await migrate(database.db, database.schema);
  } catch (e) {
    await database.close().catch(() => undefined);
    throw databaseError(e, 'Database migration failed');
  }
  return database;
}

/** Closes the database last, after the workers and the HTTP server have stopped. */
@Injectable()
class DatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle) {}
  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}

/**
 * Storage: the database and the core repositories (checks, batches, tenants, keys). Feature
 * repositories (webhooks, history, unfinished checks) also live in src/infra/database; the module
 * that owns each provides it on DATABASE.
 */
@Global()
@Module({
  providers: [
    {
      provide: DATABASE,
      useFactory: (config: AppConfig) => connectDatabase(config.databaseUrl, config.database),
      inject: [APP_CONFIG],
    },
    {
      provide: ChecksRepository,
      useFactory: (h: DatabaseHandle) => new ChecksRepository(h.db, { groupWrites: h.dialect === 'sqlite' }),
      inject: [DATABASE],
    },
    { provide: TenantsRepository, useFactory: (h: DatabaseHandle) => new TenantsRepository(h.db), inject: [DATABASE] },
    DatabaseCloser,
  ],
  exports: [DATABASE, ChecksRepository, TenantsRepository],
})
export class StorageModule {}
