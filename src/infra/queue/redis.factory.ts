import { Redis, type RedisOptions } from 'ioredis';

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
      new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
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
