/**
 * Coded domain errors. Domain and worker code throw these (never HTTP exceptions); each transport
 * translates them: REST to RFC 9457 problem+json, GraphQL to `extensions.code`.
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'MALFORMED_JSON'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNKNOWN_KIND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'QUOTA_EXCEEDED'
  | 'SERVICE_UNAVAILABLE'
  | 'TARGET_NOT_ALLOWED'
  | 'ANALYSIS_TOO_EXPENSIVE'
  | 'ANALYSIS_BUSY'
  | 'REPORT_REJECTED'
  | 'INTERNAL';

export const ERROR_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNKNOWN_KIND: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  QUOTA_EXCEEDED: 429,
  SERVICE_UNAVAILABLE: 503,
  TARGET_NOT_ALLOWED: 400,
  ANALYSIS_TOO_EXPENSIVE: 422,
  ANALYSIS_BUSY: 503,
  REPORT_REJECTED: 422,
  INTERNAL: 500,
};

export const ERROR_TITLE: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'Your request has invalid fields',
  MALFORMED_JSON: 'The request body is not valid JSON',
  PAYLOAD_TOO_LARGE: 'The request body is too large',
  UNKNOWN_KIND: 'Unknown check kind',
  UNAUTHENTICATED: 'Missing or invalid credentials',
  FORBIDDEN: 'Not allowed',
  NOT_FOUND: 'Not found',
  RATE_LIMITED: 'Too many requests',
  QUOTA_EXCEEDED: 'Quota exceeded',
  SERVICE_UNAVAILABLE: 'Service temporarily unavailable',
  TARGET_NOT_ALLOWED: 'Target not allowed',
  ANALYSIS_TOO_EXPENSIVE: 'The input is too expensive to analyse',
  ANALYSIS_BUSY: 'The analysis threads are busy',
  REPORT_REJECTED: 'The report was refused',
  INTERNAL: 'Internal error',
};

export interface FieldError {
  /** JSON path of the field, e.g. "domain" or "checks[3].domain". */
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly errors?: FieldError[],
    /** Extra members for the problem document (e.g. retryAfter seconds, invalid batch indexes). */
    public readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string) => new DomainError('NOT_FOUND', `${what} ${id} does not exist`);
export const unavailable = (detail: string) => new DomainError('SERVICE_UNAVAILABLE', detail);

/** Errors of drivers that mean "a dependency is down", mapped to 503 rather than 500. */
export function isDependencyDown(e: unknown): boolean {
  const err = e as { code?: string; message?: string; name?: string } | null;
  if (!err) return false;
  const codes = [
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE',
    'ENOTFOUND',
    '57P01',
    '57P02',
    '57P03',
    '08006',
    '08001',
    '08003',
    'SQLITE_BUSY',
  ];
  if (err.code && codes.includes(err.code)) return true;
  const m = err.message ?? '';
  return /Connection is closed|Stream isn't writeable|enableOfflineQueue|connect ECONNREFUSED|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)|terminating connection/i.test(
    m,
  );
}
