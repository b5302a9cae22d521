import { isIP } from 'node:net';
import { evaluateSpf } from '../../dns/spf.eval';
import type { Finding } from '../../common/finding';
import type { ChecksRepository } from '../../infra/database/checks.repository';
import type { ReportIntakeRepository } from '../../infra/database/report-intake.repository';
import type { DnsResolver } from '../../infra/dns/resolver.port';
import type { ReportedSelectors } from '../../infra/reported-selectors';
import {
  reportFindings,
  SPF_SOURCE_MIN_SHARE,
  summarizeSources,
  type DomainSources,
  type JoinEvidence,
} from './report-sources';
import type { AggregateReport, TlsRptReport } from './report.types';

/** How many sources are looked up (PTR) and evaluated (SPF) per request: bounded work. */
const MAX_LOOKUPS = 10;
const MAX_REPORTS = 2000;

function reverseName(ip: string): string | undefined {
  if (isIP(ip) === 4) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  if (isIP(ip) !== 6) return undefined;
  const parts = ip.split('::');
  const head = parts[0] ? parts[0].split(':') : [];
  const tail = parts[1] ? parts[1].split(':') : [];
  const groups = [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  return `${groups
    .map((g) => g.padStart(4, '0'))
    .join('')
    .split('')
    .reverse()
    .join('.')}.ip6.arpa`;
}

/**
 * Sources, reports and findings of one domain and period for one tenant: the stored reports
 * summarised (report-sources.ts), joined with the domain's SPF record evaluated now, the latest dns
 * audit's DKIM sweep and the latest probe of each reported MX. Also the REPORTED_SELECTORS source.
 */
export class ReportJoinService implements ReportedSelectors {
  constructor(
    private readonly repo: ReportIntakeRepository,
    private readonly checks: ChecksRepository,
    private readonly dns: DnsResolver,
  ) {}

  private async load(tenantId: string, domain: string, days: number) {
    const since = new Date(Date.now() - days * 86_400_000).toISOString();
    const rows = await this.repo.reports(tenantId, { domain, since, limit: MAX_REPORTS, withBody: true });
    const aggregates: AggregateReport[] = [];
    const tls: TlsRptReport[] = [];
    for (const r of rows) {
      if (r.kind === 'aggregate') aggregates.push(JSON.parse(r.body) as AggregateReport);
      else if (r.kind === 'tlsrpt') tls.push(JSON.parse(r.body) as TlsRptReport);
    }
    return { aggregates, tls, since };
  }

  async sources(
    tenantId: string,
    domainIn: string,
    days = 30,
  ): Promise<DomainSources & { since: string; findings: Finding[] }> {
    const domain = domainIn.replace(/\.$/, '').toLowerCase();
    const { aggregates, tls, since } = await this.load(tenantId, domain, days);
    const s = summarizeSources(domain, aggregates, tls);
    await Promise.all(
      s.sources.slice(0, MAX_LOOKUPS).map(async (src) => {
        const name = reverseName(src.ip);
        if (!name) return;
        const l = await this.dns.query(name, 'PTR');
        if (l.status === 'noerror' && l.answers[0]) src.ptr = l.answers[0].replace(/\.$/, '');
      }),
    );
    const ev: JoinEvidence = { spf: {}, probes: {} };
    const examined = s.sources
      .filter((x) => x.share >= SPF_SOURCE_MIN_SHARE && x.spfAlignedRate < 1)
      .slice(0, MAX_LOOKUPS);
    await Promise.all(
      examined.map(async (src) => {
        const r = await evaluateSpf(domain, { resolver: this.dns, ip: src.ip });
        ev.spf[src.ip] = { result: r.result };
      }),
    );
    const [audit] = await this.checks.list({ tenantId, kind: 'dns', target: domain, status: 'completed', limit: 1 });
    if (audit?.result) {
      const result = JSON.parse(audit.result) as { sections?: { dkim?: { selectors?: { selector: string }[] } } };
      ev.dnsAudit = {
        checkId: audit.id,
        selectorsTried: (result.sections?.dkim?.selectors ?? []).map((x) => x.selector),
      };
    }
    for (const mx of [...new Set(s.tlsFailures.map((t) => t.mx))].slice(0, MAX_LOOKUPS)) {
      const [probe] = await this.checks.list({ tenantId, kind: 'smtp', target: mx, status: 'completed', limit: 1 });
      if (probe)
        ev.probes[mx] = {
          checkId: probe.id,
          verdict: probe.verdict,
          codes: probe.findings ? (JSON.parse(probe.findings) as { code: string }[]).map((f) => f.code) : [],
        };
    }
    return { ...s, since, findings: reportFindings(s, ev) };
  }

  /** REPORTED_SELECTORS: selectors of the domain in this tenant's reports of the last 30 days. */
  async selectors(tenantId: string, domain: string): Promise<string[]> {
    const { aggregates } = await this.load(tenantId, domain, 30);
    return summarizeSources(domain, aggregates, [])
      .selectors.filter((x) => x.domain === domain)
      .map((x) => x.selector)
      .filter((x) => /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/.test(x));
  }
}
