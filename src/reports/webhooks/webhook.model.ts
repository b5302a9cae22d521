import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JSONScalar } from '../../common/json.scalar';

@ObjectType('Webhook')
export class WebhookModel {
  @ApiProperty() @Field(() => ID) id!: string;
  @ApiProperty() @Field() url!: string;
  @ApiProperty({ type: [String] }) @Field(() => [String]) events!: string[];
  @ApiProperty({ enum: ['active', 'disabled'] }) @Field() status!: string;
  @ApiProperty({ description: 'Failed delivery attempts in a row; the webhook is disabled at WEBHOOK_DISABLE_AFTER.' })
  @Field(() => Int)
  consecutiveFailures!: number;
  @ApiProperty() @Field() createdAt!: string;
  @ApiPropertyOptional() @Field({ nullable: true }) disabledAt?: string;
  @ApiPropertyOptional() @Field({ nullable: true }) disabledReason?: string;
}

@ObjectType('CreatedWebhook')
export class CreatedWebhookModel extends WebhookModel {
  @ApiProperty({ description: 'The signing secret, shown once.' }) @Field() secret!: string;
  @ApiPropertyOptional({ description: 'Set when signing secrets will not survive a restart (no SECRET_KEY).' })
  @Field({ nullable: true })
  warning?: string;
}

@ObjectType('WebhookPage')
export class WebhookPageModel {
  @ApiProperty({ type: [WebhookModel] }) @Field(() => [WebhookModel]) items!: WebhookModel[];
}

@ObjectType('WebhookDelivery')
export class WebhookDeliveryModel {
  @ApiProperty() @Field(() => ID) id!: string;
  @ApiProperty({ enum: ['check.completed', 'batch.completed', 'health.changed', 'monitor.alert'] })
  @Field()
  event!: string;
  @ApiProperty() @Field(() => ID) eventId!: string;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed'] }) @Field() status!: string;
  @ApiProperty() @Field(() => Int) attempts!: number;
  @ApiPropertyOptional() @Field(() => Int, { nullable: true }) responseStatus?: number;
  @ApiPropertyOptional() @Field({ nullable: true }) error?: string;
  @ApiProperty({
    description: 'The JSON body that was (or will be) POSTed.',
    type: 'object',
    additionalProperties: true,
  })
  @Field(() => JSONScalar)
  payload!: unknown;
  @ApiProperty() @Field() createdAt!: string;
  @ApiProperty() @Field() updatedAt!: string;
}

@ObjectType('WebhookDeliveryPage')
export class WebhookDeliveryPageModel {
  @ApiProperty({ type: [WebhookDeliveryModel] }) @Field(() => [WebhookDeliveryModel]) items!: WebhookDeliveryModel[];
  @ApiPropertyOptional() @Field({ nullable: true }) nextCursor?: string;
}
