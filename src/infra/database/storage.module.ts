import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import { StartupError } from '../startup-error';
import { ChecksRepository } from './checks.repository';
import { openDatabase, type DatabaseHandle } from './database.factory';
import { migrate, ping } from './migrations';
import { TenantsRepository } from './tenants.repository';

/** The database handle (Kysely over better-sqlite3 or pg), open, reachable and migrated. */
export const DATABASE = Symbol('DATABASE');

/** Open DATABASE_URL, check it answers and migrate it; an unreachable database is a StartupError (exit 69). */
export async function connectDatabase(url: string): Promise<DatabaseHandle> {
  let database: DatabaseHandle | undefined;
  try {
    database = await openDatabase(url);
    await ping(database.db);
    await migrate(database.db);
    return database;
  } catch (e) {
    await database?.close().catch(() => undefined);
    const how = url.startsWith('sqlite:') ? 'check that the folder of DATABASE_URL is writable' : 'start it (e.g. pg_ctlcluster 15 main start) or fix DATABASE_URL';
    throw new StartupError(`Database unreachable (${url.replace(/\/\/[^@/]*@/, '//***@')}): ${(e as Error).message}; ${how}.`);
  }
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
    { provide: DATABASE, useFactory: (config: AppConfig) => connectDatabase(config.databaseUrl), inject: [APP_CONFIG] },
    { provide: ChecksRepository, useFactory: (h: DatabaseHandle) => new ChecksRepository(h.db), inject: [DATABASE] },
    { provide: TenantsRepository, useFactory: (h: DatabaseHandle) => new TenantsRepository(h.db), inject: [DATABASE] },
    DatabaseCloser,
  ],
  exports: [DATABASE, ChecksRepository, TenantsRepository],
})
export class StorageModule {}
