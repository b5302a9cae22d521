import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Input of the test-only kind `noop`; the same class validates REST bodies and GraphQL arguments. */
@InputType('NoopCheckInput')
export class NoopCheckInput {
  @ApiProperty({ example: 'anything', description: 'A label, stored as the target; the check does nothing with it.' })
  @Field()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  target!: string;
}
