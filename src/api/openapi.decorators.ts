import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiSchema,
  ApiSecurity,
  DocumentBuilder,
  getSchemaPath,
  type OpenAPIObject,
} from '@nestjs/swagger';
import { ERROR_STATUS, ERROR_TITLE, type ErrorCode } from '../common/errors/domain-error';
import { PROBLEM_BASE } from './problem';

/**
 * The OpenAPI conventions of every controller, in one place:
 * - `@ApiKeyAuth()` / `@AdminAuth()` / `@ApiPublic()`: the operation's security (a bearer API key,
 *   the ADMIN_TOKEN, or none) plus the problems authentication itself can answer;
 * - `@ApiProblems(400, 404, ...)`: the error statuses an operation can answer, each with the one
 *   shared `Problem` schema (RFC 9457 + `code`, `errors[]`), as `toProblem` (problem.ts) builds it;
 * - `API_TAGS`: every tag a controller uses must be declared here with its description (Redocly's
 *   `operation-tag-defined` fails `npm test` otherwise).
 * Decorators go on the class (apply to every route) or on a method; both merge.
 */

/** Declared tags, in the order the docs show them. A new controller's tag goes here. */
export const API_TAGS: readonly { name: string; description: string }[] = [
  {
    name: 'checks',
    description: 'Submit a diagnostic check (mx, dns, smtp, content, health...) and read its verdict.',
  },
  { name: 'batches', description: 'Submit many checks at once and follow their progress.' },
  { name: 'findings', description: 'The catalog of stable finding codes.' },
  {
    name: 'reports',
    description: 'Explain SMTP replies, analyse bounces and MTA logs, export checks, domain health history.',
  },
  { name: 'webhooks', description: 'Signed notifications when checks, batches or domain health change.' },
  {
    name: 'monitors',
    description: 'Run checks on a schedule and alert (webhook, e-mail, chat) when a verdict or finding changes.',
  },
  { name: 'admin', description: 'Tenants, API keys and browser access. Needs the ADMIN_TOKEN, not an API key.' },
  { name: 'operations', description: 'Liveness, readiness and Prometheus metrics for orchestrators. No credentials.' },
];

/** Security scheme names (components.securitySchemes). */
export const API_KEY_SCHEME = 'apiKey';
export const ADMIN_TOKEN_SCHEME = 'adminToken';

const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

@ApiSchema({ name: 'ProblemFieldError' })
class ProblemFieldErrorModel {
  @ApiProperty({ description: 'JSON path of the field.', example: 'checks[3].domain' })
  field!: string;
  @ApiProperty({ example: 'domain must be a valid domain name' })
  message!: string;
}

/** The body of every error answer (problem.ts `Problem`), `application/problem+json`. */
@ApiSchema({
  name: 'Problem',
  description:
    'RFC 9457 problem details. `type` is a stable URI per `code`; clients should branch on `code`. Members not listed here may be added.',
})
export class ProblemModel {
  @ApiProperty({ format: 'uri', example: `${PROBLEM_BASE}validation-failed` })
  type!: string;
  @ApiProperty({ example: ERROR_TITLE.VALIDATION_FAILED })
  title!: string;
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 400 })
  status!: number;
  @ApiProperty({ example: 'domain: domain must be a valid domain name' })
  detail!: string;
  @ApiProperty({ enum: ERROR_CODES, enumName: 'ErrorCode', example: 'VALIDATION_FAILED' })
  code!: ErrorCode;
  @ApiPropertyOptional({ description: 'The request path.', example: '/v1/checks' })
  instance?: string;
  @ApiPropertyOptional({ type: [ProblemFieldErrorModel], description: 'One entry per invalid field.' })
  errors?: ProblemFieldErrorModel[];
  @ApiPropertyOptional({ type: 'integer', description: 'Seconds to wait before retrying (also Retry-After).' })
  retryAfter?: number;
  @ApiPropertyOptional({
    description: 'Which limit refused the request (RATE_LIMITED, QUOTA_EXCEEDED).',
    example: 'auth',
  })
  scope?: string;
  @ApiPropertyOptional({
    type: 'integer',
    isArray: true,
    description: 'POST /v1/batches: indexes of the invalid checks.',
  })
  invalidIndexes?: number[];
  @ApiPropertyOptional({
    description: 'REPORT_REJECTED: why the report was refused (xml_dtd_forbidden, decompressed_too_large, ...).',
    example: 'xml_dtd_forbidden',
  })
  reason?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'INTERNAL: the id logged with the error; quote it.' })
  errorId?: string;
}

