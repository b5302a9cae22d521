import {
  Global,
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import { DATABASE } from '../database/storage.module';
import { StartupError } from '../startup-error';
import { CheckQueues } from './check-queue';
import { CheckEventBus } from './event-bus';
import { KeyCacheChannel } from './key-cache-channel';
import { EventTopics } from './event-topics';
import { JobFlows, JobQueue } from './job-queue';
import { ProcessorCatalog } from './processor.catalog';
import { connectRedis, RedisConnections } from './redis.factory';

/**
 * Producers of the queues that are not check queues (webhook deliveries, health reports) and of
 * flows, created on first use. The module that owns a queue asks for it by name.
 */
@Injectable()
export class JobQueues {
  private readonly queues = new Map<string, JobQueue<unknown>>();
  private flowProducer?: JobFlows;

  constructor(
    private readonly redis: RedisConnections,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  queue<T>(name: string): JobQueue<T> {
    let q = this.queues.get(name);
    if (!q) this.queues.set(name, (q = new JobQueue<unknown>(this.redis.producer, this.config.queuePrefix, name)));
    return q as JobQueue<T>;
  }

  flows(): JobFlows {
    return (this.flowProducer ??= new JobFlows(this.redis.producer, this.config.queuePrefix));
  }

  async close(): Promise<void> {
    await Promise.all([...[...this.queues.values()].map((q) => q.close()), this.flowProducer?.close()]);
  }
}

/**
 * Waiting/active/delayed/failed counts of every queue the application processes: the check queues
 * and the others (webhook deliveries, health reports), so /metrics feeds KEDA/HPA for all of them.
 */
@Injectable()
export class QueueDepths {
  constructor(
    private readonly catalog: ProcessorCatalog,
    private readonly checkQueues: CheckQueues,
    private readonly jobQueues: JobQueues,
  ) {}

  async depths(): Promise<Record<string, Record<string, number>>> {
    const out = await this.checkQueues.depths();
    for (const p of this.catalog.list())
      if (!(p.meta.queue in out)) out[p.meta.queue] = await this.jobQueues.queue(p.meta.queue).counts();
    return out;
  }
}

/**
 * Closes producers before the connections under them: queues in beforeApplicationShutdown (after
 * the workers stopped in onModuleDestroy), Redis last.
 */
@Injectable()
class QueueShutdown implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    private readonly redis: RedisConnections,
    private readonly checkQueues: CheckQueues,
    private readonly jobQueues: JobQueues,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.checkQueues.close(), this.jobQueues.close()]);
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

/**
 * Redis and BullMQ: the connections, the check queues (one per module that registered a check
 * processor), the check event bus and other event topics (pub/sub), and named job queues and flows. Only src/infra
 * imports bullmq and ioredis. `connect: false` (API docs generation) creates lazy connections that
 * are never used.
 */
@Global()
@Module({})
export class QueueModule {
  static forRoot(opts: { connect: boolean }): DynamicModule {
    return {
      module: QueueModule,
      imports: [DiscoveryModule],
      providers: [
        {
          provide: RedisConnections,
          // After the database (the source of truth), as before: with both down, the database is named.
          useFactory: (config: AppConfig) =>
            connectRedis(config.redis, { wait: opts.connect, unreachable: (m) => new StartupError(m) }),
          inject: [APP_CONFIG, DATABASE],
        },
        ProcessorCatalog,
        {
          provide: CheckQueues,
          useFactory: (config: AppConfig, redis: RedisConnections, catalog: ProcessorCatalog) =>
            new CheckQueues(redis.producer, config.queuePrefix, config.jobAttempts, catalog.checkQueues()),
          inject: [APP_CONFIG, RedisConnections, ProcessorCatalog],
        },
        {
          provide: CheckEventBus,
          useFactory: async (config: AppConfig, redis: RedisConnections) => {
            const bus = new CheckEventBus(redis.publisher, redis.subscriber, config.queuePrefix);
            if (opts.connect) await bus.start();
            return bus;
          },
          inject: [APP_CONFIG, RedisConnections],
        },
        {
          provide: KeyCacheChannel,
          useFactory: (config: AppConfig, redis: RedisConnections) =>
            new KeyCacheChannel(redis.publisher, redis.subscriber, config.queuePrefix),
          inject: [APP_CONFIG, RedisConnections],
        },
        {
          provide: EventTopics,
          useFactory: (config: AppConfig, redis: RedisConnections) =>
            new EventTopics(redis.publisher, redis.subscriber, config.queuePrefix),
          inject: [APP_CONFIG, RedisConnections],
        },
        JobQueues,
        QueueDepths,
        QueueShutdown,
      ],
      exports: [
        RedisConnections,
        CheckQueues,
        CheckEventBus,
        EventTopics,
        KeyCacheChannel,
        JobQueues,
        QueueDepths,
        ProcessorCatalog,
      ],
    };
  }
}
