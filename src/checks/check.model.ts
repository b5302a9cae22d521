import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AREAS } from '../common/finding';
import { JSONScalar } from '../common/json.scalar';

/** Output shapes, shared by REST (OpenAPI) and GraphQL. */
@ObjectType('Finding')
export class FindingModel {
  @ApiProperty({ example: 'MX_MISSING' }) @Field() code!: string;
  @ApiProperty({ enum: ['critical', 'error', 'warning', 'info'] }) @Field() severity!: string;
  @ApiProperty() @Field() title!: string;
  @ApiProperty() @Field() detail!: string;
  @ApiProperty() @Field() remediation!: string;
  @ApiPropertyOptional({ description: 'Raw evidence (records, replies, transcript excerpts).' })
  @Field(() => JSONScalar, { nullable: true })
  evidence?: unknown;
  @ApiPropertyOptional({ type: [String] }) @Field(() => [String], { nullable: true }) references?: string[];
  @ApiPropertyOptional({
    enum: AREAS,
    description:
      "The health-grade area the code counts toward (its catalog entry's); absent for codes the grade never sees.",
  })
  @Field(() => String, { nullable: true })
  area?: string;
  @ApiPropertyOptional({
    type: [String],
    description:
      'Root cause first: the codes of the findings this one implies (e.g. no SPF of a domain that does not exist), folded under it instead of listed as separate problems.',
  })
  @Field(() => [String], { nullable: true })
  folded?: string[];
}

@ObjectType('Check')
export class CheckModel {
  @ApiProperty({ format: 'uuid' }) @Field(() => ID) id!: string;
  @ApiProperty({ example: 'mx' }) @Field() kind!: string;
  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed'] }) @Field() status!: string;
  @ApiProperty({ description: 'Main target (domain, host, ...).' }) @Field() target!: string;
  @ApiProperty({ description: 'The validated input, secrets removed.', type: 'object', additionalProperties: true })
  @Field(() => JSONScalar)
  input!: unknown;
  @ApiPropertyOptional({ enum: ['pass', 'warn', 'fail', 'indeterminate'] }) @Field({ nullable: true }) verdict?: string;
  @ApiPropertyOptional({ minimum: 0, maximum: 100 }) @Field(() => Int, { nullable: true }) score?: number;
  @ApiProperty({ type: [FindingModel] }) @Field(() => [FindingModel]) findings!: FindingModel[];
  @ApiPropertyOptional({
    example: 'DOMAIN_NOT_FOUND',
    description:
      'The finding that decided the verdict on its own (the domain does not exist, its name servers all fail, no MX, no MX host reachable), when there is one: it is listed first, and the findings it implies are folded under it (its `folded` codes).',
  })
  @Field({ nullable: true })
  rootCause?: string;
  @ApiPropertyOptional({ description: 'Kind-specific evidence.', type: 'object', additionalProperties: true })
  @Field(() => JSONScalar, { nullable: true })
  result?: unknown;
  @ApiPropertyOptional({ description: 'Why the check could not run (not a verdict).' })
  @Field({ nullable: true })
  error?: string;
  @ApiPropertyOptional() @Field(() => ID, { nullable: true }) batchId?: string;
  @ApiPropertyOptional({ description: 'The monitor that ran this check, when a monitor did.' })
  @Field(() => ID, { nullable: true })
  monitorId?: string;
  @ApiPropertyOptional({ description: 'Live progress 0-100 (subscriptions only).' })
  @Field(() => Int, { nullable: true })
  progress?: number;
  @ApiPropertyOptional({ description: 'Live phase label (subscriptions only).' })
  @Field({ nullable: true })
  phase?: string;
  @ApiProperty() @Field() createdAt!: string;
  @ApiPropertyOptional() @Field({ nullable: true }) startedAt?: string;
  @ApiPropertyOptional() @Field({ nullable: true }) completedAt?: string;
  @ApiPropertyOptional() @Field(() => Int, { nullable: true }) durationMs?: number;
}

@ObjectType('CheckPage')
export class CheckPageModel {
  @ApiProperty({ type: [CheckModel] }) @Field(() => [CheckModel]) items!: CheckModel[];
  @ApiPropertyOptional({ description: 'Pass as `cursor` to get the next page; absent on the last page.' })
  @Field({ nullable: true })
  nextCursor?: string;
}

@ObjectType('SubmittedCheck')
export class SubmittedCheckModel {
  @ApiProperty() @Field(() => ID) id!: string;
  @ApiProperty() @Field() kind!: string;
  @ApiProperty() @Field() status!: string;
  @ApiProperty() @Field() createdAt!: string;
}

@ObjectType('Batch')
export class BatchModel {
  @ApiProperty() @Field(() => ID) id!: string;
  @ApiProperty({ enum: ['running', 'completed'] }) @Field() status!: string;
  @ApiProperty() @Field(() => Int) total!: number;
  @ApiProperty() @Field(() => Int) completed!: number;
  @ApiProperty() @Field(() => Int) failed!: number;
  @ApiProperty() @Field() createdAt!: string;
  @ApiPropertyOptional() @Field({ nullable: true }) completedAt?: string;
}

@ObjectType('FindingDefinition')
export class FindingDefinitionModel {
  @ApiProperty() @Field() code!: string;
  @ApiProperty() @Field() severity!: string;
  @ApiProperty() @Field() title!: string;
  @ApiProperty() @Field() remediation!: string;
  @ApiProperty() @Field() module!: string;
  @ApiPropertyOptional({ type: [String] }) @Field(() => [String], { nullable: true }) references?: string[];
  @ApiProperty({
    type: 'string',
    // OpenAPI 3.0: a nullable enum lists null among its values.
    enum: [...AREAS, null],
    nullable: true,
    description:
      'The health-grade area the code counts toward (src/findings/catalog.ts); null for codes the health grade never sees (content rules).',
  })
  @Field(() => String, { nullable: true })
  area!: string | null;
}
