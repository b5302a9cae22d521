import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { DomainError, type FieldError } from './domain-error';

function flatten(errors: ValidationError[], prefix: string, out: FieldError[]): void {
  for (const e of errors) {
    const isIndex = /^\d+$/.test(e.property);
    const path = prefix ? (isIndex ? `${prefix}[${e.property}]` : `${prefix}.${e.property}`) : e.property;
    for (const msg of Object.values(e.constraints ?? {})) out.push({ field: path, message: msg.replace(/^an unknown value was passed to the validate function$/, 'invalid value') });
    if (e.children?.length) flatten(e.children, path, out);
  }
}

/**
 * Turn untrusted JSON into a validated input instance. Unknown properties are refused
 * (forbidNonWhitelisted) so typos are reported rather than silently ignored.
 */
export async function validateInput<T extends object>(cls: new () => T, plain: unknown, prefix = ''): Promise<{ value?: T; errors: FieldError[] }> {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    return { errors: [{ field: prefix || '(body)', message: 'must be a JSON object' }] };
  }
  const instance = plainToInstance(cls, plain, { enableImplicitConversion: false, exposeDefaultValues: true });
  const errors = await validate(instance as object, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, stopAtFirstError: false });
  const out: FieldError[] = [];
  flatten(errors, prefix, out);
  return out.length ? { errors: out } : { value: instance, errors: [] };
}

export async function validateOrThrow<T extends object>(cls: new () => T, plain: unknown): Promise<T> {
  const { value, errors } = await validateInput(cls, plain);
  if (!value) throw new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  return value;
}
