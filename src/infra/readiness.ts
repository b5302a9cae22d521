import { Inject, Injectable } from '@nestjs/common';
import type { DatabaseHandle } from './database/database.factory';
import { ping } from './database/migrations';
import { DATABASE } from './database/storage.module';
import { pingRedis, RedisConnections } from './queue/redis.factory';

export interface ReadinessReport {
  redis: string;
  database: string;
  ok: boolean;
}

/** /readyz of both roles: Redis and the database answer. */
@Injectable()
export class Readiness {
  constructor(
    private readonly redis: RedisConnections,
    @Inject(DATABASE) private readonly database: DatabaseHandle,
  ) {}

  async check(): Promise<ReadinessReport> {
    const [r, d] = await Promise.all([
      pingRedis(this.redis.producer).then(
        () => 'ok',
        (e: Error) => `down: ${e.message}`,
      ),
      ping(this.database.db).then(
        () => 'ok',
        (e: Error) => `down: ${e.message}`,
      ),
    ]);
    return { redis: r, database: d, ok: r === 'ok' && d === 'ok' };
  }
}
