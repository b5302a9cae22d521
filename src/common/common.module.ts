import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { Metrics } from './metrics';
import { SecretBox } from './secret-box';
import { Shutdown } from './shutdown';

/** Process-wide helpers every module may use: metrics, the secret box (SECRET_KEY), the shutdown signal. */
@Global()
@Module({
  providers: [
    { provide: Metrics, useFactory: () => new Metrics() },
    { provide: SecretBox, useFactory: (config: AppConfig) => new SecretBox(config.secretKey), inject: [APP_CONFIG] },
    { provide: Shutdown, useFactory: () => new Shutdown() },
  ],
  exports: [Metrics, SecretBox, Shutdown],
})
export class CommonModule {}
