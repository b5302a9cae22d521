import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { describeRedis, type RedisSettings } from './redis.settings';

/**
 * The Redis client type, for stores outside src/infra that keep their data in Redis (rate limits,
 * browser limits): a standalone or Sentinel-managed Redis, or a Cluster (same commands; our keys
 * all share one hash slot there, see redis.settings.ts).
 */
export type RedisClient = Redis | Cluster;

/**
 * Two kinds of Redis connection (BullMQ's going-to-production guide):
 * - producer/command connections fail fast while Redis is down (no offline queue), so the API can
 *   answer 503 at once instead of hanging;
 * - worker/subscriber connections wait and reconnect forever (maxRetriesPerRequest: null).
 */
export function redisConnection(
  where: string | RedisSettings,
  role: 'producer' | 'worker' | 'subscriber',
  name: string,
): RedisClient {
  const base: RedisOptions = {
    connectionName: name,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(200 * times, 2000),
    reconnectOnError: () => true,
  };
  // Producer connections auto-pipeline (ioredis enableAutoPipelining): the commands issued in one
  // turn of the event loop (reservation commits, finish hooks, queue adds, event publishes of many
  // checks in flight) leave in one write instead of one write each; each keeps its own reply and
  // error. Except a request's admission (the rate-limit script `rlGate`, src/infra/limits), which
  // a request waits for: auto-pipelined, it waits a turn of the event loop more (measured: GraphQL
  // check(id) req/s about a third lower at 10 connections); a submission's admission
  // (`rlGateSubmit`, the same script) is, since its checks wait a turn for their group commit
  // anyway (one write for the submits of a turn instead of one each). Not on worker/subscriber connections:
  // BullMQ's blocking commands would hold the pipeline.
  const opts: RedisOptions =
    role === 'producer'
      ? {
          ...base,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          connectTimeout: 2000,
          commandTimeout: 5000,
          enableAutoPipelining: true,
          autoPipeliningIgnoredCommands: ['rlGate'],
        }
      : { ...base, maxRetriesPerRequest: null, enableReadyCheck: true };
  const r = createClient(typeof where === 'string' ? { topology: 'standalone', url: where, tls: false } : where, opts);
  // Errors surface through the commands that fail; an 'error' event without a listener would crash.
  r.on('error', () => undefined);
  return r;
}

/**
 * One client for the topology: `new Redis(url)`, `new Redis({ sentinels, name })` (ioredis asks the
 * sentinels for the master and follows failovers) or `new Cluster(nodes)` (ioredis follows MOVED/ASK
 * and re-reads the slots).
 */
