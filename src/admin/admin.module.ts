import { Module } from '@nestjs/common';
import { AuthService } from '../auth/auth.service';
import { TenantsRepository } from '../infra/database/tenants.repository';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';

/** Tenants and keys, behind ADMIN_TOKEN (API role). */
@Module({
  controllers: [AdminController],
  providers: [
    {
      provide: AdminService,
      useFactory: (tenants: TenantsRepository, auth: AuthService) => new AdminService(tenants, auth),
      inject: [TenantsRepository, AuthService],
    },
  ],
})
export class AdminModule {}
