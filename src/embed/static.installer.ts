import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

interface Asset {
  path: string;
  file: string;
  type: string;
  cors: boolean;
  csp?: string;
}

/**
 * The console (`/`) and the widget (`/widget.js`) as static files from web/. Read and gzipped
 * once at start; served with an ETag. The widget is loaded by other sites as a module script,
 * which browsers fetch in CORS mode, so it alone carries `Access-Control-Allow-Origin: *`: it is a
 * public file and never sent with credentials, unlike the API.
 */
export const ASSETS: Asset[] = [
  { path: '/widget.js', file: 'widget.js', type: 'text/javascript; charset=utf-8', cors: true },
  {
    path: '/',
    file: 'console/index.html',
    type: 'text/html; charset=utf-8',
    cors: false,
    // 'self' covers same-origin ws:/wss: in CSP Level 3; the widget styles itself with constructable sheets.
    csp: "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  },
  { path: '/console.js', file: 'console/console.js', type: 'text/javascript; charset=utf-8', cors: false },
  { path: '/console.css', file: 'console/console.css', type: 'text/css; charset=utf-8', cors: false },
];

export function staticMiddleware(webDir: string, log: Logger) {
  const served = new Map<string, Asset & { body: Buffer; gz: Buffer; etag: string }>();
  for (const a of ASSETS) {
    try {
      const body = readFileSync(join(webDir, a.file));
      const gz = gzipSync(body, { level: 9 });
      served.set(a.path, {
        ...a,
        body,
        gz,
        etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`,
      });
    } catch (e) {
      log.warn({ file: join(webDir, a.file), err: (e as Error).message }, 'embed: web asset missing; set WEB_DIR');
    }
  }
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const a = served.get(req.path);
    if (!a) return next();
    res.setHeader('Content-Type', a.type);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('ETag', a.etag);
    res.vary('Accept-Encoding');
    if (a.cors) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    }
    if (a.csp) {
      res.setHeader('Content-Security-Policy', a.csp);
      res.setHeader('Referrer-Policy', 'no-referrer');
    }
    if (req.headers['if-none-match'] === a.etag) return void res.status(304).end();
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (gzip) res.setHeader('Content-Encoding', 'gzip');
    res.status(200).send(gzip ? a.gz : a.body);
  };
}
