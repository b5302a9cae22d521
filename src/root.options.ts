import type { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import { ConfigModule } from './config/config.module';
import type { AppConfig } from './config/config.schema';
import { InfraModule } from './infra/infra.module';

export type ModuleImport = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

/** What a root module (AppModule, WorkerModule) is built from. */
export interface RootOptions {
  config: AppConfig;
  log: Logger;
  /** More modules to compose in (tests add a test-only kind's module this way). */
  imports?: ModuleImport[];
  /** Build the graph without reaching Redis (API docs generation). */
  offline?: boolean;
  /**
   * Create and print the first-run key when nothing else lets a client in (main.ts, API role only;
   * src/auth/first-run-key.ts). Tests and the API docs generation leave it off.
   */
  firstRunKey?: boolean;
}

/** The global modules both roles start from: configuration, common helpers, infrastructure, authentication. */
export function coreModules(opts: RootOptions): ModuleImport[] {
  return [
    ConfigModule.forRoot(opts.config, opts.log),
    CommonModule,
    InfraModule.forRoot({ connect: !opts.offline }),
    AuthModule.forRoot({ firstRunKey: opts.firstRunKey === true && opts.config.role !== 'worker' }),
  ];
}
