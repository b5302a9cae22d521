// The three decorators from their own files (public paths of @nestjs/common, the same modules its
// index re-exports): the CLI loads a kind without the rest of @nestjs/common and rxjs (issue 14).
import { applyDecorators } from '@nestjs/common/decorators/core/apply-decorators.js';
import { Injectable } from '@nestjs/common/decorators/core/injectable.decorator.js';
import { SetMetadata } from '@nestjs/common/decorators/core/set-metadata.decorator.js';
import type { PortToken } from '../infra/ports.tokens';
import type { CheckKindDefinition, EngineContext, EngineOutcome } from './check-kind';

export const CHECK_KIND = 'smtp-doctor:check-kind';

export interface CheckKindMeta {
  definition: CheckKindDefinition;
  /** The ports the engine needs (tokens of src/infra/ports.tokens.ts); checked at boot. */
  ports: readonly PortToken[];
}

/**
 * A kind's provider may run the engine itself with injected services (health uses its flow);
 * otherwise the definition's `run` is used.
 */
export interface CheckKindProvider {
  run?(input: object, ctx: EngineContext): Promise<EngineOutcome>;
}

/**
 * Registers a check kind: the decorated class is a provider of the module that owns the kind, and
 * the KindRegistry discovers it at boot (DiscoveryService). The definition (name, queue, input
 * class, engine, CLI mapping) stays a plain object so the CLI and tests use it without Nest.
 *
 *   @CheckKind(mxKind, { ports: [DNS_RESOLVER] })
 *   export class MxKind {}
 */
export function CheckKind(
  definition: CheckKindDefinition,
  options: { ports?: readonly PortToken[] } = {},
): ClassDecorator {
  return applyDecorators(
    SetMetadata(CHECK_KIND, { definition, ports: options.ports ?? [] } satisfies CheckKindMeta),
    Injectable(),
  );
}

export function checkKindMeta(type: unknown): CheckKindMeta | undefined {
  return typeof type === 'function' ? (Reflect.getMetadata(CHECK_KIND, type) as CheckKindMeta | undefined) : undefined;
}
