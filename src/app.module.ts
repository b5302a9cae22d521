import { Module, type DynamicModule } from '@nestjs/common';
import { AdminModule } from './admin/admin.module';
import { ApiModule } from './api/api.module';
import { ChecksModule } from './checks/checks.module';
import { DIAGNOSTIC_MODULES } from './diagnostic-modules';
import { EmbedModule } from './embed/embed.module';
import { MonitorsModule } from './monitors/monitors.module';
import { RateLimitModule } from './ratelimit/ratelimit.module';
import { coreModules, type RootOptions } from './root.options';
import { WorkerModule } from './worker.module';

/**
 * The API role (NestFactory.create): REST + GraphQL over the same modules as the worker, plus
 * admin, browser access and the GraphQL/health surface. ROLE=all adds WorkerModule, so one
 * process serves HTTP and runs the processors. The import order is the order of the routes in
 * the OpenAPI document (checks, admin, reports, browser access).
 */
@Module({
  imports: [ChecksModule, AdminModule, ...DIAGNOSTIC_MODULES, MonitorsModule, RateLimitModule, EmbedModule, ApiModule],
})
export class AppModule {
  static forRoot(opts: RootOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [...coreModules(opts), ...(opts.imports ?? []), ...(opts.config.role === 'all' ? [WorkerModule] : [])],
    };
  }
}
