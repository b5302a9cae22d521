import { Field } from '@nestjs/graphql';
import { ApiExtraModels, getSchemaPath } from '@nestjs/swagger';
import type { CheckKindDefinition } from './check-kind';
import { ChecksController } from './checks.controller';
import { kindField, SubmitCheckInput } from './submit-check.input';
import { SUBMIT_SCHEMA } from './submit.schema';

const applied = new Set<string>();

/**
 * Derive the transport contracts from the registered kinds, once per kind and process: GraphQL's
 * SubmitCheckInput gets one optional field per kind holding that kind's input class, and the REST
 * body schema one `oneOf` branch (with the input class as an OpenAPI model). Adding a kind adds
 * both without touching the transports. Runs when the registry is built, before GraphQL compiles
 * its schema (onModuleInit) and before the OpenAPI document is made.
 */
export function applyKindContracts(kinds: readonly CheckKindDefinition[]): void {
  const fresh = kinds.filter((k) => !applied.has(k.name));
  if (!fresh.length) return;
  for (const k of fresh) {
    applied.add(k.name);
    Field(() => k.inputClass, { nullable: true, description: k.description })(
      SubmitCheckInput.prototype,
      kindField(k.name),
    );
    SUBMIT_SCHEMA.oneOf.push({
      title: `${k.name} check`,
      allOf: [
        {
          type: 'object',
          required: ['kind'],
          properties: { kind: { type: 'string', enum: [k.name], description: k.description } },
        },
        { $ref: getSchemaPath(k.inputClass) },
      ],
    });
  }
  ApiExtraModels(...fresh.map((k) => k.inputClass))(ChecksController);
}
