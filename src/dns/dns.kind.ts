import type { CheckKindDefinition } from '../checks/check-kind';
import { CheckKind } from '../checks/check-kind.decorator';
import { DNS_RESOLVER, HTTPS_FETCHER } from '../infra/ports.tokens';
import type { HttpsFetcher } from '../infra/net/https-fetcher';
import type { ReportedSelectors } from '../infra/reported-selectors';
import { MX_FINDINGS } from '../mx/mx.findings';
import { auditDns, type DnsAuditResult } from './dns.engine';
import { DNS_FINDINGS } from './dns.findings';
import { DnsCheckInput } from './dns.input';

function list(v: string | boolean | string[] | undefined): string[] | undefined {
  if (v === undefined || typeof v === 'boolean') return undefined;
  return (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Kind `dns`: a full DNS and sender-authentication audit of a domain (issue 3). */
export const dnsKind: CheckKindDefinition<DnsCheckInput, DnsAuditResult> = {
  name: 'dns',
  description:
    'Audit MX, SPF, DMARC, DKIM, reverse DNS, blocklists, MTA-STS, TLS-RPT, DANE, DNSSEC and BIMI of a domain.',
  queue: 'dns',
  inputClass: DnsCheckInput,
  target: (input) => input.domain,
  findings: [...Object.values(DNS_FINDINGS), ...Object.values(MX_FINDINGS)],
  timeoutMs: () => 60_000,
  async run(input, ctx) {
    ctx.progress(5, 'dns audit');
    // The HTTPS_FETCHER port (MTA-STS policies): the probe's SSRF policy, on this check's resolver.
    const https = ctx.ports.httpsFetcher as HttpsFetcher | undefined;
    // Issue 18: selectors this tenant's DMARC reports showed for the domain are swept too.
    const reported = ctx.tenantId
      ? await (ctx.ports.reportedSelectors as ReportedSelectors | undefined)?.selectors(
          ctx.tenantId,
          input.domain.replace(/\.$/, '').toLowerCase(),
        )
      : undefined;
    const dkimSelectors = [...new Set([...(input.dkimSelectors ?? []), ...(reported ?? []).slice(0, 20)])];
    const out = await auditDns(
      { ...input, dkimSelectors },
      { dns: ctx.ports.dns, https },
      {
        dnsblZones: ctx.config.dnsblZones,
        dnsblDomainZones: ctx.config.dnsblDomainZones,
        maxInFlight: ctx.config.dnsAudit.maxInFlight,
        dmarcOrgDomainMode: ctx.config.dnsAudit.dmarcOrgDomainMode,
        dnssecExpiryWarnDays: ctx.config.dnsAudit.dnssecExpiryWarnDays,
        // The policy host's certificate shares the probe's threshold (CERT_EXPIRY_WARN_DAYS).
        certExpiryWarnDays: ctx.config.probe.certExpiryWarnDays,
      },
    );
    ctx.progress(100, 'done');
    return out;
  },
  cli: {
    usage: 'dns <domain> [--selector s1,s2] [--ip 203.0.113.5,...]',
    toInput: (target, flags) => ({
      domain: target,
      ...(list(flags.selector) ? { dkimSelectors: list(flags.selector) } : {}),
      ...(list(flags.ip) ? { sendingIps: list(flags.ip) } : {}),
    }),
    options: [
      { flags: '--selector <list>', description: 'DKIM selectors to check (comma-separated)' },
      { flags: '--ip <list>', description: 'sending IPs to evaluate against SPF, reverse DNS and blocklists' },
    ],
  },
};

/** Registered by DnsModule (queue `dns`). */
@CheckKind(dnsKind, { ports: [DNS_RESOLVER, HTTPS_FETCHER] })
export class DnsKind {}
