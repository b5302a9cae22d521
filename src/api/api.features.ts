import type { Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Platform } from '../platform';

/**
 * Extension points of the HTTP application, one line per feature: controllers and GraphQL
 * resolvers (they may inject PLATFORM), and Express middleware installed before the routes
 * (rate limits, CORS). Keep transport code thin: call one service method per operation.
 */
export const FEATURE_CONTROLLERS: Type[] = [];
export const FEATURE_RESOLVERS: Type[] = [];
export type HttpInstaller = (app: NestExpressApplication, platform: Platform) => void;
/** Installed in order, after request id/metrics and body parsing, before any route. */
export const HTTP_INSTALLERS: HttpInstaller[] = [];
