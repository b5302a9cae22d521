import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { uuidv7 } from '../common/ids';
import { APP_CONFIG, LOGGER } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { TenantsRepository } from '../infra/database/tenants.repository';
import { hashKey, newKey } from './auth.service';

/** The tenant a first local run creates. */
export const FIRST_RUN_TENANT = 'local';

/** Where the service answers on this machine (0.0.0.0 and :: mean every address: loopback works). */
export function localBaseUrl(config: Pick<AppConfig, 'host' | 'port'>): string {
  const host = config.host === '0.0.0.0' || config.host === '::' || config.host === '' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/** Whether this start may create the first-run key: not in production, and no other way in is configured. */
export function firstRunAllowed(config: Pick<AppConfig, 'production' | 'apiKeys' | 'adminToken'>): boolean {
  return !config.production && config.apiKeys.length === 0 && config.adminToken === undefined;
}

/** The text printed once (on stderr, beside the JSON logs on stdout). */
export function firstRunMessage(key: string, baseUrl: string): string {
  const body = JSON.stringify({ kind: 'mx', domain: 'example.com' });
  return [
    '',
    `smtp-doctor: first run: created the tenant "${FIRST_RUN_TENANT}" and this API key. It is shown once and`,
    'stored only as a SHA-256 hash; keep it now (a restart does not print it again):',
    '',
    `  ${key}`,
    '',
    'Run a check:',
    '',
    `  curl -s -X POST '${baseUrl}/v1/checks?wait=10' -H 'Authorization: Bearer ${key}' -H 'Content-Type: application/json' -d '${body}'`,
    '',
    `Console: ${baseUrl}/ (paste the key there). API docs: ${baseUrl}/docs`,
    'In production set NODE_ENV=production and API_KEYS or ADMIN_TOKEN: no key is then created at start.',
    '',
  ].join('\n');
}

/**
 * First run that just works (issue 14): when the API role starts with no API_KEYS, no ADMIN_TOKEN,
 * NODE_ENV other than production and no tenant in the database, it creates the tenant `local` and
 * one secret key (stored as its hash, like the admin API's keys) and prints the key once with a
 * curl line and the console's URL. The database decides who creates it (one transaction that
 * inserts only into a database with no tenant: TenantsRepository.createFirstTenant), so of several
 * API processes on one database one prints; the worker role never registers this provider (a key
 * created there could never be shown). Registered only when main.ts asks for it
 * (BootOptions.firstRunKey), so in-process apps (tests, API docs generation) never create one.
 */
@Injectable()
export class FirstRunKey implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TenantsRepository) private readonly tenants: TenantsRepository,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensure((text) => process.stderr.write(text));
  }

  /** @returns the key when this call created it (and printed it), else undefined. */
  async ensure(print: (text: string) => void): Promise<string | undefined> {
    if (!firstRunAllowed(this.config)) return undefined;
    const key = newKey('secret');
    const at = new Date().toISOString();
    const created = await this.tenants.createFirstTenant(
      { id: FIRST_RUN_TENANT, name: 'Local (first run)', created_at: at, allowed_kinds: null, cors_origins: null },
      {
        id: uuidv7(),
        tenant_id: FIRST_RUN_TENANT,
        hash: hashKey(key),
        prefix: key.slice(0, 10),
        type: 'secret',
        label: 'first run',
        created_at: at,
        revoked_at: null,
      },
    );
    if (!created) return undefined;
    this.log.info(
      { tenant: FIRST_RUN_TENANT, keyPrefix: key.slice(0, 10) },
      'first run: created a tenant and an API key (printed once on stderr)',
    );
    print(firstRunMessage(key, localBaseUrl(this.config)));
    return key;
  }
}
