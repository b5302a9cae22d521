import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { DomainError } from '../common/errors/domain-error';
import { toProblem } from './problem';

/**
 * GraphQL: coded errors in `extensions.code` (the same codes as REST's problem `code`), field
 * problems in `extensions.errors`; unexpected errors are logged and reduced to an error id.
 */
export function formatGraphQLError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? error.originalError : error;
    // Errors from GraphQL itself (parse, validation, unknown field, bad variable types).
    if (!original || (original instanceof GraphQLError && !original.originalError)) {
      const code = (formatted.extensions?.code as string | undefined) ?? 'GRAPHQL_VALIDATION_FAILED';
      return {
        message: formatted.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code, status: 400 },
      };
    }
    const p = toProblem(
      original instanceof GraphQLError && original.originalError ? original.originalError : original,
      log,
    );
    return {
      message: p.detail,
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code: original instanceof DomainError ? original.code : p.code,
        status: p.status,
        ...(p.errors ? { errors: p.errors } : {}),
        ...(p.errorId ? { errorId: p.errorId } : {}),
        ...(p.invalidIndexes ? { invalidIndexes: p.invalidIndexes } : {}),
        ...(typeof p.retryAfter === 'number' ? { retryAfter: p.retryAfter } : {}),
      },
    };
  };
}
