import type { Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Platform } from '../platform';
import { ExplainController } from '../reports/api/explain.controller';
import { LogsController } from '../reports/api/logs.controller';
import { ReportsResolver } from '../reports/api/reports.resolver';
import { ExportController } from '../reports/export/export.controller';
import { HistoryController } from '../reports/history/history.controller';
import { HistoryResolver } from '../reports/history/history.resolver';
import { WebhooksController } from '../reports/webhooks/webhooks.controller';
import { WebhooksResolver } from '../reports/webhooks/webhooks.resolver';
import { installRateLimit } from '../ratelimit/ratelimit.http';
import { BrowserAccessController } from '../embed/browser-access.controller';
import { installEmbed } from '../embed/embed.feature';

/**
 * Extension points of the HTTP application, one line per feature: controllers and GraphQL
 * resolvers (they may inject PLATFORM), and Express middleware installed before the routes
 * (rate limits, CORS). Keep transport code thin: call one service method per operation.
 */
export const FEATURE_CONTROLLERS: Type[] = [
  ExplainController, LogsController, HistoryController, ExportController, WebhooksController,
  BrowserAccessController,
];
export const FEATURE_RESOLVERS: Type[] = [
  ReportsResolver, HistoryResolver, WebhooksResolver,
];
export type HttpInstaller = (app: NestExpressApplication, platform: Platform) => void;
/** Installed in order, after request id/metrics and body parsing, before any route. */
export const HTTP_INSTALLERS: HttpInstaller[] = [installEmbed, installRateLimit];
