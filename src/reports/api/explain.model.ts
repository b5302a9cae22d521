import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CATEGORIES, SUGGESTED_CHECKS } from '../explain/explain.types';

@ObjectType('SkippedDiagnosis')
export class SkippedDiagnosisModel {
  @ApiProperty({ enum: SUGGESTED_CHECKS }) @Field() check!: string;
  @ApiProperty() @Field() reason!: string;
}

@ObjectType('Diagnosis')
export class DiagnosisModel {
  @ApiProperty() @Field() domain!: string;
  @ApiPropertyOptional({
    description: 'The batch holding the queued checks (GET /v1/batches/:id); absent when nothing could be queued.',
  })
  @Field(() => ID, { nullable: true })
  batchId?: string;
  @ApiProperty({ type: [String], description: 'Check kinds queued for the domain.' })
  @Field(() => [String])
  kinds!: string[];
  @ApiProperty({ type: [SkippedDiagnosisModel] })
  @Field(() => [SkippedDiagnosisModel])
  skipped!: SkippedDiagnosisModel[];
}

/** The explanation of one reply (issue 6), shared by REST, GraphQL, bounces and logs. */
@ObjectType('Explanation')
export class ExplanationModel {
  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    example: 550,
    description: 'Basic reply code (RFC 5321 §4.2); null when the text has none.',
  })
  @Field(() => Int, { nullable: true })
  code!: number | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '5.1.1',
    description: 'Enhanced status code (RFC 3463).',
  })
  @Field(() => String, { nullable: true })
  enhancedStatus!: string | null;
  @ApiProperty({ enum: ['success', 'transient', 'permanent'] }) @Field() class!: string;
  @ApiProperty({ enum: CATEGORIES }) @Field() category!: string;
  @ApiProperty({ example: 'SMTP_RECIPIENT_UNKNOWN', description: 'The same code the live probe uses for this cause.' })
  @Field()
  findingCode!: string;
  @ApiProperty() @Field() title!: string;
  @ApiProperty() @Field() meaning!: string;
  @ApiProperty({ type: [String] }) @Field(() => [String]) likelyCauses!: string[];
  @ApiProperty({ type: [String] }) @Field(() => [String]) remediation!: string[];
  @ApiProperty() @Field() retryable!: boolean;
  @ApiPropertyOptional({ example: 'Gmail' }) @Field({ nullable: true }) provider?: string;
  @ApiProperty({ type: [String] }) @Field(() => [String]) references!: string[];
  @ApiProperty({
    enum: SUGGESTED_CHECKS,
    isArray: true,
    description: 'Live checks that would confirm the cause; POST /v1/explain?diagnose=domain queues them.',
  })
  @Field(() => [String])
  suggestedChecks!: string[];
  @ApiPropertyOptional({ type: () => DiagnosisModel })
  @Field(() => DiagnosisModel, { nullable: true })
  diagnosis?: DiagnosisModel;
}

@ObjectType('BounceRecipient')
export class BounceRecipientModel {
  @ApiProperty() @Field() address!: string;
  @ApiProperty({ enum: ['failed', 'delayed', 'delivered', 'relayed', 'expanded', 'complaint', 'auto-replied'] })
  @Field()
  action!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: '5.1.1' })
  @Field(() => String, { nullable: true })
  status!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  remoteMta!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  diagnosticCode!: string | null;
  @ApiProperty({ enum: ['hard', 'soft'] }) @Field() hardSoft!: string;
  @ApiProperty() @Field() reason!: string;
  @ApiProperty({ type: ExplanationModel }) @Field(() => ExplanationModel) explanation!: ExplanationModel;
}

@ObjectType('BounceAnalysis')
export class BounceAnalysisModel {
  @ApiProperty() @Field() isBounce!: boolean;
  @ApiProperty({
    example: 'rfc3464',
    description: 'rfc3464 (DSN), arf (RFC 5965 complaint), rfc3834 (auto-reply), text (non-standard bounce) or none.',
  })
  @Field()
  format!: string;
  @ApiPropertyOptional() @Field(() => String, { nullable: true }) reportingMta!: string | null;
  @ApiPropertyOptional() @Field({ nullable: true }) feedbackType?: string;
  @ApiPropertyOptional() @Field(() => String, { nullable: true }) originalMessageId!: string | null;
  @ApiProperty({ type: [BounceRecipientModel] })
  @Field(() => [BounceRecipientModel])
  recipients!: BounceRecipientModel[];
}
