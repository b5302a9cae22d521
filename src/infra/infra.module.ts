import { Global, Module, type DynamicModule } from '@nestjs/common';
import { StorageModule } from './database/storage.module';
import { PortsModule } from './ports.module';
import { QueueModule } from './queue/queue.module';
import { Readiness } from './readiness';

/**
 * Everything that talks to the outside world: storage (database), queues (Redis, BullMQ) and the
 * engines' ports. Both roles import it once, at the root. `connect: false` builds the graph
 * without reaching Redis (API docs generation).
 */
@Global()
@Module({})
export class InfraModule {
  static forRoot(opts: { connect: boolean } = { connect: true }): DynamicModule {
    return {
      module: InfraModule,
      imports: [StorageModule, QueueModule.forRoot(opts), PortsModule],
      providers: [Readiness],
      exports: [Readiness],
    };
  }
}
