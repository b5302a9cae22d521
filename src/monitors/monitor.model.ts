import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JSONScalar } from '../common/json.scalar';
import { ALERT_TYPES } from './alert-state';

@ObjectType('MonitorChannels')
export class MonitorChannelsModel {
  @ApiProperty() @Field() webhooks!: boolean;
  @ApiProperty({ type: [String] }) @Field(() => [String]) emails!: string[];
  @ApiProperty({ type: [String] }) @Field(() => [String]) chat!: string[];
}

@ObjectType('MonitorKindState')
export class MonitorKindStateModel {
  @ApiProperty() @Field() kind!: string;
  @ApiPropertyOptional({ description: 'Confirmed verdict (after hysteresis).' })
  @Field({ nullable: true })
  verdict?: string;
  @ApiPropertyOptional() @Field({ nullable: true }) grade?: string;
  @ApiProperty({ type: [String], description: 'Confirmed finding codes of severity warning or worse.' })
  @Field(() => [String])
  findingCodes!: string[];
  @ApiProperty({ description: 'Results in a row that differ from the confirmed state (0 = none pending).' })
  @Field(() => Int)
  pendingCount!: number;
  @ApiProperty({ description: 'Indeterminate results in a row (they never alert by themselves).' })
  @Field(() => Int)
  indeterminateRuns!: number;
  @ApiProperty() @Field(() => ID) lastCheckId!: string;
}

@ObjectType('Monitor')
export class MonitorModel {
  @ApiProperty() @Field(() => ID) id!: string;
  @ApiPropertyOptional() @Field({ nullable: true }) name?: string;
  @ApiProperty() @Field() target!: string;
  @ApiProperty({ type: [String] }) @Field(() => [String]) kinds!: string[];
  @ApiProperty() @Field(() => Int) intervalSeconds!: number;
  @ApiProperty() @Field(() => Int) confirmations!: number;
  @ApiPropertyOptional({ type: [String] }) @Field(() => [String], { nullable: true }) sendingIps?: string[];
  @ApiPropertyOptional({ type: [Number] }) @Field(() => [Int], { nullable: true }) ports?: number[];
  @ApiPropertyOptional() @Field({ nullable: true }) probeHost?: boolean;
  @ApiProperty({ type: MonitorChannelsModel }) @Field(() => MonitorChannelsModel) channels!: MonitorChannelsModel;
  @ApiProperty({ enum: ['active', 'paused'] }) @Field() status!: string;
  @ApiPropertyOptional({ description: 'When the last run was submitted.' })
  @Field({ nullable: true })
  lastRunAt?: string;
  @ApiPropertyOptional({ description: 'Next scheduled run (from the job scheduler), when active.' })
  @Field({ nullable: true })
  nextRunAt?: string;
  @ApiPropertyOptional({ type: [MonitorKindStateModel] })
  @Field(() => [MonitorKindStateModel], { nullable: true })
  state?: MonitorKindStateModel[];
  @ApiProperty() @Field() createdAt!: string;
  @ApiProperty() @Field() updatedAt!: string;
}

@ObjectType('MonitorPage')
export class MonitorPageModel {
  @ApiProperty({ type: [MonitorModel] }) @Field(() => [MonitorModel]) items!: MonitorModel[];
  @ApiPropertyOptional() @Field({ nullable: true }) nextCursor?: string;
}

@ObjectType('MonitorRunCheck')
export class MonitorRunCheckModel {
  @ApiProperty() @Field(() => ID) id!: string;
  @ApiProperty() @Field() kind!: string;
}

@ObjectType('MonitorRun')
export class MonitorRunModel {
  @ApiProperty() @Field(() => ID) monitorId!: string;
  @ApiProperty({ type: [MonitorRunCheckModel] }) @Field(() => [MonitorRunCheckModel]) checks!: MonitorRunCheckModel[];
}

@ObjectType('AlertDelivery')
export class AlertDeliveryModel {
  @ApiProperty() @Field(() => ID) id!: string;
  @ApiProperty({ enum: ['email', 'chat', 'webhook'] }) @Field() channel!: string;
  @ApiProperty({ description: 'E-mail address, chat URL, or webhook id.' }) @Field() destination!: string;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed'] }) @Field() status!: string;
  @ApiProperty() @Field(() => Int) attempts!: number;
  @ApiPropertyOptional() @Field({ nullable: true }) error?: string;
  @ApiProperty() @Field() updatedAt!: string;
}

@ObjectType('MonitorAlert')
export class MonitorAlertModel {
  @ApiProperty() @Field(() => ID) id!: string;
  @ApiProperty() @Field(() => ID) monitorId!: string;
  @ApiProperty() @Field() kind!: string;
  @ApiProperty({
    enum: [...ALERT_TYPES],
    description:
      'problem / recovery: a confirmed change; indeterminate: no result for MONITOR_INDETERMINATE_ALERT_RUNS runs in a row ("cannot check", not a failure); resumed: the first result after that.',
  })
  @Field()
  type!: string;
  @ApiProperty({ description: 'The check whose result confirmed the change.' }) @Field(() => ID) checkId!: string;
  @ApiProperty({
    description: 'What changed: verdict {from,to}, grade, findings appeared and cleared.',
    type: 'object',
    additionalProperties: true,
  })
  @Field(() => JSONScalar)
  change!: unknown;
  @ApiProperty({ type: [AlertDeliveryModel] }) @Field(() => [AlertDeliveryModel]) deliveries!: AlertDeliveryModel[];
  @ApiProperty() @Field() createdAt!: string;
}

@ObjectType('MonitorAlertPage')
export class MonitorAlertPageModel {
  @ApiProperty({ type: [MonitorAlertModel] }) @Field(() => [MonitorAlertModel]) items!: MonitorAlertModel[];
  @ApiPropertyOptional() @Field({ nullable: true }) nextCursor?: string;
}

/** One event of the `monitorEvents` subscription. */
@ObjectType('MonitorEvent')
export class MonitorEventModel {
  @ApiProperty() @Field(() => ID) monitorId!: string;
  @ApiProperty({
    enum: ['run', 'result', 'alert', 'skipped'],
    description: 'skipped: a scheduled run submitted nothing because the daily quota is used (reason says so).',
  })
  @Field()
  type!: string;
  @ApiProperty() @Field() at!: string;
  @ApiPropertyOptional({ type: [MonitorRunCheckModel] })
  @Field(() => [MonitorRunCheckModel], { nullable: true })
  checks?: MonitorRunCheckModel[];
  @ApiPropertyOptional() @Field(() => ID, { nullable: true }) checkId?: string;
  @ApiPropertyOptional() @Field({ nullable: true }) kind?: string;
  @ApiPropertyOptional() @Field({ nullable: true }) verdict?: string;
  @ApiPropertyOptional() @Field(() => ID, { nullable: true }) alertId?: string;
  @ApiPropertyOptional({ enum: [...ALERT_TYPES] }) @Field({ nullable: true }) alertType?: string;
  @ApiPropertyOptional({ description: 'Why a run was skipped.' }) @Field({ nullable: true }) reason?: string;
}
