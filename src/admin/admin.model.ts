import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI shapes of the admin answers (admin.service.ts, browser-access.service.ts). */
export class TenantModel {
  @ApiProperty({ example: 'acme' }) id!: string;
  @ApiProperty({ example: 'Acme Inc.' }) name!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: [String], nullable: true, description: 'Kinds publishable keys may submit; null: all.' })
  allowedKinds!: string[] | null;
  @ApiProperty({ type: [String] }) corsOrigins!: string[];
}

export class ApiKeyModel {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['secret', 'publishable'] }) type!: string;
  @ApiProperty({ description: 'The first characters of the key, to recognise it.', example: 'sk_3Fq9a1b' })
  prefix!: string;
  @ApiPropertyOptional() label?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) revokedAt?: string;
}

export class CreatedApiKeyModel {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'acme' }) tenantId!: string;
  @ApiProperty({ enum: ['secret', 'publishable'] }) type!: string;
  @ApiPropertyOptional() label?: string;
  @ApiProperty({ example: 'sk_3Fq9a1b' }) prefix!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'The key itself: shown only in this answer, stored only as a hash.' }) key!: string;
}

export class BrowserAccessModel {
  @ApiProperty({ example: 'acme' }) tenantId!: string;
  @ApiProperty({ type: [String], example: ['https://app.example.com'] }) corsOrigins!: string[];
  @ApiProperty({ type: [String], nullable: true, example: ['dns', 'mx'] }) allowedKinds!: string[] | null;
}
