import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { PinoNestLogger } from '../common/logger';
import type { Platform } from '../platform';
import { ApiModule } from './api.module';
import { ProblemFilter } from './problem.filter';
import { toProblem } from './problem';
import { HTTP_INSTALLERS } from './api.features';
import { securityHeaders } from './security-headers';
import { refuseBlockedUpgrades } from '../auth/auth-throttle.ws';

export function openApiDocument(app: NestExpressApplication): OpenAPIObject {
  const cfg = new DocumentBuilder()
    .setTitle('smtp-doctor')
    .setDescription('Diagnoses why email is not getting through. Errors are RFC 9457 application/problem+json.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key (sk_... or pk_...), or ADMIN_TOKEN for /v1/admin' })
    .build();
  return SwaggerModule.createDocument(app, cfg);
}

/** Build the HTTP application (REST + GraphQL + docs) on a platform; `listen` is the caller's. */
export async function createHttpApp(platform: Platform, opts: { schemaFile?: string } = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(platform, opts), {
    bodyParser: false,
    logger: new PinoNestLogger(platform.log),
    abortOnError: false,
  });
  app.set('trust proxy', platform.config.env.TRUST_PROXY === 'true');
  app.disable('x-powered-by');

  // Request id + metrics, before anything else.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const id = (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].slice(0, 100)) || randomUUID();
    res.setHeader('X-Request-Id', id);
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const route = (req.route?.path as string | undefined) ?? (req.path.startsWith('/graphql') ? '/graphql' : 'unmatched');
      const labels = { method: req.method, route: `${req.baseUrl ?? ''}${route}` };
      platform.metrics.httpRequests.inc({ ...labels, status: String(res.statusCode) });
      platform.metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
      if (res.statusCode >= 500) platform.log.warn({ requestId: id, method: req.method, url: req.originalUrl.split('?')[0], status: res.statusCode }, 'request failed');
    });
    next();
  });
  // Cache-Control: no-store on API answers (errors included, so before any installer answers), docs CSP.
  app.use(securityHeaders());
  // An address blocked for failed authentication cannot open a graphql-ws socket either.
  refuseBlockedUpgrades(app.getHttpServer() as Server, platform);
  app.useBodyParser('json', { limit: platform.config.bodyLimit, type: ['application/json', 'application/*+json'] });
  // body-parser errors happen before any Nest handler: answer them as problem+json here.
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    const p = toProblem(err, platform.log, req.originalUrl.split('?')[0]);
    res.status(p.status).type('application/problem+json').send(JSON.stringify(p));
  });
  for (const install of HTTP_INSTALLERS) install(app, platform);
  app.useGlobalFilters(new ProblemFilter(platform.log));

  const doc = openApiDocument(app);
  // BaseLayout: no top bar, whose logo is an SVG with an inline <style> the page CSP would refuse.
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'openapi.json', swaggerOptions: { layout: 'BaseLayout' } });
  return app;
}
