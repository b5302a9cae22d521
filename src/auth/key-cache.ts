import type { Principal } from './principal';

/** The pub/sub side of the cache: one Redis channel shared by every process of a deployment. */
export interface InvalidationChannel {
  /** Tell every process (this one included) to forget its cached keys. Rejects when Redis does not take it. */
  publish(): Promise<void>;
  /** Call `onMessage` for each message; `onState(true)` once subscribed, `onState(false)` when the subscription may have missed one. */
  subscribe(onMessage: () => void, onState: (live: boolean) => void): void;
}

/**
 * Stored API keys resolved recently, by the SHA-256 of the key (AuthService.lookup), so a request
 * with a known key does not read `api_keys` (and, for a publishable key, its tenant) again.
 *
 * Revocation stays effective on every process: whatever changes what a key resolves to (a key
 * revoked, a tenant's allowed kinds changed) calls `invalidate()` once the change is committed;
 * it clears this process's entries and publishes on the channel, and every process subscribed
 * clears its own. Three safety nets:
 * - entries live at most `ttlMs` (API_KEY_CACHE_TTL_S), whatever pub/sub does (a change made
 *   in the database by hand, a message lost in a network partition);
 * - nothing is cached while the subscription is not live (before it is, and from a disconnection
 *   until it is live again, entries are dropped): a process that may have missed a message
 *   serves nothing it cached before;
 * - a lookup that read the database before an invalidation arrived does not store what it read
 *   (`begin()` / `set(token)`): a read that raced a revocation cannot bring the key back.
 * Unknown, revoked and static keys are never stored: a new key works at once, and failures are
 * counted by the throttle as before.
 */
export class KeyCache {
  private readonly entries = new Map<string, { principal: Principal; expires: number }>();
  private generation = 0;
  private live = false;

  constructor(
    private readonly ttlMs: number,
    private readonly channel: InvalidationChannel | undefined,
    private readonly max = 10_000,
    private readonly clock: () => number = Date.now,
  ) {
    if (ttlMs <= 0 || !channel) return;
    channel.subscribe(
      () => this.clear(),
      (live) => {
        this.clear();
        this.live = live;
      },
    );
  }

  /** Whether entries are served and stored now (TTL > 0 and the invalidation channel live). */
  get enabled(): boolean {
    return this.live;
  }

  get(hash: string): Principal | undefined {
    if (!this.live) return undefined;
    const e = this.entries.get(hash);
    if (!e) return undefined;
    if (e.expires <= this.clock()) {
      this.entries.delete(hash);
      return undefined;
    }
    return e.principal;
  }

  /** Taken before the database read whose answer `set` stores. */
  begin(): number {
    return this.generation;
  }

  /** Store what a read begun at `token` found, unless an invalidation came in between. */
  set(hash: string, principal: Principal, token: number): void {
    if (!this.live || token !== this.generation) return;
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(hash, { principal, expires: this.clock() + this.ttlMs });
  }

  /**
   * A key or tenant changed (committed): forget every cached key here and on every other process.
   * When the message cannot be published, the other processes forget it within the TTL.
   */
  async invalidate(): Promise<void> {
    this.clear();
    // Published even when this process caches no keys: other processes may, and the channel also
    // clears their browser-origin caches (src/embed/origin-policy.ts).
    if (this.channel) await this.channel.publish();
  }

  private clear(): void {
    this.generation++;
    this.entries.clear();
  }
}
