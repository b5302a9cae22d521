import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FindingModel } from '../../checks/check.model';
import { AREAS } from '../health/health.score';

@ObjectType('HealthArea')
export class HealthAreaModel {
  @ApiProperty({ enum: AREAS }) @Field() area!: string;
  @ApiProperty({ example: 'Sender authentication' }) @Field() label!: string;
  @ApiProperty({ enum: ['pass', 'warn', 'fail', 'unknown'] }) @Field() status!: string;
  @ApiPropertyOptional({ minimum: 0, maximum: 100, description: 'Absent when the area could not be assessed.' })
  @Field(() => Int, { nullable: true })
  score?: number | null;
  @ApiProperty({ description: 'Weight in the overall score (formula health-v2).' }) @Field(() => Int) weight!: number;
  @ApiProperty() @Field(() => Int) findingCount!: number;
}

@ObjectType('HealthFinding')
export class HealthFindingModel extends FindingModel {
  // `area` comes from FindingModel: in a health report every finding carries it.
  @ApiProperty({
    description: 'Points this finding costs the overall score (before caps); findings are ordered by it.',
  })
  @Field(() => Float)
  impact!: number;
}

@ObjectType('HealthChildCheck')
export class HealthChildCheckModel {
  @ApiProperty() @Field(() => ID) id!: string;
  @ApiProperty() @Field() kind!: string;
  @ApiProperty() @Field() target!: string;
  @ApiProperty() @Field() status!: string;
  @ApiPropertyOptional() @Field(() => String, { nullable: true }) verdict?: string | null;
}

@ObjectType('HealthReport')
export class HealthReportModel {
  @ApiProperty({
    example: 'health-v2',
    description: 'Version of the scoring formula (src/reports/health/health.score.ts).',
  })
  @Field()
  formula!: string;
  @ApiProperty() @Field() domain!: string;
  @ApiProperty({ description: 'The health check this report belongs to.' }) @Field(() => ID) checkId!: string;
  @ApiProperty({ minimum: 0, maximum: 100 }) @Field(() => Int) score!: number;
  @ApiProperty({ enum: ['A', 'B', 'C', 'D', 'F'] }) @Field() grade!: string;
  @ApiProperty({ enum: ['pass', 'warn', 'fail', 'indeterminate'] }) @Field() verdict!: string;
  @ApiPropertyOptional({
    example: 'DOMAIN_NOT_FOUND',
    description:
      'When mail cannot be delivered: the finding that decided the grade (F). The findings it implies are folded under it (its `folded` codes).',
  })
  @Field({ nullable: true })
  rootCause?: string;
  @ApiProperty() @Field() generatedAt!: string;
  @ApiProperty({ type: [HealthAreaModel] }) @Field(() => [HealthAreaModel]) areas!: HealthAreaModel[];
  @ApiProperty({
    type: [HealthFindingModel],
    description: 'Ordered by impact, highest first; `remediation` is the fix.',
  })
  @Field(() => [HealthFindingModel])
  findings!: HealthFindingModel[];
  @ApiProperty({ type: [HealthChildCheckModel] })
  @Field(() => [HealthChildCheckModel])
  checks!: HealthChildCheckModel[];
}

@ObjectType('HealthHistoryPoint')
export class HistoryPointModel {
  @ApiProperty() @Field(() => ID) checkId!: string;
  @ApiProperty() @Field() at!: string;
  @ApiProperty() @Field(() => Int) score!: number;
  @ApiProperty() @Field() grade!: string;
  @ApiProperty({ example: 'health-v2', description: 'Version of the formula that scored this run.' })
  @Field()
  formula!: string;
  @ApiProperty({
    description:
      "True when the previous run was scored by another formula version: the change of score and grade from it is (at least partly) the formula's, not the domain's. Finding codes are compared either way, folded ones included.",
  })
  @Field()
  formulaChanged!: boolean;
  @ApiProperty({ type: [String], description: 'Finding codes present now but not in the previous run.' })
  @Field(() => [String])
  appeared!: string[];
  @ApiProperty({ type: [String], description: 'Finding codes of the previous run that are gone ("did my fix work?").' })
  @Field(() => [String])
  disappeared!: string[];
}

@ObjectType('DomainHistory')
export class DomainHistoryModel {
  @ApiProperty() @Field() domain!: string;
  @ApiProperty({ type: [HistoryPointModel], description: 'Oldest first.' })
  @Field(() => [HistoryPointModel])
  points!: HistoryPointModel[];
}
