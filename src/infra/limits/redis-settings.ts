import type { RedisClient as Redis } from '../queue/redis.factory';
import type { Logger } from 'pino';

export interface RedisSettings {
  maxmemoryPolicy: string | undefined;
  aofEnabled: boolean | undefined;
  /** RDB snapshot rules (`CONFIG GET save`); undefined when CONFIG is not allowed (managed Redis). */
  saveRules: string | undefined;
  problems: string[];
}

function infoField(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
}

/**
 * BullMQ's going-to-production guide: Redis must use `maxmemory-policy noeviction` (an evicted job
 * key is a lost or corrupted check) and should persist (AOF or RDB), or a restart loses every
 * queued job (the sweeper then re-enqueues from the database, but late).
 */
export async function readRedisSettings(redis: Redis): Promise<RedisSettings> {
  const memory = await redis.info('memory');
  const persistence = await redis.info('persistence');
  const maxmemoryPolicy = infoField(memory, 'maxmemory_policy');
  const aof = infoField(persistence, 'aof_enabled');
  const aofEnabled = aof === undefined ? undefined : aof === '1';
  let saveRules: string | undefined;
  try {
    const r = (await redis.call('CONFIG', 'GET', 'save')) as string[];
    saveRules = r[1] ?? '';
  } catch {
    saveRules = undefined;
  }
  const problems: string[] = [];
  if (maxmemoryPolicy && maxmemoryPolicy !== 'noeviction')
    problems.push(`maxmemory-policy is ${maxmemoryPolicy}, not noeviction (evicted job keys lose checks)`);
  if (aofEnabled === false && saveRules === '')
    problems.push('persistence is off (appendonly no and no save rules): a restart loses queued jobs');
  return { maxmemoryPolicy, aofEnabled, saveRules, problems };
}

/** Log one warn line at start when Redis is not set up for production. Never fails the start. */
export async function warnOnRedisSettings(redis: Redis, log: Logger): Promise<RedisSettings | undefined> {
  try {
    const s = await readRedisSettings(redis);
    if (s.problems.length) {
      log.warn(
        { redisSettings: { maxmemoryPolicy: s.maxmemoryPolicy, appendonly: s.aofEnabled, save: s.saveRules } },
        `Redis is not set up for production: ${s.problems.join('; ')}. Set maxmemory-policy noeviction and appendonly yes (see docker/README.md).`,
      );
    }
    return s;
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'could not read Redis settings (maxmemory-policy, persistence)');
    return undefined;
  }
}
