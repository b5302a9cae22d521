import type { RedisClient as Redis } from './redis.factory';

/** A change of a check, published by workers and consumed by subscriptions and `?wait`. */
export interface CheckEvent {
  checkId: string;
  tenantId: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  progress?: number;
  phase?: string;
}

type Listener = (e: CheckEvent) => void;

/**
 * Check events over Redis pub/sub, so an API process sees what any worker process does.
 * One subscriber connection per process, fanned out to local listeners by check id.
 */
export class CheckEventBus {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly channel: string;
  private subscribed = false;
  private outbox: string[] | undefined;
  private flushed: Promise<void> | undefined;

  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    prefix: string,
  ) {
    this.channel = `${prefix}:check-events`;
    this.sub.on('message', (ch: string, msg: string) => {
      if (ch !== this.channel) return;
      let e: CheckEvent;
      try {
        e = JSON.parse(msg) as CheckEvent;
      } catch {
        return;
      }
      for (const l of this.listeners.get(e.checkId) ?? []) l(e);
    });
  }

  async start(): Promise<void> {
    if (this.subscribed) return;
    await this.sub.subscribe(this.channel);
    this.subscribed = true;
  }

  /**
   * Best effort: a lost event only delays a waiter until its next poll. Events published in the
   * same turn of the event loop (many checks finishing at once) go out as one pipeline: one write
   * and one round trip instead of one per event, in the order they were published.
   */
  publish(e: CheckEvent): Promise<void> {
    if (!this.outbox) {
      const outbox: string[] = (this.outbox = []);
      this.flushed = new Promise<void>((resolve) =>
        setImmediate(() => {
          this.outbox = undefined;
          const p = this.pub.pipeline();
          for (const msg of outbox) p.publish(this.channel, msg);
          p.exec().then(
            () => resolve(),
            () => resolve(),
          );
        }),
      );
    }
    this.outbox.push(JSON.stringify(e));
    return this.flushed!;
  }

  on(checkId: string, l: Listener): () => void {
    const set = this.listeners.get(checkId) ?? new Set<Listener>();
    set.add(l);
    this.listeners.set(checkId, set);
    return () => {
      set.delete(l);
      if (set.size === 0) this.listeners.delete(checkId);
    };
  }
}
