import { finding, type Finding } from '../common/finding';
import type { DnsResolver, TlsaData } from '../infra/dns/resolver.port';
import { countingResolver, isIndeterminate, type SectionStatus } from './dns.common';
import { DNS_FINDINGS as F } from './dns.findings';

/**
 * DANE for SMTP (RFC 7672, RFC 6698): TLSA records at _25._tcp.<mx>. Only syntax and
 * parameters are checked here (certificate matching needs a TLS connection: the probe's job).
 */
export function tlsaErrors(t: TlsaData): string[] {
  const e: string[] = [];
  if (![0, 1, 2, 3].includes(t.usage)) e.push(`usage ${t.usage} is not defined (RFC 6698 §2.1.1)`);
  if (![0, 1].includes(t.selector)) e.push(`selector ${t.selector} is not defined (RFC 6698 §2.1.2)`);
  if (![0, 1, 2].includes(t.matchingType)) e.push(`matching type ${t.matchingType} is not defined (RFC 6698 §2.1.3)`);
  const hex = t.certificate.replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})+$/i.test(hex)) e.push('the association data is not hex');
  const want = t.matchingType === 1 ? 32 : t.matchingType === 2 ? 64 : undefined;
  if (want !== undefined && hex.length !== want * 2)
    e.push(`matching type ${t.matchingType} needs a ${want}-byte digest, got ${hex.length / 2} bytes`);
  if (t.matchingType === 0 && hex.length === 0) e.push('full association data is empty');
  return e;
}

export interface DaneHost {
  host: string;
  name: string;
  dnsStatus: string;
  authenticated: boolean;
  records: (TlsaData & { errors: string[]; warnings: string[] })[];
}
export interface DaneSection {
  status: SectionStatus;
  hosts: DaneHost[];
  queries: number;
}

export async function checkDane(
  mxHosts: string[],
  resolver: DnsResolver,
): Promise<{ section: DaneSection; findings: Finding[] }> {
  const dns = countingResolver(resolver);
  const findings: Finding[] = [];
  const hosts = await Promise.all(
    mxHosts.map(async (host): Promise<DaneHost> => {
      const name = `_25._tcp.${host}`;
      const l = await dns.query(name, 'TLSA');
      return {
        host,
        name,
        dnsStatus: l.status,
        authenticated: l.authenticated,
        records: l.answers.map((t) => ({
          ...t,
          errors: tlsaErrors(t),
          // RFC 7672 §3.1.3: PKIX-TA(0) and PKIX-EE(1) SHOULD NOT be used for SMTP.
          warnings:
            t.usage === 0 || t.usage === 1
              ? [
                  `usage ${t.usage} (PKIX) is not recommended for SMTP (RFC 7672 §3.1.3); use 3 (DANE-EE) or 2 (DANE-TA)`,
                ]
              : [],
        })),
      };
    }),
  );
  for (const h of hosts) {
    const bad = h.records.filter((r) => r.errors.length || r.warnings.length);
    if (bad.length) {
      const hard = bad.some((r) => r.errors.length);
      findings.push(
        finding(
          F.DANE_TLSA_INVALID,
          `TLSA at ${h.name}: ${bad.flatMap((r) => [...r.errors, ...r.warnings]).join('; ')}.`,
          {
            severity: hard ? 'error' : 'warning',
            remediation: `Publish "${h.name}. IN TLSA 3 1 1 <SHA-256 of the server's public key (SPKI)>", e.g. from: openssl x509 -in cert.pem -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256.`,
            evidence: { name: h.name, records: h.records },
          },
        ),
      );
    }
    if (h.records.length && !h.authenticated) {
      findings.push(
        finding(
          F.DANE_WITHOUT_DNSSEC,
          `${h.name} has ${h.records.length} TLSA record(s), but the answer was not DNSSEC-validated (no AD flag), so senders ignore them.`,
          { evidence: { name: h.name } },
        ),
      );
    }
  }
  const status: SectionStatus =
    hosts.length === 0
      ? 'skipped'
      : findings.some((f) => f.severity === 'error')
        ? 'fail'
        : findings.length
          ? 'warn'
          : hosts.some((h) => isIndeterminate({ status: h.dnsStatus as never }))
            ? 'indeterminate'
            : hosts.some((h) => h.records.length)
              ? 'ok'
              : 'missing';
  return { section: { status, hosts, queries: dns.count }, findings };
}
