import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { IsDomainName } from '../common/validation';

/** Input of kind `mx`; the same class validates REST bodies and GraphQL arguments. */
@InputType('MxCheckInput')
export class MxCheckInput {
  @ApiProperty({ example: 'example.com', description: 'Domain whose MX records are checked (IDN allowed).' })
  @Field()
  @IsDomainName()
  domain!: string;
}
