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

/** Events of one flush sent in one message at most (a message stays a few tens of KB). */
const MAX_EVENTS_PER_MESSAGE = 200;

/**
 * Check events over Redis pub/sub, so an API process sees what any worker process does.
 * One subscriber connection per process, fanned out to local listeners by check id.
 */
export class CheckEventBus {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly channel: string;
  private subscribed = false;
  private outbox: CheckEvent[] | undefined;
  private flushed: Promise<void> | undefined;

  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    prefix: string,
  ) {
    this.channel = `${prefix}:check-events`;
    this.sub.on('message', (ch: string, msg: string) => {
      if (ch !== this.channel) return;
      let parsed: CheckEvent | CheckEvent[];
      try {
        parsed = JSON.parse(msg) as CheckEvent | CheckEvent[];
      } catch {
        return;
      }
      // One message carries one event, or the events of one flush in the order published (see publish).
      for (const e of Array.isArray(parsed) ? parsed : [parsed])
        if (typeof e?.checkId === 'string') for (const l of this.listeners.get(e.checkId) ?? []) l(e);
    });
  }

  async start(): Promise<void> {
    if (this.subscribed) return;
    await this.sub.subscribe(this.channel);
    this.subscribed = true;
  }

  /**
   * Best effort: a lost event only delays a waiter until its next poll. Events published in the
   * same turn of the event loop (many checks starting and finishing at once) go out as one PUBLISH
   * of their JSON array, in the order they were published (up to MAX_EVENTS_PER_MESSAGE each):
   * one command for Redis to run and fan out instead of one per event. A lone event is sent as
   * itself.
   */
  publish(e: CheckEvent): Promise<void> {
    if (!this.outbox) {
      const outbox: CheckEvent[] = (this.outbox = []);
      this.flushed = new Promise<void>((resolve) =>
        setImmediate(() => {
          this.outbox = undefined;
          const messages: string[] = [];
          for (let i = 0; i < outbox.length; i += MAX_EVENTS_PER_MESSAGE) {
            const chunk = outbox.slice(i, i + MAX_EVENTS_PER_MESSAGE);
            messages.push(JSON.stringify(chunk.length === 1 ? chunk[0] : chunk));
          }
          Promise.all(messages.map((m) => this.pub.publish(this.channel, m))).then(
            () => resolve(),
            () => resolve(),
          );
        }),
      );
    }
    this.outbox.push(e);
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
