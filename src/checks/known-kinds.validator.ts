import { ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * The kind names of the application, as its KindRegistry found them at boot (publishKindNames).
 * Decorators and validators run outside the container, so the registry hands its names here
 * when it is built; with several applications in one process (tests), the last one built wins.
 */
const registered: string[] = [];
/** Properties documented with the registered kinds, re-documented when the kinds are published. */
const documented: { target: object; property: string | symbol; options: ApiPropertyOptions }[] = [];

function document(target: object, property: string | symbol, options: ApiPropertyOptions): void {
  // Re-applying keeps the property's place in the schema and replaces its metadata.
  ApiPropertyOptional({ ...options, enum: [...registered], isArray: true } as ApiPropertyOptions)(
    target,
    property as string,
  );
}

/** Called by KindRegistry once it has discovered the kinds (in their order). */
export function publishKindNames(names: readonly string[]): void {
  registered.splice(0, registered.length, ...names);
  for (const d of documented) document(d.target, d.property, d.options);
}

/** The registered kind names (empty before a registry is built). */
export function registeredKindNames(): string[] {
  return [...registered];
}

/**
 * OpenAPI: an optional array of kind names, its `enum` the registered kinds (filled in when the
 * registry publishes them, before the OpenAPI document is made).
 */
export function ApiKindsProperty(
  options: Omit<ApiPropertyOptions, 'enum' | 'isArray' | 'type'> = {},
): PropertyDecorator {
  return (target: object, property: string | symbol) => {
    documented.push({ target, property, options: options as ApiPropertyOptions });
    document(target, property, options as ApiPropertyOptions);
  };
}

/** The entries of `value` that are not registered check kinds (non-strings count as unknown). */
export function unknownKinds(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const known = new Set(registered);
  return value.filter((k) => typeof k !== 'string' || !known.has(k)).map((k) => String(k).slice(0, 40));
}

/**
 * A list of check kinds, each one of the registry's (`allowedKinds` of a tenant, wherever it is
 * set). One rule for every input that takes kinds, so the admin API cannot store a kind the
 * browser-access endpoint would refuse. The message names the unknown kinds and the known ones.
 */
export function IsKnownKinds(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isKnownKinds',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: ({ value }) =>
          `unknown kind(s) ${unknownKinds(value).join(', ')}; each must be one of ${registered.join(', ')}`,
        ...options,
      },
      validator: { validate: (value: unknown) => Array.isArray(value) && unknownKinds(value).length === 0 },
    });
  };
}
