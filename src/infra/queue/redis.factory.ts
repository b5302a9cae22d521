import { Redis, type RedisOptions } from 'ioredis';

/** The Redis client type, for stores outside src/infra that keep their data in Redis (rate limits, browser limits). */
export type RedisClient = Redis;

/**
 * Two kinds of Redis connection (BullMQ's going-to-production guide):
 * - producer/command connections fail fast while Redis is down (no offline queue), so the API can
 *   answer 503 at once instead of hanging;
 * - worker/subscriber connections wait and reconnect forever (maxRetriesPerRequest: null).
 */
export function redisConnection(url: string, role: 'producer' | 'worker' | 'subscriber', name: string): Redis {
  const base: RedisOptions = {
    connectionName: name,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(200 * times, 2000),
    reconnectOnError: () => true,
  };
  const opts: RedisOptions =
    role === 'producer'
      ? { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 5000 }
      : { ...base, maxRetriesPerRequest: null, enableReadyCheck: true };
  const r = new Redis(url, opts);
  // Errors surface through the commands that fail; an 'error' event without a listener would crash.
  r.on('error', () => undefined);
  return r;
}

/** One-shot reachability probe used at boot and by /readyz. */
export async function pingRedis(r: Redis, timeoutMs = 1500): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      r.ping(),
      new Promise(
        (_, rej) => (timer = setTimeout(() => rej(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function waitForRedis(r: Redis, timeoutMs: number): Promise<void> {
  if (r.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      cleanup();
      reject(new Error(`cannot connect within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(t);
      r.off('ready', onReady);
    };
    r.on('ready', onReady);
  });
}

/**
 * The process's Redis connections: `producer` (commands, queue adds; fails fast), `publisher`
 * (pub/sub publishing, probe politeness), `subscriber` (pub/sub) and `worker` (blocking BullMQ
 * workers). Worker and subscriber connections wait for Redis forever.
 */
export class RedisConnections {
  constructor(
    readonly producer: Redis,
    readonly publisher: Redis,
    readonly subscriber: Redis,
    readonly worker: Redis,
  ) {}

  disconnect(): void {
    for (const c of [this.producer, this.publisher, this.subscriber, this.worker]) c.disconnect();
  }
}

const redacted = (url: string) => url.replace(/\/\/[^@/]*@/, '//***@');

/**
 * Connect to REDIS_URL. With `wait`, the producer must answer within 3 s or this throws
 * `unreachable(message)` (a StartupError at boot). Without it (generating API docs offline), the
 * connections are created lazily and never used.
 */
export async function connectRedis(
  url: string,
  opts: { wait: boolean; unreachable: (message: string) => Error },
): Promise<RedisConnections> {
  if (!opts.wait) {
    const lazy = (name: string) => {
      const r = new Redis(url, {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        retryStrategy: () => null,
        connectionName: name,
      });
      r.on('error', () => undefined);
      return r;
    };
    return new RedisConnections(
      lazy('smtp-doctor:producer'),
      lazy('smtp-doctor:publisher'),
      lazy('smtp-doctor:subscriber'),
      lazy('smtp-doctor:worker'),
    );
  }
  const producer = redisConnection(url, 'producer', 'smtp-doctor:producer');
  try {
    await waitForRedis(producer, 3000);
    await pingRedis(producer);
  } catch (e) {
    producer.disconnect();
    throw opts.unreachable(
      `Redis unreachable at ${redacted(url)}: ${(e as Error).message}; start it (e.g. redis-server --daemonize yes --port 6379) or fix REDIS_URL.`,
    );
  }
  return new RedisConnections(
    producer,
    redisConnection(url, 'producer', 'smtp-doctor:publisher'),
    redisConnection(url, 'subscriber', 'smtp-doctor:subscriber'),
    redisConnection(url, 'worker', 'smtp-doctor:worker'),
  );
}
