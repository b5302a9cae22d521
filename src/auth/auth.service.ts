import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '../config/config.schema';
import { DomainError } from '../common/errors/domain-error';
import { isDependencyDown, unavailable } from '../common/errors/domain-error';
import type { TenantsRepository } from '../infra/database/tenants.repository';
import type { Principal } from './principal';

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function newKey(type: 'secret' | 'publishable'): string {
  return `${type === 'secret' ? 'sk' : 'pk'}_${randomBytes(24).toString('base64url')}`;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(hashKey(a), 'hex');
  const y = Buffer.from(hashKey(b), 'hex');
  return timingSafeEqual(x, y);
}

/** Resolves `Authorization: Bearer <key>` to a tenant. No key, a wrong or revoked key: 401. */
export class AuthService {
  constructor(
    private readonly config: AppConfig,
    private readonly tenants: TenantsRepository,
  ) {}

  async bootstrapStaticTenants(): Promise<void> {
    const at = new Date().toISOString();
    for (const t of new Set(this.config.apiKeys.map((k) => k.tenant))) await this.tenants.ensure(t, at);
  }

  static bearer(header: unknown): string | undefined {
    if (typeof header !== 'string') return undefined;
    const m = /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
    return m?.[1];
  }

  async authenticate(authorization: unknown): Promise<Principal> {
    const key = AuthService.bearer(authorization);
    if (!key) throw new DomainError('UNAUTHENTICATED', 'Send your API key as "Authorization: Bearer <key>".');
    for (const s of this.config.apiKeys) {
      if (safeEqual(s.key, key)) return { tenantId: s.tenant, keyId: `static:${s.tenant}`, type: 'secret', allowedKinds: null };
    }
    let row;
    try {
      row = await this.tenants.findKeyByHash(hashKey(key));
    } catch (e) {
      if (isDependencyDown(e)) throw unavailable('The database is unreachable; cannot check the API key. Retry shortly.');
      throw e;
    }
    if (!row || row.revoked_at) throw new DomainError('UNAUTHENTICATED', 'The API key is unknown or revoked.');
    let allowedKinds: string[] | null = null;
    if (row.type === 'publishable') {
      const t = await this.tenants.find(row.tenant_id);
      allowedKinds = t?.allowed_kinds ? (JSON.parse(t.allowed_kinds) as string[]) : null;
    }
    return { tenantId: row.tenant_id, keyId: row.id, type: row.type, allowedKinds };
  }

  checkAdmin(authorization: unknown): void {
    const token = AuthService.bearer(authorization);
    if (!this.config.adminToken) throw new DomainError('FORBIDDEN', 'The admin API is disabled: set ADMIN_TOKEN to enable it.');
    if (!token || !safeEqual(token, this.config.adminToken)) throw new DomainError('UNAUTHENTICATED', 'Send the admin token as "Authorization: Bearer <ADMIN_TOKEN>".');
  }
}
