import type { RedisClient as Redis } from './redis.factory';

type Listener<T> = (e: T) => void;

/**
 * One Redis pub/sub channel of events (`<prefix>:<name>`), fanned out to local listeners by key,
 * so an API process sees what any worker publishes (the monitors' `monitorEvents` subscription).
 * Same shape as CheckEventBus, for features that are not checks.
 */
export class EventTopic<T> {
  private readonly listeners = new Map<string, Set<Listener<T>>>();
  private subscribed?: Promise<void>;

  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    readonly channel: string,
    private readonly keyOf: (e: T) => string,
  ) {
    this.sub.on('message', (ch: string, msg: string) => {
      if (ch !== this.channel) return;
      let e: T;
      try {
        e = JSON.parse(msg) as T;
      } catch {
        return;
      }
      for (const l of this.listeners.get(this.keyOf(e)) ?? []) l(e);
    });
  }

  /** Best effort, like check events: a subscriber that misses one reads the state it describes. */
  async publish(e: T): Promise<void> {
    await this.pub.publish(this.channel, JSON.stringify(e)).catch(() => undefined);
  }

  /** Listen to the events of one key; resolves once the channel is subscribed. Returns the unsubscribe. */
  async on(key: string, l: Listener<T>): Promise<() => void> {
    this.subscribed ??= this.sub.subscribe(this.channel).then(() => undefined);
    await this.subscribed;
    const set = this.listeners.get(key) ?? new Set<Listener<T>>();
    set.add(l);
    this.listeners.set(key, set);
    return () => {
      set.delete(l);
      if (set.size === 0) this.listeners.delete(key);
    };
  }
}

/** The event topics of this process, by name (one Redis channel each), created on first use. */
export class EventTopics {
  private readonly topics = new Map<string, EventTopic<unknown>>();

  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly prefix: string,
  ) {}

  topic<T>(name: string, keyOf: (e: T) => string): EventTopic<T> {
    let t = this.topics.get(name);
    if (!t)
      this.topics.set(
        name,
        (t = new EventTopic<unknown>(this.pub, this.sub, `${this.prefix}:${name}`, keyOf as (e: unknown) => string)),
      );
    return t as EventTopic<T>;
  }
}
