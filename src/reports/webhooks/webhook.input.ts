import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';

export const WEBHOOK_EVENTS = ['check.completed', 'batch.completed', 'health.changed', 'monitor.alert'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** POST /v1/webhooks and GraphQL createWebhook. */
@InputType('CreateWebhookInput')
export class CreateWebhookInput {
  @ApiProperty({
    example: 'https://hooks.example.com/smtp-doctor',
    maxLength: 2048,
    description: 'http(s) URL; must resolve to a public address (same SSRF policy as the probe).',
  })
  @Field()
  @IsString()
  @MaxLength(2048)
  url!: string;

  @ApiProperty({ enum: WEBHOOK_EVENTS, isArray: true, example: ['check.completed'] })
  @Field(() => [String])
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENTS, { each: true })
  events!: string[];

  @ApiPropertyOptional({
    minLength: 16,
    maxLength: 256,
    writeOnly: true,
    description: 'Signing secret; generated and shown once when absent.',
  })
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(256)
  @Matches(/^[\x21-\x7e]+$/, { message: 'secret must be printable ASCII without spaces' })
  secret?: string;
}
