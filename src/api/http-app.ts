import { randomUUID } from 'node:crypto';
import type { DynamicModule } from '@nestjs/common';
import { DiscoveryService, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { PinoNestLogger } from '../common/logger';
import { Metrics } from '../common/metrics';
import { APP_CONFIG, LOGGER } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { httpMiddlewares } from './http-middleware';
import { finishOpenApiDocument, openApiConfig } from './openapi.decorators';
import { ProblemFilter } from './problem.filter';
import { toProblem } from './problem';
import { securityHeaders } from './security-headers';

export function openApiDocument(app: NestExpressApplication): OpenAPIObject {
  return finishOpenApiDocument(SwaggerModule.createDocument(app, openApiConfig()));
}

/**
 * Build the HTTP application (REST + GraphQL + docs) from a root module (AppModule.forRoot);
 * `listen` is the caller's. Express middleware runs in this order before any route: request id
 * and metrics, security headers, the JSON body parser (and its errors as problem+json), then the
 * @HttpMiddleware installers of the feature modules (the failed-auth upgrade gate, CORS, static
 * files and the embed upgrade gate). Rate limits are not middleware: RateLimitInterceptor (REST)
 * and the Apollo plugin (GraphQL), src/ratelimit.
 */
export async function createHttpApp(root: DynamicModule, log: Logger): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(root, {
    bodyParser: false,
    logger: new PinoNestLogger(log),
    abortOnError: false,
  });
  const config = app.get<AppConfig>(APP_CONFIG);
  const appLog = app.get<Logger>(LOGGER);
  const metrics = app.get(Metrics);
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');

  // Request id + metrics, before anything else.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const id =
      (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].slice(0, 100)) || randomUUID();
    res.setHeader('X-Request-Id', id);
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const route =
        (req.route as { path?: string } | undefined)?.path ??
        (req.path.startsWith('/graphql') ? '/graphql' : 'unmatched');
      const labels = { method: req.method, route: `${req.baseUrl ?? ''}${route}` };
      metrics.httpRequests.inc({ ...labels, status: String(res.statusCode) });
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
      if (res.statusCode >= 500)
        appLog.warn(
          { requestId: id, method: req.method, url: req.originalUrl.split('?')[0], status: res.statusCode },
          'request failed',
        );
    });
    next();
  });
  // Cache-Control: no-store on API answers (errors included, so before any installer answers), docs CSP.
  app.use(securityHeaders());
  app.useBodyParser('json', { limit: config.bodyLimit, type: ['application/json', 'application/*+json'] });
  // body-parser errors happen before any Nest handler: answer them as problem+json here.
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    const p = toProblem(err, appLog, req.originalUrl.split('?')[0]);
    res.status(p.status).type('application/problem+json').send(JSON.stringify(p));
  });
  for (const m of httpMiddlewares(app.get(DiscoveryService))) m.install(app);
  app.useGlobalFilters(new ProblemFilter(appLog));

  const doc = openApiDocument(app);
  // BaseLayout: no top bar, whose logo is an SVG with an inline <style> the page CSP would refuse.
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'openapi.json', swaggerOptions: { layout: 'BaseLayout' } });
  return app;
}
