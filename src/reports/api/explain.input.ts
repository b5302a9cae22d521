import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsDomainName } from '../../common/validation';

/** POST /v1/explain and GraphQL explainReply / diagnoseReply. */
@InputType('ExplainReplyInput')
export class ExplainReplyInput {
  @ApiProperty({
    example:
      "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos",
    maxLength: 20000,
    description: 'An SMTP reply (single or multi-line), or an NDR line as mail servers and clients print it.',
  })
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(20000)
  reply!: string;

  @ApiPropertyOptional({
    example: 'example.com',
    description: 'With ?diagnose=domain: the domain whose suggested live checks are queued.',
  })
  @Field({ nullable: true })
  @IsOptional()
  @IsDomainName()
  domain?: string;
}

/** POST /v1/bounces/analyze with a JSON body, and GraphQL analyzeBounce. */
@InputType('AnalyzeBounceInput')
export class AnalyzeBounceInput {
  @ApiProperty({
    description: 'The raw bounce message (RFC 5322 text with headers), as received.',
    maxLength: 10485760,
  })
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(10 * 1024 * 1024)
  message!: string;
}
