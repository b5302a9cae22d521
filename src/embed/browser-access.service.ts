import type { AuthService } from '../auth/auth.service';
import { notFound } from '../common/errors/domain-error';
import type { TenantsRepository } from '../infra/database/tenants.repository';
import { normalizeOrigin } from './embed.config';
import type { BrowserAccessInput } from './browser-access.input';
import type { OriginPolicy } from './origin-policy';

export interface BrowserAccessView {
  tenantId: string;
  corsOrigins: string[];
  allowedKinds: string[] | null;
}

/** Reads and updates a tenant's browser settings (ADMIN_TOKEN), and clears the origin cache. */
export class BrowserAccessService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly policy: OriginPolicy,
    private readonly auth: Pick<AuthService, 'keysChanged'>,
  ) {}

  async get(tenantId: string): Promise<BrowserAccessView> {
    const t = await this.tenants.find(tenantId);
    if (!t) throw notFound('Tenant', tenantId);
    return {
      tenantId,
      corsOrigins: t.cors_origins ? (JSON.parse(t.cors_origins) as string[]) : [],
      allowedKinds: t.allowed_kinds ? (JSON.parse(t.allowed_kinds) as string[]) : null,
    };
  }

  async update(tenantId: string, input: BrowserAccessInput): Promise<BrowserAccessView> {
    if (!(await this.tenants.find(tenantId))) throw notFound('Tenant', tenantId);
    const patch: { cors_origins?: string; allowed_kinds?: string | null } = {};
    // Stored normalised (lower-case host, no default port) so it compares equal to the Origin header.
    if (input.corsOrigins)
      patch.cors_origins = JSON.stringify([...new Set(input.corsOrigins.map((o) => normalizeOrigin(o)!))]);
    if (input.allowedKinds !== undefined)
      patch.allowed_kinds = input.allowedKinds === null ? null : JSON.stringify(input.allowedKinds);
    if (Object.keys(patch).length) {
      await this.tenants.update(tenantId, patch);
      this.policy.invalidate();
      // Committed: every API process forgets the origins it cached (OriginPolicy) and, since a
      // publishable key resolves to its tenant's allowed kinds, the keys (KeyCache).
      await this.auth.keysChanged();
    }
    return this.get(tenantId);
  }
}
