import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/**
 * Response headers the framework does not set for us (helmet would set a generic CSP that breaks
 * Swagger UI; the only page-specific part is the list of inline-block hashes below, so it is
 * written here instead of adding a dependency):
 *
 * - API responses (`/v1/...`, `/graphql`), errors included, carry `Cache-Control: no-store`
 *   (RFC 9111 §5.2.2.5): they are per-key data, and some show a secret exactly once (a new API key,
 *   a webhook signing secret), which no browser or proxy cache may keep. Static files (`/`,
 *   `/widget.js`) keep their own caching (src/embed/static.installer.ts).
 * - The API docs (`/docs`, its assets, `/openapi.json`) get the console's protections: `nosniff`,
 *   `frame-ancestors 'none'` (and `X-Frame-Options: DENY` for older browsers) so no other site can
 *   frame them, no referrer, and for the HTML page a CSP that allows only its own files. Swagger UI
 *   loads its scripts from files but has two inline `<style>` blocks and one inline `style`
 *   attribute: they are allowed by hash ('unsafe-hashes' for the attribute, CSP Level 3),
 *   computed from the exact page sent, so an upgrade of @nestjs/swagger cannot drift from the policy.
 */
export function securityHeaders() {
  const pageCsp = new Map<string, string>();
  const cspFor = (html: string): string => {
    let csp = pageCsp.get(html);
    if (!csp) {
      csp = docsPageCsp(html);
      if (pageCsp.size < 8) pageCsp.set(html, csp);
    }
    return csp;
  };

  return (req: Request, res: Response, next: NextFunction) => {
    const path = req.path;
    if (path.startsWith('/v1/') || path === '/graphql') {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('X-Content-Type-Options', 'nosniff');
    } else if (path === '/docs' || path.startsWith('/docs/') || path === '/openapi.json') {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('X-Frame-Options', 'DENY');
      res.setHeader('Referrer-Policy', 'no-referrer');
      // Assets and JSON: nothing may run or be framed; the HTML page gets its own policy at send.
      res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
      const send = res.send.bind(res);
      res.send = ((body?: unknown) => {
        if (typeof body === 'string' && /^text\/html\b/.test(String(res.getHeader('Content-Type') ?? '')))
          res.setHeader('Content-Security-Policy', cspFor(body));
        return send(body);
      }) as Response['send'];
    }
    next();
  };
}

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/** CSP of a docs HTML page: its own files, plus its inline blocks by hash (CSP3 §8.4 hash source). */
export function docsPageCsp(html: string): string {
  const styles = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => sha256(m[1]!));
  const styleAttrs = [...html.matchAll(/\sstyle\s*=\s*"([^"]*)"/gi)].map((m) => sha256(m[1]!));
  const scripts = [...html.matchAll(/<script(?![^>]*\ssrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => sha256(m[1]!));
  const uniq = (xs: string[]) => [...new Set(xs)].join(' ');
  const styleSrc = ["'self'", uniq(styles), styleAttrs.length ? `'unsafe-hashes' ${uniq(styleAttrs)}` : '']
    .filter(Boolean)
    .join(' ');
  const scriptSrc = ["'self'", uniq(scripts)].filter(Boolean).join(' ');
  return [
    "default-src 'none'",
    `script-src ${scriptSrc}`,
    `style-src ${styleSrc}`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
