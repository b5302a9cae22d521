import { randomUUID } from 'node:crypto';
import { hashKey, newKey, type AuthService } from '../auth/auth.service';
import { DomainError, notFound } from '../common/errors/domain-error';
import { uuidv7 } from '../common/ids';
import type { TenantsRepository } from '../infra/database/tenants.repository';
import type { CreateKeyInput, CreateTenantInput } from './admin.input';

export interface TenantView {
  id: string;
  name: string;
  createdAt: string;
  allowedKinds: string[] | null;
  corsOrigins: string[];
}
export interface CreatedKey {
  id: string;
  tenantId: string;
  type: string;
  label?: string;
  prefix: string;
  createdAt: string;
  /** Shown once; only its hash is stored. */ key: string;
}

/** Tenants and keys (ADMIN_TOKEN). Keys are returned once and stored only as SHA-256 hashes. */
export class AdminService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly auth: Pick<AuthService, 'keysChanged'>,
  ) {}

  async createTenant(input: CreateTenantInput): Promise<TenantView> {
    const id = input.id ?? `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    if (await this.tenants.find(id))
      throw new DomainError('VALIDATION_FAILED', `tenant ${id} already exists`, [
        { field: 'id', message: 'already exists' },
      ]);
    const row = {
      id,
      name: input.name,
      created_at: new Date().toISOString(),
      allowed_kinds: input.allowedKinds ? JSON.stringify(input.allowedKinds) : null,
      cors_origins: input.corsOrigins ? JSON.stringify(input.corsOrigins) : null,
    };
    await this.tenants.insert(row);
    // Its origins count at once on every API process (the preflight cache of OriginPolicy).
    if (row.cors_origins) await this.auth.keysChanged();
    return {
      id,
      name: row.name,
      createdAt: row.created_at,
      allowedKinds: input.allowedKinds ?? null,
      corsOrigins: input.corsOrigins ?? [],
    };
  }

  async createKey(tenantId: string, input: CreateKeyInput): Promise<CreatedKey> {
    if (!(await this.tenants.find(tenantId))) throw notFound('Tenant', tenantId);
    const type = input.type ?? 'secret';
    const key = newKey(type);
    const row = {
      id: uuidv7(),
      tenant_id: tenantId,
      hash: hashKey(key),
      prefix: key.slice(0, 10),
      type,
      label: input.label ?? null,
      created_at: new Date().toISOString(),
      revoked_at: null,
    };
    await this.tenants.insertKey(row);
    return {
      id: row.id,
      tenantId,
      type,
      ...(input.label ? { label: input.label } : {}),
      prefix: row.prefix,
      createdAt: row.created_at,
      key,
    };
  }

  async revokeKey(tenantId: string, keyId: string): Promise<void> {
    if (!(await this.tenants.revokeKey(tenantId, keyId, new Date().toISOString()))) throw notFound('Key', keyId);
    // Committed: every API process forgets the keys it cached (src/auth/key-cache.ts).
    await this.auth.keysChanged();
  }

  async listKeys(tenantId: string) {
    if (!(await this.tenants.find(tenantId))) throw notFound('Tenant', tenantId);
    return (await this.tenants.listKeys(tenantId)).map((k) => ({
      id: k.id,
      type: k.type,
      prefix: k.prefix,
      label: k.label ?? undefined,
      createdAt: k.created_at,
      revokedAt: k.revoked_at ?? undefined,
    }));
  }
}
