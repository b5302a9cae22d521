import type { Kysely, Selectable } from 'kysely';
import type { ApiKeysTable, Database, TenantsTable } from './database.types';

export type TenantRow = Selectable<TenantsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;

export class TenantsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async find(id: string): Promise<TenantRow | undefined> {
    return this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(): Promise<TenantRow[]> {
    return this.db.selectFrom('tenants').selectAll().orderBy('created_at').execute();
  }

  async insert(row: TenantRow): Promise<void> {
    await this.db.insertInto('tenants').values(row).execute();
  }

  /** Static API_KEYS tenants are created at boot if missing. */
  async ensure(id: string, at: string): Promise<void> {
    if (await this.find(id)) return;
    await this.db
      .insertInto('tenants')
      .values({ id, name: id, created_at: at, allowed_kinds: null, cors_origins: null })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async update(id: string, patch: Partial<Pick<TenantRow, 'name' | 'allowed_kinds' | 'cors_origins'>>): Promise<void> {
    await this.db.updateTable('tenants').set(patch).where('id', '=', id).execute();
  }

  async insertKey(row: ApiKeyRow): Promise<void> {
    await this.db.insertInto('api_keys').values(row).execute();
  }

  async findKeyByHash(hash: string): Promise<ApiKeyRow | undefined> {
    return this.db.selectFrom('api_keys').selectAll().where('hash', '=', hash).executeTakeFirst();
  }

  async listKeys(tenantId: string): Promise<ApiKeyRow[]> {
    return this.db.selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute();
  }

  async revokeKey(tenantId: string, keyId: string, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('id', '=', keyId)
      .where('tenant_id', '=', tenantId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
