import { Field, InputType, Int } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsIP,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsHostOrIp, IsMailbox } from '../common/validation';

/** The kinds a monitor may run; each run submits one ordinary check per kind. */
export const MONITOR_KINDS = ['health', 'dns', 'mx', 'smtp'] as const;
export type MonitorKind = (typeof MONITOR_KINDS)[number];

/** Where alerts go. */
@InputType('MonitorChannelsInput')
export class MonitorChannelsInput {
  @ApiPropertyOptional({
    default: false,
    description: "Send `monitor.alert` events to the tenant's signed webhooks subscribed to that event.",
  })
  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  webhooks?: boolean;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 10,
    example: ['postmaster@example.com'],
    description: 'E-mail recipients (plain text + HTML), sent through ALERT_SMTP_URL.',
  })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsMailbox({ each: true })
  emails?: string[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: 5,
    example: ['https://hooks.slack.com/services/T000/B000/XXXX'],
    description:
      'Chat incoming-webhook URLs (Slack or Mattermost shape: a JSON body with `text`); same SSRF policy as webhooks.',
  })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(2048, { each: true })
  chat?: string[];
}

/** POST /v1/monitors and GraphQL createMonitor. */
@InputType('CreateMonitorInput')
export class CreateMonitorInput {
  @ApiPropertyOptional({ maxLength: 200, example: 'example.com mail' })
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiProperty({
    example: 'example.com',
    description: 'Domain (health, dns, mx, smtp of every MX) or host/IP (smtp of that host).',
  })
  @Field()
  @IsHostOrIp()
  target!: string;

  @ApiProperty({ enum: MONITOR_KINDS, isArray: true, example: ['dns', 'smtp'] })
  @Field(() => [String])
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MONITOR_KINDS.length)
  @ArrayUnique()
  @IsIn(MONITOR_KINDS, { each: true })
  kinds!: string[];

  @ApiProperty({
    minimum: 1,
    example: 900,
    description: 'Seconds between runs; at least MONITOR_MIN_INTERVAL_S (default 300).',
  })
  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(30 * 86_400)
  intervalSeconds!: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 10,
    description: 'Consecutive agreeing results before a change alerts (default MONITOR_CONFIRMATIONS, 2).',
  })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  confirmations?: number;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 20,
    example: ['203.0.113.5'],
    description: 'Sending IPs for the dns kind: SPF, reverse DNS and blocklists (DNSBL) of each.',
  })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsIP(undefined, { each: true, message: 'each sendingIps entry must be an IPv4 or IPv6 address' })
  sendingIps?: string[];

  @ApiPropertyOptional({ type: [Number], example: [25], description: 'Ports of the smtp kind (default 25).' })
  @Field(() => [Int], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(65535, { each: true })
  ports?: number[];

  @ApiPropertyOptional({
    default: false,
    description: 'smtp kind: probe the target itself as a host rather than the MX of a domain (always so for an IP).',
  })
  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  probeHost?: boolean;

  @ApiPropertyOptional({ type: () => MonitorChannelsInput })
  @Field(() => MonitorChannelsInput, { nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MonitorChannelsInput)
  channels?: MonitorChannelsInput;
}

/** PATCH /v1/monitors/:id and GraphQL updateMonitor: the fields to change. */
@InputType('UpdateMonitorInput')
export class UpdateMonitorInput {
  @ApiPropertyOptional({ maxLength: 200 })
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: MONITOR_KINDS, isArray: true })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MONITOR_KINDS.length)
  @ArrayUnique()
  @IsIn(MONITOR_KINDS, { each: true })
  kinds?: string[];

  @ApiPropertyOptional({ minimum: 1 })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(30 * 86_400)
  intervalSeconds?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 10 })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  confirmations?: number;

  @ApiPropertyOptional({ type: () => MonitorChannelsInput })
  @Field(() => MonitorChannelsInput, { nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MonitorChannelsInput)
  channels?: MonitorChannelsInput;
}
