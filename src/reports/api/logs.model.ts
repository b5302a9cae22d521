import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { CATEGORIES } from '../explain/explain.types';
import { ExplanationModel } from './explain.model';

/** JSON body of POST /v1/logs/analyze (small logs) and GraphQL analyzeLogs; big logs go as text/plain. */
@InputType('AnalyzeLogsInput')
export class AnalyzeLogsInput {
  @ApiProperty({ description: 'Postfix, Exim or Sendmail log lines.', maxLength: 10485760 })
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(10 * 1024 * 1024)
  text!: string;
}

@ObjectType('LogMtaCounts')
export class LogMtaCountsModel {
  @ApiProperty() @Field(() => Int) postfix!: number;
  @ApiProperty() @Field(() => Int) exim!: number;
  @ApiProperty() @Field(() => Int) sendmail!: number;
}

@ObjectType('LogDeliveryCounts')
export class LogDeliveryCountsModel {
  @ApiProperty() @Field(() => Int) sent!: number;
  @ApiProperty() @Field(() => Int) deferred!: number;
  @ApiProperty() @Field(() => Int) bounced!: number;
  @ApiProperty() @Field(() => Int) expired!: number;
}

@ObjectType('LogMessageCounts')
export class LogMessageCountsModel {
  @ApiProperty() @Field(() => Int) sent!: number;
  @ApiProperty() @Field(() => Int) bounced!: number;
  @ApiProperty() @Field(() => Int) deferred!: number;
}

@ObjectType('LogPattern')
export class LogPatternModel {
  @ApiProperty({ enum: ['deferred', 'bounced', 'expired', 'rejected'] }) @Field() kind!: string;
  @ApiProperty({ enum: CATEGORIES }) @Field() category!: string;
  @ApiProperty({ description: 'Recipient domain (deliveries) or client (rejections).' }) @Field() remoteDomain!: string;
  @ApiProperty({ description: 'The reply with addresses, IPs, ids and numbers replaced by placeholders.' })
  @Field()
  reply!: string;
  @ApiProperty() @Field(() => Int) count!: number;
  @ApiProperty({ type: ExplanationModel }) @Field(() => ExplanationModel) explanation!: ExplanationModel;
  @ApiProperty({ type: [String], description: 'Original lines (cut at 500 characters).' })
  @Field(() => [String])
  examples!: string[];
}

@ObjectType('LogAnalysis')
export class LogAnalysisModel {
  @ApiProperty() @Field(() => Int) lines!: number;
  @ApiProperty({ type: LogMtaCountsModel }) @Field(() => LogMtaCountsModel) recognised!: LogMtaCountsModel;
  @ApiProperty({ type: LogDeliveryCountsModel, description: 'Delivery attempts per recipient.' })
  @Field(() => LogDeliveryCountsModel)
  deliveries!: LogDeliveryCountsModel;
  @ApiProperty({ description: 'Inbound rejections.' }) @Field(() => Int) rejections!: number;
  @ApiProperty({ type: LogMessageCountsModel, description: 'Outcome per message (queue id).' })
  @Field(() => LogMessageCountsModel)
  messages!: LogMessageCountsModel;
  @ApiProperty({
    type: [LogPatternModel],
    description: 'Top error patterns grouped by category, remote domain and reply.',
  })
  @Field(() => [LogPatternModel])
  topPatterns!: LogPatternModel[];
  @ApiProperty() @Field(() => Int) patternsEvicted!: number;
  @ApiProperty() @Field(() => Int) longLines!: number;
}
