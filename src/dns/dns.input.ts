import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIP, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsDomainName } from '../common/validation';

/** A DKIM selector is one or more DNS labels (RFC 6376 §3.1: selector = sub-domain *( "." sub-domain )). */
const SELECTOR =
  /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/;

/** Input of kind `dns`; the same class validates REST bodies and GraphQL arguments. */
@InputType('DnsCheckInput')
export class DnsCheckInput {
  @ApiProperty({ example: 'example.com', description: 'Domain to audit (IDN allowed).' })
  @Field()
  @IsDomainName()
  domain!: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 20,
    example: ['s1', 'google'],
    description: 'DKIM selectors to check besides the built-in common ones.',
  })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(253, { each: true })
  @Matches(SELECTOR, {
    each: true,
    message: 'each dkimSelectors entry must be a DNS label sequence such as "s1" or "2024.mail"',
  })
  dkimSelectors?: string[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: 20,
    example: ['203.0.113.5'],
    description: 'Addresses that send mail for the domain: SPF evaluation, reverse DNS and blocklists.',
  })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsIP(undefined, { each: true, message: 'each sendingIps entry must be an IPv4 or IPv6 address' })
  sendingIps?: string[];
}
