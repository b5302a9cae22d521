import type { CheckKindDefinition } from '../checks/check-kind';
import type { HttpsFetcher } from '../infra/net/https-fetcher';
import { createHttpsFetcher } from '../infra/net/https-fetcher';
import { MX_FINDINGS } from '../mx/mx.findings';
import { auditDns, type DnsAuditResult } from './dns.engine';
import { DNS_FINDINGS } from './dns.findings';
import { DnsCheckInput } from './dns.input';

function list(v: string | boolean | string[] | undefined): string[] | undefined {
  if (v === undefined || typeof v === 'boolean') return undefined;
  return (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

/** DNS_AUDIT_MAX_INFLIGHT (default 16, 1..256): queries of one audit in flight at once. */
function inFlight(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 16;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new Error(`DNS_AUDIT_MAX_INFLIGHT: "${raw}" must be an integer between 1 and 256`);
  return n;
}

/** Kind `dns`: a full DNS and sender-authentication audit of a domain (issue 3). */
export const dnsKind: CheckKindDefinition<DnsCheckInput, DnsAuditResult> = {
  name: 'dns',
  description: 'Audit MX, SPF, DMARC, DKIM, reverse DNS, blocklists, MTA-STS, TLS-RPT, DANE, DNSSEC and BIMI of a domain.',
  queue: 'dns',
  inputClass: DnsCheckInput,
  target: (input) => input.domain,
  findings: [...Object.values(DNS_FINDINGS), ...Object.values(MX_FINDINGS)],
  timeoutMs: () => 60_000,
  async run(input, ctx) {
    ctx.progress(5, 'dns audit');
    // A module port for the HTTPS fetch may be injected (ports.httpsFetcher); otherwise one is built
    // on the same resolver and SSRF policy as the probe.
    const https = (ctx.ports.httpsFetcher as HttpsFetcher | undefined)
      ?? createHttpsFetcher({ resolver: ctx.ports.dns, allowedCidrs: ctx.config.probeAllowedCidrs, env: ctx.config.env });
    const out = await auditDns(input, { dns: ctx.ports.dns, https }, {
      dnsblZones: ctx.config.dnsblZones,
      dnsblDomainZones: ctx.config.dnsblDomainZones,
      maxInFlight: inFlight(ctx.config.env.DNS_AUDIT_MAX_INFLIGHT),
    });
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
