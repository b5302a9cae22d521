import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIP,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  maxLength,
  registerDecorator,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
  IsObject,
} from 'class-validator';
import { IsHostOrIp, IsMailbox } from '../common/validation';
import { contentInputBound } from './content.config';

/** MaxLength with the CONTENT_MAX_BYTES bound read when validating (set at boot from the config). */
function MaxContentLength() {
  return ValidateBy({
    name: 'maxLength',
    validator: {
      validate: (value: unknown) => maxLength(value, contentInputBound()),
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property ?? 'value'} must be shorter than or equal to ${contentInputBound()} characters`,
    },
  });
}

/** Exactly one of `message` / `email` (the two forms of the same input). */
function ExactlyOneOf(other: string) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'exactlyOneOf',
      target: target.constructor,
      propertyName,
      constraints: [other],
      options: { message: `give exactly one of ${propertyName} (raw RFC 5322 text) or ${other} (structured)` },
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const o = args.object as Record<string, unknown>;
          return (value !== undefined && value !== null) !== (o[other] !== undefined && o[other] !== null);
        },
      },
    });
}

@InputType('ContentHeaderInput')
export class ContentHeaderInput {
  @ApiProperty({ example: 'List-Unsubscribe' })
  @Field()
  @IsString()
  @Matches(/^[\x21-\x39\x3b-\x7e]{1,100}$/, { message: 'key must be a header field name (RFC 5322 §2.2)' })
  key!: string;

  @ApiProperty({ example: '<https://example.com/u/123>' })
  @Field()
  @IsString()
  @MaxLength(8000)
  value!: string;
}

@InputType('ContentAttachmentInput')
export class ContentAttachmentInput {
  @ApiProperty({ example: 'report.pdf' })
  @Field()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  filename!: string;

  @ApiProperty({ example: 'application/pdf' })
  @Field()
  @IsString()
  @Matches(/^[\w.+-]+\/[\w.+-]+$/, { message: 'contentType must look like type/subtype' })
  @MaxLength(200)
  contentType!: string;

  @ApiProperty({ description: 'File content, base64.' })
  @Field()
  @IsString()
  @Matches(/^[A-Za-z0-9+/=\s]*$/, { message: 'content must be base64' })
  @MaxContentLength()
  content!: string;
}

@InputType('ContentEmailInput')
export class ContentEmailInput {
  @ApiProperty({ example: 'Newsletter <news@example.com>' })
  @Field()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  from!: string;

  @ApiProperty({ type: [String], example: ['user@example.net'] })
  @Field(() => [String])
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  to!: string[];

  @ApiProperty({ example: 'Your July statement' })
  @Field()
  @IsString()
  @MaxLength(2000)
  subject!: string;

  @ApiPropertyOptional()
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxContentLength()
  text?: string;

  @ApiPropertyOptional()
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxContentLength()
  html?: string;

  @ApiPropertyOptional({ type: [ContentHeaderInput], description: 'Extra header fields, in order.' })
  @Field(() => [ContentHeaderInput], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ContentHeaderInput)
  headers?: ContentHeaderInput[];

  @ApiPropertyOptional({ type: [ContentAttachmentInput] })
  @Field(() => [ContentAttachmentInput], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ContentAttachmentInput)
  attachments?: ContentAttachmentInput[];
}

@InputType('ContentContextInput')
export class ContentContextInput {
  @ApiPropertyOptional({
    example: '192.0.2.10',
    description: 'IP of the sending server as the receiver sees it (enables SPF, DMARC with SPF, iprev).',
  })
  @Field({ nullable: true })
  @IsOptional()
  @IsIP()
  clientIp?: string;

  @ApiPropertyOptional({ example: 'mail.example.com' })
  @Field({ nullable: true })
  @IsOptional()
  @IsHostOrIp()
  helo?: string;

  @ApiPropertyOptional({ example: 'bounces@example.com', description: 'Envelope sender (MAIL FROM).' })
  @Field({ nullable: true })
  @IsOptional()
  @IsMailbox()
  mailFrom?: string;
}

/** Input of kind `content`: a raw message or its parts, plus an optional delivery context. */
@InputType('ContentCheckInput')
export class ContentCheckInput {
  @ApiPropertyOptional({ description: 'The raw RFC 5322 message (headers, blank line, body). Give this or `email`.' })
  @Field({ nullable: true })
  @ValidateIf((o: ContentCheckInput) => o.message !== undefined || o.email === undefined)
  @ExactlyOneOf('email')
  @IsString()
  @IsNotEmpty()
  @MaxContentLength()
  message?: string;

  @ApiPropertyOptional({
    type: ContentEmailInput,
    description: 'The message as parts, assembled with nodemailer. Give this or `message`.',
  })
  @Field(() => ContentEmailInput, { nullable: true })
  @ValidateIf((o: ContentCheckInput) => o.email !== undefined)
  // An array here (`email: []`) passed ValidateNested and crashed target(): found by fuzzing.
  @IsObject()
  @ValidateNested()
  @Type(() => ContentEmailInput)
  email?: ContentEmailInput;

  @ApiPropertyOptional({ type: ContentContextInput })
  @Field(() => ContentContextInput, { nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ContentContextInput)
  context?: ContentContextInput;
}
