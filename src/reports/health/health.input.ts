import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { IsDomainName } from '../../common/validation';

/** Input of kind `health`; the same class validates REST bodies and GraphQL arguments. */
@InputType('HealthCheckInput')
export class HealthCheckInput {
  @ApiProperty({
    example: 'example.com',
    description: 'Domain to grade: DNS audit plus an SMTP probe of each MX on port 25.',
  })
  @Field()
  @IsDomainName()
  domain!: string;
}
