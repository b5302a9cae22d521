import type { Logger } from 'pino';
import type { AuthService } from '../auth/auth.service';
import type { InvalidationChannel } from '../auth/key-cache';
import type { TenantsRepository } from '../infra/database/tenants.repository';
import { normalizeOrigin, type EmbedConfig } from './embed.config';

/** What the browser-facing middleware needs from the application (EmbedModule provides it). */
export interface EmbedContext {
  auth: Pick<AuthService, 'authenticate'>;
  log: Logger;
  /** TRUST_PROXY: X-Forwarded-Host counts for same-origin detection. */
  trustProxy: boolean;
}

/**
 * Which browser origins may call the API. An origin is allowed for a tenant when CORS_ORIGINS
 * lists it (every tenant) or the tenant's own `cors_origins` does. A preflight carries no
 * credentials (Fetch standard, CORS-preflight request), so before we know the key we can only ask
 * "is this origin allowed for *some* tenant?"; the real request is then checked against its key's
 * tenant.
 */
export class OriginPolicy {
  private cache: { at: number; byTenant: Map<string, Set<string>>; any: Set<string> } | undefined;

  /**
   * `changes`: the deployment's access-changed channel (KeyCacheChannel). A tenant created with
   * origins or given new ones through any API process clears this cache at once; without a message
   * (a change made in the database by hand, a lost subscription) entries live `tenantCacheMs`.
   */
  constructor(
    private readonly cfg: EmbedConfig,
    private readonly tenants: TenantsRepository,
    private readonly clock: () => number = Date.now,
    changes?: Pick<InvalidationChannel, 'subscribe'>,
  ) {
    changes?.subscribe(
      () => this.invalidate(),
      () => this.invalidate(),
    );
  }

  /** Forget cached tenant lists (an access change here or on another process). */
  invalidate(): void {
    this.cache = undefined;
  }

  isGlobal(origin: string): boolean {
    if (this.cfg.globalOrigins.includes(origin)) return true;
    const n = normalizeOrigin(origin);
    if (!n) return false;
    const u = new URL(n);
    const hostPort = u.port ? `${u.hostname}:${u.port}` : u.hostname;
    return this.cfg.globalPatterns.some(
      (p) => `${p.scheme}:` === u.protocol && hostPort.endsWith(p.suffix) && hostPort.length > p.suffix.length,
    );
  }

  /** Allowed for this tenant (global list or the tenant's own). */
  async allowedFor(origin: string, tenantId: string): Promise<boolean> {
    if (this.isGlobal(origin)) return true;
    return (await this.load()).byTenant.get(tenantId)?.has(origin) ?? false;
  }

  /** Allowed for at least one tenant: enough to answer a preflight or a WebSocket upgrade. */
  async allowedForSome(origin: string): Promise<boolean> {
    if (this.isGlobal(origin)) return true;
    return (await this.load()).any.has(origin);
  }

  private async load() {
    const now = this.clock();
    if (this.cache && now - this.cache.at < this.cfg.tenantCacheMs) return this.cache;
    const byTenant = new Map<string, Set<string>>();
    const any = new Set<string>();
    for (const t of await this.tenants.list()) {
      if (!t.cors_origins) continue;
      const set = new Set<string>();
      for (const o of JSON.parse(t.cors_origins) as string[]) {
        const n = normalizeOrigin(o);
        if (n) {
          set.add(n);
          any.add(n);
        }
      }
      byTenant.set(t.id, set);
    }
    this.cache = { at: now, byTenant, any };
    return this.cache;
  }
}

/**
 * Same-origin requests (the console served by this service at `/`) also carry an Origin header on
 * POST (Fetch standard, "append a request Origin header"); they are not cross-origin and get no
 * CORS treatment. Signals, any of which suffices:
 * - `Sec-Fetch-Site: same-origin` (Fetch Metadata; set by the browser, a page cannot forge it);
 * - the Origin's host equals the Host header (both set by the browser);
 * - behind a trusted proxy that rewrites Host, the Origin's host equals X-Forwarded-Host.
 */
export function isSameOrigin(
  origin: string,
  headers: Record<string, string | string[] | undefined>,
  trustProxy = false,
): boolean {
  if (headers['sec-fetch-site'] === 'same-origin') return true;
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    return false;
  }
  const forwarded =
    trustProxy && typeof headers['x-forwarded-host'] === 'string'
      ? headers['x-forwarded-host'].split(',')[0]!.trim().toLowerCase()
      : undefined;
  return host === String(headers.host ?? '').toLowerCase() || (forwarded !== undefined && host === forwarded);
}
