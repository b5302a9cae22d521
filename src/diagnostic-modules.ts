import { ContentSpamCheckModule } from './content-spam-check/content.module';
import { DnsModule } from './dns/dns.module';
import { ProbeModule } from './probe/probe.module';
import { ReportsModule } from './reports/reports.module';

/**
 * The diagnostic modules: each owns its check kinds, its queue and its settings (DnsModule: mx and
 * dns on `dns`; ProbeModule: smtp on `probe`; ContentSpamCheckModule: content on `content`;
 * ReportsModule: health on `reports`, plus explain, bounces, logs, history, exports, webhooks).
 * Both roles import them; the CLI reads their kinds without a container (kind-catalog.ts).
 * The order is the order of the kinds (CLI commands, error messages, OpenAPI oneOf).
 */
export const DIAGNOSTIC_MODULES = [DnsModule, ProbeModule, ContentSpamCheckModule, ReportsModule];
