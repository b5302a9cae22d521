import type { RedisClient as Redis } from './redis.factory';

/**
 * The invalidation channel of what a tenant's access resolves to, on Redis pub/sub
 * (`<prefix>:api-keys-changed`), on the process's shared publisher and subscriber connections:
 * the API-key cache (src/auth/key-cache.ts) and the browser-origin cache
 * (src/embed/origin-policy.ts) of every API process drop their entries on a message. `publish()`
 * tells this process's subscribers first, synchronously, so the process that made a change never
 * serves the old value while the message travels.
 * The subscription is live once Redis confirmed SUBSCRIBE; it is not from the moment the
 * subscriber connection closes until it is ready again and SUBSCRIBE is confirmed again (ioredis
 * resubscribes on its own too; subscribing twice to a channel is harmless).
 */
export class KeyCacheChannel {
  private readonly channel: string;

  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    prefix: string,
  ) {
    this.channel = `${prefix}:api-keys-changed`;
  }

  private readonly local: (() => void)[] = [];

  async publish(): Promise<void> {
    for (const onMessage of this.local) onMessage();
    await this.pub.publish(this.channel, '1');
  }

  subscribe(onMessage: () => void, onState: (live: boolean) => void): void {
    const { sub, channel } = this;
    this.local.push(onMessage);
    sub.on('message', (ch: string) => {
      if (ch === channel) onMessage();
    });
    let attempt = 0;
    const confirm = () => {
      const mine = ++attempt;
      sub.subscribe(channel).then(
        () => mine === attempt && onState(true),
        () => mine === attempt && onState(false),
      );
    };
    const down = () => {
      attempt++;
      onState(false);
    };
    sub.on('close', down);
    sub.on('end', down);
    sub.on('ready', confirm);
    if (sub.status === 'ready') confirm();
  }
}
