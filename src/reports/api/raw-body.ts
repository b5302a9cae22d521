import type { Request } from 'express';
import { DomainError } from '../../common/errors/domain-error';

/**
 * Read a non-JSON request body (message/rfc822, text/plain) up to `max` bytes. The JSON parser of
 * the app only consumes JSON bodies, so other types arrive here as an unread stream. Over the
 * bound the request is refused with 413 without reading the rest.
 */
export async function readBoundedBody(req: Request, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max)
    throw new DomainError('PAYLOAD_TOO_LARGE', `The body has ${declared} bytes; at most ${max} are accepted.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      req.unpipe();
      req.resume();
      throw new DomainError('PAYLOAD_TOO_LARGE', `The body exceeds ${max} bytes.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Is the body JSON (already parsed by the app's JSON parser)? */
export function isJsonBody(req: Request): boolean {
  return Boolean(req.is('application/json') || req.is('application/*+json'));
}
