import { applyDecorators, createParamDecorator, type ExecutionContext, type Type } from '@nestjs/common';
import { ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { Request } from 'express';

/** The paging of a list request (`?limit=&cursor=`), as the services' cursor pagination takes it. */
export interface PageQuery {
  limit?: number;
  cursor?: string;
}

/**
 * `@PageParams()`: `?limit=` and `?cursor=` of a list request, parsed as every list did by hand before.
 * An absent or empty limit is left undefined and anything but one string (`?limit=1&limit=2` is an
 * array to Express) is NaN: the services clamp the limit and fall back to their default for both.
 * A cursor that is not one string is ignored.
 */
export const PageParams = createParamDecorator((_: unknown, ctx: ExecutionContext): PageQuery => {
  const { limit, cursor } = ctx.switchToHttp().getRequest<Request>().query;
  return {
    limit: limit === undefined || limit === '' ? undefined : typeof limit === 'string' ? Number(limit) : NaN,
    cursor: typeof cursor === 'string' ? cursor : undefined,
  };
});

/** `@ApiCursorPage(Model)`: documents `limit` and `cursor` and the 200 page of a cursor-paged list. */
export function ApiCursorPage(page: Type<unknown>): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'limit', required: false, type: Number }),
    ApiQuery({ name: 'cursor', required: false, type: String }),
    ApiResponse({ status: 200, type: page }),
  );
}
