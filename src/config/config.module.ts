import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from './config.schema';

/** The validated configuration (AppConfig with its module slices), parsed once by loadConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
/** The process logger (pino). */
export const LOGGER = Symbol('LOGGER');

/**
 * The configuration, validated before Nest boots (main.ts exits 78 on a ConfigError, naming every
 * bad variable) and handed in here as a value: every module reads its typed slice from APP_CONFIG
 * (`config.probe`, `config.webhooks`...); nothing reads process.env after boot.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, log: Logger): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: log },
      ],
      exports: [APP_CONFIG, LOGGER],
    };
  }
}