export type ProblemStatus = 400 | 401 | 403 | 404 | 413 | 422 | 429 | 500 | 503;

const STATUS_TEXT: Record<ProblemStatus, string> = {
  400: 'Bad request',
  401: 'Missing or invalid credentials',
  403: 'Not allowed',
  404: 'Not found',
  413: 'Body too large',
  422: 'Input refused: too expensive to analyse, or not a valid report',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service temporarily unavailable',
};

/** "Bad request: VALIDATION_FAILED, MALFORMED_JSON, ..." from the codes the domain maps to that status. */
function describe(status: ProblemStatus): string {
  const codes = ERROR_CODES.filter((c) => ERROR_STATUS[c] === status);
  return `${STATUS_TEXT[status]} (problem+json; code ${codes.map((c) => `\`${c}\``).join(', ')})`;
}

/** The error answers of an operation (or of every operation of a controller), with the shared Problem body. */
export function ApiProblems(...statuses: ProblemStatus[]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemModel),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: describe(status),
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemModel) } } },
        ...(status === 429 || status === 503
          ? {
              headers: {
                'Retry-After': {
                  description: 'Seconds to wait (when the problem has `retryAfter`).',
                  schema: { type: 'integer' },
                },
              },
            }
          : {}),
      }),
    ),
  );
}

/**
 * A bearer API key (`sk_...` secret or `pk_...` publishable): 401 without a valid one, 403 for a
 * browser origin or key type that may not call it, 429 (rate limit, failed-auth throttle), 503
 * (stored keys live in the database).
 */
export const ApiKeyAuth = () => applyDecorators(ApiSecurity(API_KEY_SCHEME), ApiProblems(401, 403, 429, 503));

/** The ADMIN_TOKEN as bearer: 401 when wrong, 403 when the admin API is disabled (no ADMIN_TOKEN). */
export const AdminAuth = () => applyDecorators(ApiSecurity(ADMIN_TOKEN_SCHEME), ApiProblems(401, 403, 429));

/**
 * No credentials. Nest has no way to write `security: []`, so this writes an empty requirement
 * (`[{}]`, "anonymous") that `openApiDocument` normalises to `[]`.
 */
export const ApiPublic = () => ApiSecurity({});

/** The document's header: servers, declared tags, the two bearer schemes (neither is a JWT). */
export function openApiConfig(): Omit<OpenAPIObject, 'paths'> {
  const b = new DocumentBuilder()
    .setTitle('smtp-doctor')
    .setDescription(
      'Diagnoses why email is not getting through. Every error is RFC 9457 `application/problem+json` (schema `Problem`); branch on its `code`.',
    )
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    .addServer('/', 'The instance that serves this document (a local `npm start` listens on http://localhost:3000)')
    .addSecurity(API_KEY_SCHEME, {
      type: 'http',
      scheme: 'bearer',
      description:
        'An API key: `sk_...` (secret) or `pk_...` (publishable, browser), created with POST /v1/admin/tenants/{id}/keys, from API_KEYS, or printed at first start.',
    })
    .addSecurity(ADMIN_TOKEN_SCHEME, {
      type: 'http',
      scheme: 'bearer',
      description: 'The ADMIN_TOKEN of the deployment (the admin API is disabled without it).',
    });
  for (const t of API_TAGS) b.addTag(t.name, t.description);
  return b.build();
}

/**
 * After SwaggerModule.createDocument: turn `@ApiPublic()`'s `[{}]` into `security: []`, and refuse
 * an operation that declares no security at all (a forgotten decorator would otherwise read as
 * "inherits nothing" and hide whether the route needs a key).
 */
export function finishOpenApiDocument(doc: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const) {
      const op = item[method];
      if (!op) continue;
      if (!op.security)
        throw new Error(
          `${method.toUpperCase()} ${path} declares no security: add @ApiKeyAuth(), @AdminAuth() or @ApiPublic()`,
        );
      if (op.security.length === 1 && Object.keys(op.security[0]).length === 0) op.security = [];
    }
  }
  return doc;
}