export function createClient(s: RedisSettings, opts: RedisOptions): RedisClient {
  const auth = {
    ...(s.username ? { username: s.username } : {}),
    ...(s.password ? { password: s.password } : {}),
    ...(s.tls ? { tls: {} } : {}),
  };
  if (s.topology === 'standalone') return new Redis(s.url, opts);
  if (s.topology === 'sentinel')
    return new Redis({
      ...opts,
      ...auth,
      sentinels: s.sentinels,
      name: s.name,
      db: s.db,
      ...(s.sentinelPassword ? { sentinelPassword: s.sentinelPassword } : {}),
      ...(s.tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
      // A promoted replica is found again by asking the sentinels (ioredis does so on reconnect).
      sentinelRetryStrategy: (times) => Math.min(200 * times, 2000),
      // A master turned replica answers writes with READONLY: reconnect, which asks the sentinels again.
      reconnectOnError: (err) => (/READONLY/.test(err.message) ? 2 : true),
    });
  const { enableOfflineQueue, maxRetriesPerRequest, retryStrategy, ...nodeOpts } = opts;
  const clusterOpts: ClusterOptions = {
    redisOptions: { ...nodeOpts, ...auth, maxRetriesPerRequest },
    enableOfflineQueue,
    clusterRetryStrategy: retryStrategy,
    // Redirections and a failover's "CLUSTERDOWN"/"TRYAGAIN" are retried by ioredis itself.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 200,
    slotsRefreshTimeout: 2000,
    ...(s.tls
      ? { redisOptions: { ...nodeOpts, ...auth, maxRetriesPerRequest, tls: {} }, dnsLookup: (a, cb) => cb(null, a) }
      : {}),
  };
  return new Cluster(s.nodes, clusterOpts);
}

/** One-shot reachability probe used at boot and by /readyz. */
export async function pingRedis(r: RedisClient, timeoutMs = 1500): Promise<void> {
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

/**
 * Whether a connection error says Redis is not there (or will not have us), rather than slow: a
 * refused or unroutable address, an unknown host, rejected credentials, no sentinel answering, or
 * (Cluster) every seed node failing for one of those reasons.
 */
export function isDefinitiveRedisError(e: unknown): boolean {
  const err = e as { code?: string; message?: string; lastNodeError?: unknown } | undefined;
  if (!err) return false;
  if (err.lastNodeError) return isDefinitiveRedisError(err.lastNodeError);
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH'].includes(err.code ?? '')) return true;
  return /WRONGPASS|NOAUTH|invalid (username-)?password|All sentinels are unreachable/i.test(err.message ?? '');
}

/**
 * Boot-time wait for a client's `ready`. A Redis that is not there (isDefinitiveRedisError) fails
 * after `failFastMs`, so a first run says "start Redis" at once; one still being reached is given
 * up to `timeoutMs`: a Cluster client reads the slot table and connects to every master before it
 * is ready, which took over 3 s when four processes booted at once on a loaded 2-core machine.
 */
export async function waitForRedis(
  r: RedisClient,
  { failFastMs, timeoutMs }: { failFastMs: number; timeoutMs: number },
): Promise<void> {
  if (r.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    let definitive: Error | undefined;
    const onError = (e: Error) => {
      if (isDefinitiveRedisError(e)) definitive = e;
    };
    const fast = setTimeout(() => {
      if (!definitive) return;
      cleanup();
      const inner = (definitive as { lastNodeError?: Error }).lastNodeError;
      reject(new Error(inner ? `${definitive.message} ${inner.message}` : definitive.message));
    }, failFastMs);
    const t = setTimeout(() => {
      cleanup();
      reject(new Error(`cannot connect within ${timeoutMs} ms${definitive ? ` (${definitive.message})` : ''}`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(fast);
      clearTimeout(t);
      r.off('ready', onReady);
      r.off('error', onError);
    };
    r.on('ready', onReady);
    r.on('error', onError);
  });
}

/**
 * The process's Redis connections: `producer` (commands, queue adds; fails fast), `publisher`
 * (pub/sub publishing, probe politeness), `subscriber` (pub/sub) and `worker` (blocking BullMQ
 * workers). Worker and subscriber connections wait for Redis forever.
 */
export class RedisConnections {
  constructor(
    readonly producer: RedisClient,
    readonly publisher: RedisClient,
    readonly subscriber: RedisClient,
    readonly worker: RedisClient,
  ) {}

  disconnect(): void {
    for (const c of [this.producer, this.publisher, this.subscriber, this.worker]) c.disconnect();
  }
}

/**
 * Connect to Redis (REDIS_URL, or the Sentinel / Cluster settings). With `wait`, the producer must answer (waitForRedis: 3 s when Redis is not there, up to 30 s while it is being reached) or this throws
 * `unreachable(message)` (a StartupError at boot). Without it (generating API docs offline), the
 * connections are created lazily and never used.
 */
export async function connectRedis(
  where: string | RedisSettings,
  opts: { wait: boolean; unreachable: (message: string) => Error },
): Promise<RedisConnections> {
  const settings: RedisSettings =
    typeof where === 'string' ? { topology: 'standalone', url: where, tls: false } : where;
  if (!opts.wait) {
    const lazy = (name: string) => {
      const r = createClient(settings, {
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
  const producer = redisConnection(settings, 'producer', 'smtp-doctor:producer');
  try {
    await waitForRedis(producer, { failFastMs: 3000, timeoutMs: 30_000 });
    // Generous for the same reason: a process booting on a busy machine can be slow to read the answer.
    await pingRedis(producer, 10_000);
  } catch (e) {
    producer.disconnect();
    throw opts.unreachable(
      `Redis unreachable at ${describeRedis(settings)}: ${(e as Error).message}; start it (e.g. redis-server --daemonize yes --port 6379) or fix REDIS_URL.`,
    );
  }
  return new RedisConnections(
    producer,
    redisConnection(settings, 'producer', 'smtp-doctor:publisher'),
    redisConnection(settings, 'subscriber', 'smtp-doctor:subscriber'),
    redisConnection(settings, 'worker', 'smtp-doctor:worker'),
  );
}
