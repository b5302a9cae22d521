import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ApiKindsProperty, IsKnownKinds } from '../checks/known-kinds.validator';

@InputType('CreateTenantInput')
export class CreateTenantInput {
  @ApiPropertyOptional({ description: 'Tenant id (letters, digits, _ . -); generated when absent.', example: 'acme' })
  @Field({ nullable: true })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'id may hold 1-64 letters, digits, _ . -' })
  id?: string;

  @ApiProperty({ example: 'Acme Inc.' })
  @Field()
  @IsString()
  @MaxLength(200)
  name!: string;

  @ApiKindsProperty({ description: 'Kinds publishable keys of this tenant may submit (default: all).' })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @IsKnownKinds()
  allowedKinds?: string[];

  @ApiPropertyOptional({
    type: [String],
    description: "Browser origins allowed to call the API with this tenant's publishable keys.",
  })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, {
    each: true,
    message: 'each origin must look like https://app.example.com',
  })
  corsOrigins?: string[];
}

@InputType('CreateKeyInput')
export class CreateKeyInput {
  @ApiPropertyOptional({ enum: ['secret', 'publishable'], default: 'secret' })
  @Field({ nullable: true })
  @IsOptional()
  @IsIn(['secret', 'publishable'])
  type?: 'secret' | 'publishable';

  @ApiPropertyOptional({ example: 'billing backend' })
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  label?: string;
}
