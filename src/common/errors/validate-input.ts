import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { DomainError, type FieldError } from './domain-error';

function flatten(errors: ValidationError[], prefix: string, out: FieldError[]): void {
  for (const e of errors) {
    const isIndex = /^\d+$/.test(e.property);
    const path = prefix ? (isIndex ? `${prefix}[${e.property}]` : `${prefix}.${e.property}`) : e.property;
    for (const msg of Object.values(e.constraints ?? {}))
      out.push({
        field: path,
        message: msg.replace(/^an unknown value was passed to the validate function$/, 'invalid value'),
      });
    if (e.children?.length) flatten(e.children, path, out);
  }
}

/** Deeper than any input class nests; deeper JSON overflows class-transformer's recursion. */
export const MAX_INPUT_DEPTH = 32;
/** Keys that class-transformer reads as object machinery (a plain `constructor` crashes it). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Walk untrusted JSON without recursion: bounded depth, no prototype keys. */
function shapeErrors(plain: object, prefix: string): FieldError[] {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: plain, path: prefix, depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH)
      return [{ field: path || '(body)', message: `is nested more than ${MAX_INPUT_DEPTH} levels deep` }];
    if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push({ v: x, path: `${path}[${i}]`, depth: depth + 1 }));
      continue;
    }
    for (const k of Object.keys(v)) {
      const p = path ? `${path}.${k}` : k;
      if (FORBIDDEN_KEYS.has(k)) return [{ field: p, message: 'is not an allowed key' }];
      stack.push({ v: (v as Record<string, unknown>)[k], path: p, depth: depth + 1 });
    }
  }
  return [];
}

/**
 * Turn untrusted JSON into a validated input instance. Unknown properties are refused
 * (forbidNonWhitelisted) so typos are reported rather than silently ignored.
 */
export async function validateInput<T extends object>(
  cls: new () => T,
  plain: unknown,
  prefix = '',
): Promise<{ value?: T; errors: FieldError[] }> {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    return { errors: [{ field: prefix || '(body)', message: 'must be a JSON object' }] };
  }
  const shape = shapeErrors(plain, prefix);
  if (shape.length) return { errors: shape };
  const instance = plainToInstance(cls, plain, { enableImplicitConversion: false, exposeDefaultValues: true });
  const errors = await validate(instance as object, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: false,
  });
  const out: FieldError[] = [];
  flatten(errors, prefix, out);
  return out.length ? { errors: out } : { value: instance, errors: [] };
}

export async function validateOrThrow<T extends object>(cls: new () => T, plain: unknown): Promise<T> {
  const { value, errors } = await validateInput(cls, plain);
  if (!value)
    throw new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  return value;
}
