import { Module, type DynamicModule } from '@nestjs/common';
import { CheckSweeper } from './checks/check-sweeper';
import { ChecksModule } from './checks/checks.module';
import { DIAGNOSTIC_MODULES } from './diagnostic-modules';
import { QueueWorkers } from './infra/queue/queue-workers';
import { MonitorsModule } from './monitors/monitors.module';
import { RateLimitModule } from './ratelimit/ratelimit.module';
import { coreModules, type RootOptions } from './root.options';

/**
 * The worker role: the same modules as the API, no HTTP (NestFactory.createApplicationContext).
 * QueueWorkers runs every @QueueProcessor of those modules (the check queues, webhook deliveries,
 * health reports) and CheckSweeper re-enqueues checks Redis lost. ROLE=all imports this module
 * into AppModule.
 */
@Module({
  imports: [ChecksModule, ...DIAGNOSTIC_MODULES, MonitorsModule, RateLimitModule],
  providers: [CheckSweeper, QueueWorkers],
})
export class WorkerModule {
  static forRoot(opts: RootOptions): DynamicModule {
    return { module: WorkerModule, imports: [...coreModules(opts), ...(opts.imports ?? [])] };
  }
}
