import type { RedisClient as Redis } from './redis.factory';

/**
 * The invalidation channel of the API-key cache (src/auth/key-cache.ts) on Redis pub/sub
 * (`<prefix>:api-keys-changed`), on the process's shared publisher and subscriber connections.
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

  async publish(): Promise<void> {
    await this.pub.publish(this.channel, '1');
  }

  subscribe(onMessage: () => void, onState: (live: boolean) => void): void {
    const { sub, channel } = this;
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
