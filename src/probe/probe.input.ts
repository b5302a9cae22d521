import { Field, InputType, Int } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
  IsObject,
} from 'class-validator';
import { IsDomainName, IsHostOrIp, IsMailbox } from '../common/validation';

/** SMTP AUTH credentials. The password is pulled out before storage (probe.kind.ts extractSecrets). */
@InputType('SmtpAuthInput')
export class SmtpAuthInput {
  @ApiProperty({ example: 'user@example.com', maxLength: 320 })
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(320)
  // No CR/LF/NUL: the value travels inside SASL payloads (RFC 4616 §2).
  @Matches(/^[^\r\n\0]*$/, { message: 'username must not contain line breaks or NUL' })
  username!: string;

  @ApiProperty({
    example: 'app-password',
    maxLength: 512,
    writeOnly: true,
    description: 'Used for this run only, never stored or shown.',
  })
  @Field()
  @IsString()
  @MaxLength(512)
  @Matches(/^[^\r\n\0]*$/, { message: 'password must not contain line breaks or NUL' })
  password!: string;
}

/** Input of kind `smtp`: give a domain (every MX is probed) or a host. */
@InputType('SmtpCheckInput')
export class SmtpCheckInput {
  @ApiPropertyOptional({ example: 'example.com', description: 'Probe every MX of this domain, in priority order.' })
  @Field({ nullable: true })
  @ValidateIf((o: SmtpCheckInput) => o.host === undefined || o.domain !== undefined)
  @IsDomainName({ message: 'give a domain (e.g. example.com) or a host' })
  domain?: string;

  @ApiPropertyOptional({
    example: 'mx.example.com',
    description: "Probe this host (name or IP) instead of a domain's MX.",
  })
  @Field({ nullable: true })
  @IsOptional()
  @IsHostOrIp()
  host?: string;

  @ApiPropertyOptional({
    type: [Number],
    example: [25, 587],
    description: 'Ports to probe (default 25, or 587 with auth). 465 is implicit TLS.',
  })
  @Field(() => [Int], { nullable: true })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(65535, { each: true })
  ports?: number[];

  @ApiPropertyOptional({
    example: 'postmaster@example.com',
    description: 'Check this recipient with MAIL FROM + RCPT TO (no mail is sent).',
  })
  @Field({ nullable: true })
  @IsOptional()
  @IsMailbox()
  recipient?: string;

  @ApiPropertyOptional({ type: () => SmtpAuthInput })
  @Field(() => SmtpAuthInput, { nullable: true })
  @IsOptional()
  // An array or a string here must be a field error, not reach the engine (found by fuzzing).
  @IsObject()
  @ValidateNested()
  @Type(() => SmtpAuthInput)
  auth?: SmtpAuthInput;

  @ApiPropertyOptional({
    example: 'probe@example.com',
    description: 'Envelope sender; empty string for the null sender <>.',
  })
  @Field({ nullable: true })
  @IsOptional()
  @ValidateIf((o: SmtpCheckInput) => o.mailFrom !== '')
  @IsMailbox()
  mailFrom?: string;

  @ApiPropertyOptional({ example: 'probe.example.com', description: 'Name sent in EHLO (default PROBE_EHLO_NAME).' })
  @Field({ nullable: true })
  @IsOptional()
  @IsHostOrIp()
  ehloName?: string;

  @ApiPropertyOptional({
    default: false,
    description: 'Also check that the server refuses to relay to an outside domain.',
  })
  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  relayTest?: boolean;

  @ApiPropertyOptional({
    example: 60000,
    minimum: 1000,
    maximum: 300000,
    description: 'Total time bound of the probe in ms.',
  })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(300000)
  timeoutMs?: number;
}
