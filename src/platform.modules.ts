import type { Platform } from './platform';
import { reportsPlatformModule } from './reports/api/reports.module';
import { rateLimitModule } from './ratelimit/ratelimit.module';

/**
 * Feature modules that hook into the platform at start (webhooks, domain history, rate limits...).
 * Each gets the built platform before workers start, may register lifecycle hooks and may add its
 * service to `platform.features`. One line per module.
 */
export type PlatformModule = (platform: Platform) => Promise<void> | void;

export const PLATFORM_MODULES: PlatformModule[] = [rateLimitModule, reportsPlatformModule];
