import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  DomainError,
  ERROR_STATUS,
  ERROR_TITLE,
  isDependencyDown,
  type ErrorCode,
} from '../common/errors/domain-error';

/** RFC 9457 problem details. `type` is a stable URI per error code; `code` repeats it for clients. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: { field: string; message: string }[];
  [extra: string]: unknown;
}

export const PROBLEM_BASE = 'https://smtp-doctor.dev/problems/';

export function problemFor(code: ErrorCode, detail: string, extra: Partial<Problem> = {}): Problem {
  return {
    type: `${PROBLEM_BASE}${code.toLowerCase().replace(/_/g, '-')}`,
    title: ERROR_TITLE[code],
    status: ERROR_STATUS[code],
    detail,
    code,
    ...extra,
  };
}

const HTTP_CODE: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * Map anything thrown to a problem document. Unknown errors are 500 with an error id that is
 * logged with the stack; the client sees only the id.
 */
export function toProblem(e: unknown, log: Logger, instance?: string): Problem {
  if (e instanceof DomainError) {
    return problemFor(e.code, e.message, {
      ...(instance ? { instance } : {}),
      ...(e.errors ? { errors: e.errors } : {}),
      ...(e.extra ?? {}),
    });
  }
  const err = e as {
    type?: string;
    status?: number;
    statusCode?: number;
    message?: string;
    getStatus?: () => number;
    getResponse?: () => unknown;
  };
  // body-parser errors (before any handler ran)
  if (err?.type === 'entity.parse.failed')
    return problemFor(
      'MALFORMED_JSON',
      `The body is not valid JSON: ${String(err.message).slice(0, 200)}`,
      instance ? { instance } : {},
    );
  if (err?.type === 'entity.too.large')
    return problemFor(
      'PAYLOAD_TOO_LARGE',
      'The request body exceeds the configured limit (BODY_LIMIT).',
      instance ? { instance } : {},
    );
  if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported')
    return problemFor('VALIDATION_FAILED', String(err.message), instance ? { instance } : {});
  // Nest HttpExceptions (unknown route, method not allowed...)
  if (typeof err?.getStatus === 'function') {
    const status = err.getStatus();
    const code = HTTP_CODE[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED');
    const p = problemFor(code, String(err.message ?? ''), instance ? { instance } : {});
    return { ...p, status, title: status === 404 ? 'Not found' : p.title };
  }
  const status = err?.status ?? err?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      ...problemFor(HTTP_CODE[status] ?? 'VALIDATION_FAILED', String(err.message ?? 'Bad request')),
      status,
      ...(instance ? { instance } : {}),
    };
  }
  if (isDependencyDown(e))
    return problemFor(
      'SERVICE_UNAVAILABLE',
      'A dependency (Redis or the database) is unreachable. Retry shortly.',
      instance ? { instance } : {},
    );
  const errorId = randomUUID();
  log.error({ errorId, err: e instanceof Error ? { message: e.message, stack: e.stack } : e }, 'unhandled error');
  return problemFor('INTERNAL', `Unexpected error; quote error id ${errorId} when reporting it.`, {
    errorId,
    ...(instance ? { instance } : {}),
  });
}
