import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { TenantsRepository } from '../infra/database/tenants.repository';
import { AuthService } from './auth.service';

/**
 * Authentication: API keys (API_KEYS and stored keys) to tenants, and the admin token. Global,
 * because the guards of every module's controllers use it. The static tenants of API_KEYS are
 * created at boot.
 */
@Global()
@Module({
  providers: [
    {
      provide: AuthService,
      useFactory: async (config: AppConfig, tenants: TenantsRepository) => {
        const auth = new AuthService(config, tenants);
        await auth.bootstrapStaticTenants();
        return auth;
      },
      inject: [APP_CONFIG, TenantsRepository],
    },
  ],
  exports: [AuthService],
})
export class AuthModule {}
