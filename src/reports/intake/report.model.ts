import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FindingModel } from '../../checks/check.model';
import { JSONScalar } from '../../common/json.scalar';

@ObjectType('ReportSubmission')
export class ReportSubmissionModel {
  @ApiProperty({ description: 'Submission id (the intake job id).' }) @Field(() => ID) id!: string;
  @ApiProperty({ enum: ['upload', 'smtp', 'imap'] }) @Field() source!: string;
  @ApiProperty({ enum: ['queued', 'stored', 'refused'] }) @Field() status!: string;
  @ApiProperty() @Field(() => Int) size!: number;
  @ApiPropertyOptional({
    description:
      'Why it was refused (too_large, decompressed_too_large, compression_ratio, xml_dtd_forbidden, ...), or "duplicate".',
  })
  @Field(() => String, { nullable: true })
  code?: string | null;
  @ApiPropertyOptional() @Field(() => String, { nullable: true }) reason?: string | null;
  @ApiProperty({ type: [String], description: 'Stored report ids (a duplicate points at the stored one).' })
  @Field(() => [ID])
  reportIds!: string[];
  @ApiProperty() @Field() receivedAt!: string;
  @ApiPropertyOptional() @Field(() => String, { nullable: true }) completedAt?: string | null;
}

@ObjectType('ReceivedReport')
export class ReceivedReportModel {
  @ApiProperty() @Field(() => ID) id!: string;
  @ApiProperty({ enum: ['aggregate', 'failure', 'tlsrpt'] }) @Field() kind!: string;
  @ApiProperty() @Field() domain!: string;
  @ApiProperty() @Field() orgName!: string;
  @ApiProperty() @Field() reportId!: string;
  @ApiProperty() @Field() begin!: string;
  @ApiProperty() @Field() end!: string;
  @ApiProperty({ description: 'Messages (aggregate), TLS sessions (TLS-RPT) or 1 (failure).' })
  @Field(() => Int)
  messages!: number;
  @ApiProperty() @Field() receivedAt!: string;
  @ApiPropertyOptional({ description: 'The parsed report (only when one report is fetched by id).' })
  @Field(() => JSONScalar, { nullable: true })
  report?: unknown;
}

@ObjectType('ReportAddress')
export class ReportAddressModel {
  @ApiProperty({ example: 'dmarc+3f9c0a1b2c3d4e5f6a7b@reports.example.com' }) @Field() address!: string;
  @ApiProperty({ type: [String] }) @Field(() => [String]) aliases!: string[];
  @ApiProperty({ description: 'Whether the inbound SMTP endpoint is on (REPORTS_SMTP_PORT).' })
  @Field()
  smtpEnabled!: boolean;
}

@ObjectType('SendingSource')
export class SendingSourceModel {
  @ApiProperty() @Field() ip!: string;
  @ApiPropertyOptional() @Field(() => String, { nullable: true }) ptr?: string;
  @ApiProperty() @Field(() => Int) messages!: number;
  @ApiProperty({ description: '0..1' }) @Field(() => Float) share!: number;
  @ApiProperty() @Field(() => Float) spfAlignedRate!: number;
  @ApiProperty() @Field(() => Float) dkimAlignedRate!: number;
  @ApiProperty() @Field(() => Float) dmarcPassRate!: number;
  @ApiProperty({ type: Object, description: 'Messages per disposition (none, quarantine, reject).' })
  @Field(() => JSONScalar)
  dispositions!: Record<string, number>;
  @ApiProperty({ type: [String] }) @Field(() => [String]) dkim!: string[];
  @ApiProperty({ type: [String] }) @Field(() => [String]) envelopeFrom!: string[];
}

@ObjectType('DomainSources')
export class DomainSourcesModel {
  @ApiProperty() @Field() domain!: string;
  @ApiProperty() @Field() since!: string;
  @ApiProperty() @Field(() => Int) reports!: number;
  @ApiProperty() @Field(() => Int) messages!: number;
  @ApiProperty() @Field(() => Float) dmarcPassRate!: number;
  @ApiProperty() @Field(() => Float) spfAlignedRate!: number;
  @ApiProperty() @Field(() => Float) dkimAlignedRate!: number;
  @ApiPropertyOptional({ type: Object }) @Field(() => JSONScalar, { nullable: true }) publishedPolicy?: unknown;
  @ApiProperty({ type: [SendingSourceModel] }) @Field(() => [SendingSourceModel]) sources!: SendingSourceModel[];
  @ApiProperty({ type: [Object] }) @Field(() => JSONScalar) selectors!: unknown;
  @ApiProperty({ type: [Object] }) @Field(() => JSONScalar) tlsFailures!: unknown;
  @ApiProperty({ type: [FindingModel] }) @Field(() => [FindingModel]) findings!: FindingModel[];
}
