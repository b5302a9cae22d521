import { registerDecorator, type ValidationOptions } from 'class-validator';
import { kindNames } from './registry';

/** The entries of `value` that are not registered check kinds (non-strings count as unknown). */
export function unknownKinds(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const known = new Set(kindNames());
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
        message: ({ value }) => `unknown kind(s) ${unknownKinds(value).join(', ')}; each must be one of ${kindNames().join(', ')}`,
        ...options,
      },
      validator: { validate: (value: unknown) => Array.isArray(value) && unknownKinds(value).length === 0 },
    });
  };
}
