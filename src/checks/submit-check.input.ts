import { Field, InputType } from '@nestjs/graphql';
import { DomainError } from '../common/errors/domain-error';

/** GraphQL field name for a kind's input: `mx`, `dns`, `smtp`, `content`, ... (camelCase). */
export function kindField(name: string): string {
  return name.replace(/[-_](\w)/g, (_, c: string) => c.toUpperCase());
}

/**
 * GraphQL has no `{ kind, ...input }` spread, so SubmitCheckInput carries `kind` plus one optional
 * field per kind holding that kind's own input class (the same class REST validates with). The
 * registry adds those fields at boot (kind-contracts.ts), so adding a kind adds its field here
 * without touching this file.
 */
@InputType('SubmitCheckInput')
export class SubmitCheckInput {
  @Field({ description: 'The check kind; fill the field of the same name.' })
  kind!: string;
  [k: string]: unknown;
}

@InputType('SubmitBatchInput')
export class SubmitBatchInput {
  @Field(() => [SubmitCheckInput])
  checks!: SubmitCheckInput[];
}

/** GraphQL shape -> the REST shape `{ kind, ...input }` the service validates. */
export function toRestBody(input: SubmitCheckInput, prefix = 'input'): Record<string, unknown> {
  const field = kindField(String(input.kind ?? ''));
  const others = Object.keys(input).filter((k) => k !== 'kind' && k !== field && input[k] != null);
  if (others.length) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `${prefix}.${others[0]}: does not match kind "${input.kind}"`,
      others.map((o) => ({ field: `${prefix}.${o}`, message: `is set but kind is "${input.kind}"` })),
    );
  }
  const nested = (input as Record<string, unknown>)[field];
  return { kind: input.kind, ...(nested && typeof nested === 'object' ? nested : {}) };
}
