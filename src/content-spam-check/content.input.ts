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
import {
  parseWelcomelistPrefs,
  PREFS_MAX_LINE_CHARS,
  PREFS_MAX_LINES,
  WELCOMELIST_SETTINGS,
} from './spamassassin/welcomelist-prefs';

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

/** Each line a SpamAssassin welcome- or block-list setting (welcomelist-prefs.ts); the message names the first bad line. */
function IsWelcomelistPrefs() {
  return ValidateBy({
    name: 'welcomelistPrefs',
    validator: {
      validate: (value: unknown) =>
        Array.isArray(value) &&
        value.every((v) => typeof v === 'string') &&
        parseWelcomelistPrefs(value as string[]).errors.length === 0,
      defaultMessage: (args?: ValidationArguments) => {
        const value = args?.value as unknown;
        if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return 'must be an array of strings';
        const e = parseWelcomelistPrefs(value as string[]).errors[0];
        // Counted from 1, as a person (and the CLI's --prefs FILE, which keeps every line) counts lines.
        return e
          ? `line ${e.line + 1} (${JSON.stringify(String(value[e.line]).slice(0, 80))}): ${e.message}`
          : 'invalid';
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

  @ApiPropertyOptional({
    type: [String],
    maxItems: PREFS_MAX_LINES,
    example: [
      'welcomelist_from_rcvd *@example.com mail.example.com',
      'def_welcomelist_from_rcvd *@example.com [192.0.2.0/24]',
    ],
    description: `The recipient's SpamAssassin user_prefs lines of the welcome- and block-list family only (${WELCOMELIST_SETTINGS.join(', ')}; the 3.x whitelist_/blacklist_ spellings too), at most ${PREFS_MAX_LINES} lines of ${PREFS_MAX_LINE_CHARS} characters and 200 addresses. The SpamAssassin rules USER_IN_WELCOMELIST (-100), USER_IN_DEF_WELCOMELIST (-15), USER_IN_BLOCKLIST (+100) and the recipient-side USER_IN_WELCOMELIST_TO (-6), USER_IN_MORE_SPAM_TO (-20), USER_IN_ALL_SPAM_TO (-100), USER_IN_BLOCKLIST_TO (+10) then run as SpamAssassin runs them: "would this recipient's filter welcome my message, and if not, why". Any other setting or a malformed line is refused.`,
  })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(PREFS_MAX_LINES)
  @IsString({ each: true })
  @MaxLength(PREFS_MAX_LINE_CHARS, { each: true })
  @IsWelcomelistPrefs()
  filterPrefs?: string[];
}
