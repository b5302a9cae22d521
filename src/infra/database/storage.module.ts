import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import { StartupError } from '../startup-error';
import { ChecksRepository } from './checks.repository';
import { isConnectionFailure } from './database-errors';
import { openDatabase, type DatabaseHandle } from './database.factory';
import type { DatabaseSettings } from './database.settings';
import { migrate, ping } from './migrations';
import { TenantsRepository } from './tenants.repository';

/** The database handle (Kysely over better-sqlite3 or pg), open, reachable and migrated. */
export const DATABASE = Symbol('DATABASE');

/**
 * Open DATABASE_URL, check it answers and migrate it; a failure is a StartupError (exit 69). Only
 * a database that cannot be reached or opened gets the "start it" advice; one that answered and
 * refused (a failed migration, a held lock) is reported as what it is.
 */
export async function connectDatabase(url: string, settings?: DatabaseSettings): Promise<DatabaseHandle> {
  const databaseError = (e: unknown, what: string) => {
    const redacted = url.replace(/\/\/[^@/]*@/, '//***@');
    const message = e instanceof Error ? e.message : String(e);
    if (/unsupported startup parameter/i.test(message))
      return new StartupError(
        `${what} (${redacted}): ${message}; behind PgBouncer set DATABASE_STATEMENT_TIMEOUT_MS=0 and set the timeout on the server side instead (ALTER ROLE ... SET statement_timeout, or PgBouncer's query_timeout).`,
      );
    if (!isConnectionFailure(e)) return new StartupError(`${what} (${redacted}): ${message}.`);
    const how = url.startsWith('sqlite:')
      ? 'check that the folder of DATABASE_URL is writable'
      : 'start it (e.g. pg_ctlcluster 15 main start) or fix DATABASE_URL';
    return new StartupError(`Database unreachable (${redacted}): ${message}; ${how}.`);
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
