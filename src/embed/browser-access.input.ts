import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ApiKindsProperty, IsKnownKinds } from '../checks/known-kinds.validator';

/** What browser pages of a tenant may do: from which origins, and which kinds publishable keys may submit. */
export class BrowserAccessInput {
  @ApiPropertyOptional({
    type: [String],
    example: ['https://app.example.com'],
    description:
      "Origins (scheme://host[:port]) allowed to call the API with this tenant's publishable keys; [] allows none besides CORS_ORIGINS. Absent: unchanged.",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @MaxLength(300, { each: true })
  @Matches(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, {
    each: true,
    message: 'each origin must look like https://app.example.com',
  })
  corsOrigins?: string[];

  @ApiKindsProperty({
    nullable: true,
    example: ['dns', 'mx'],
    description: 'Kinds publishable keys may submit; null allows all. Absent: unchanged.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  @IsKnownKinds()
  allowedKinds?: string[] | null;
}
