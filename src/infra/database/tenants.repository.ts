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

  /**
   * The first-run tenant and its key, in one transaction, only if the database holds no tenant:
   * the tenant is inserted first (a write, so SQLite takes its write lock before reading, and two
   * PostgreSQL processes serialise on the primary key), then the transaction is undone if any
   * other tenant exists. Of several processes starting on one empty database, exactly one gets true.
   */
  async createFirstTenant(tenant: TenantRow, key: ApiKeyRow): Promise<boolean> {
    const undo = new Error('tenants exist');
    try {
      return await this.db.transaction().execute(async (trx) => {
        const r = await trx
          .insertInto('tenants')
          .values(tenant)
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) return false;
        const others = await trx
          .selectFrom('tenants')
          .select('id')
          .where('id', '!=', tenant.id)
          .limit(1)
          .executeTakeFirst();
        if (others) throw undo;
        await trx.insertInto('api_keys').values(key).execute();
        return true;
      });
    } catch (e) {
      if (e === undo) return false;
      throw e;
    }
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
