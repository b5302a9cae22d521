import { finding, type Finding } from '../common/finding';
import type { DnsLookup, DnsResolver, RrsigData } from '../infra/dns/resolver.port';
import { countingResolver, describeFailure, isIndeterminate, type SectionStatus } from './dns.common';
import { DNS_FINDINGS as F } from './dns.findings';

/**
 * DNSSEC status as the resolver reports it: the AD flag (RFC 4035 §3.2.3, RFC 6840 §5.8) on the
 * zone's SOA. It is only meaningful when the configured resolver validates; a SERVFAIL from a
 * validating resolver often means a broken (bogus) signature, so it is indeterminate, not "unsigned".
 *
 * Signature expiry ahead of time: the RRSIGs that come with the SOA and DNSKEY answers (queries
 * carry DO) are read for their expiration field (RFC 4034 §3.1.5). They are not verified here (the
 * AD flag is the resolver's verdict); their validity window is what the zone publishes, and what runs
 * out when the signer stops re-signing (a stopped cron, an expired HSM login, a manual KSK signing
 * never redone). An expired signature makes validating resolvers answer SERVFAIL for the zone:
 * mail to the domain stops for their users.
 */
export interface SignatureExpiry {
  /** The signed RRset: "<type> <owner>". */
  rrset: string;
  keyTag: number;
  signer: string;
  algorithm: number;
  inception: string;
  expiration: string;
  /** Whole days until the expiration (negative: expired). */
  daysLeft: number;
}

export interface DnssecSection {
  status: SectionStatus;
  authenticated: boolean;
  dnsStatus: string;
  /** The latest-expiring RRSIG of each signed RRset looked at (SOA, DNSKEY); empty when none came. */
  signatures: SignatureExpiry[];
  error?: string;
  queries: number;
}

export interface DnssecOptions {
  /** An RRSIG expiring within this many days is a finding (DNSSEC_EXPIRY_WARN_DAYS; 0: off). */
  expiryWarnDays: number;
  now?: Date;
}

/** RFC 4034 §3.1.5 / RFC 1982: seconds from `nowS` to a 32-bit serial timestamp, as a signed 32-bit difference. */
export function serialSecondsFrom(nowS: number, t: number): number {
  return (t - (nowS % 2 ** 32)) | 0;
}

/**
 * The RRset's signature that expires last: one valid RRSIG is enough to validate an RRset (RFC 4035
 * §5.3.1), so during a key or algorithm rollover the RRset lives as long as its newest signature.
 */
function latest(l: DnsLookup, nowS: number): { sig: RrsigData; left: number } | undefined {
  let best: { sig: RrsigData; left: number } | undefined;
  for (const sig of l.signatures ?? []) {
    const left = serialSecondsFrom(nowS, sig.expiration);
    if (!best || left > best.left) best = { sig, left };
  }
  return best;
}

const iso = (nowS: number, deltaS: number): string => new Date((nowS + deltaS) * 1000).toISOString();

export async function checkDnssec(
  domain: string,
  resolver: DnsResolver,
  opts: DnssecOptions = { expiryWarnDays: 7 },
): Promise<{ section: DnssecSection; findings: Finding[] }> {
  const dns = countingResolver(resolver);
  const l = await dns.query(domain, 'SOA');
  // The DNSKEY set is looked at only when the zone shows it is signed (an AD flag or RRSIGs with the
  // SOA): an unsigned zone, most of them, costs no extra query.
  const keys = l.authenticated || (l.signatures?.length ?? 0) > 0 ? await dns.query(domain, 'DNSKEY') : undefined;
  const section: DnssecSection = {
    status: 'ok',
    authenticated: l.authenticated,
    dnsStatus: l.status,
    signatures: [],
    queries: 0,
  };
  const findings: Finding[] = [];
  const nowS = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const expired: SignatureExpiry[] = [];
  const expiring: SignatureExpiry[] = [];
  for (const lookup of keys ? [l, keys] : [l]) {
    const s = latest(lookup, nowS);
    if (!s) continue;
    const e: SignatureExpiry = {
      rrset: `${lookup.type} ${domain}`,
      keyTag: s.sig.keyTag,
      signer: s.sig.signerName,
      algorithm: s.sig.algorithm,
      inception: iso(nowS, serialSecondsFrom(nowS, s.sig.inception)),
      expiration: iso(nowS, s.left),
      daysLeft: Math.floor(s.left / 86_400),
    };
    section.signatures.push(e);
    if (s.left <= 0) expired.push(e);
    else if (opts.expiryWarnDays > 0 && s.left < opts.expiryWarnDays * 86_400) expiring.push(e);
  }
  if (isIndeterminate(l)) {
    section.status = 'indeterminate';
    section.error = `${describeFailure(l)}; with a validating resolver, SERVFAIL can mean the DNSSEC signatures are broken`;
  } else if (!l.authenticated) {
    section.status = 'missing';
    const signed = section.signatures.length > 0;
    findings.push(
      finding(
        F.DNSSEC_UNSIGNED,
        signed
          ? `The resolver did not mark the answers for ${domain} as authenticated (no AD flag), although the zone serves RRSIG records: the configured resolver does not validate DNSSEC, or validation failed.`
          : `The resolver did not mark the answers for ${domain} as authenticated (no AD flag). Either the zone is not signed, or the configured resolver does not validate DNSSEC.`,
        { evidence: { name: domain, type: 'SOA', status: l.status, server: l.server } },
      ),
    );
  }
  const how = `(read from the RRSIG records served with the answers; this audit does not verify signatures${
    l.authenticated ? ', the resolver validated them' : ''
  })`;
  const list = (ss: SignatureExpiry[]) =>
    ss.map((s) => `${s.rrset} (key tag ${s.keyTag}, signer ${s.signer}) on ${s.expiration}`).join('; ');
  if (expired.length) {
    findings.push(
      finding(
        F.DNSSEC_SIGNATURE_EXPIRED,
        `The DNSSEC signature of ${list(expired)} has expired ${how}; validating resolvers answer SERVFAIL for these records, so their users cannot reach the domain's mail.`,
        { evidence: { signatures: expired } },
      ),
    );
  }
  if (expiring.length) {
    const days = Math.min(...expiring.map((s) => s.daysLeft));
    findings.push(
      finding(
        F.DNSSEC_SIGNATURE_EXPIRING,
        `The DNSSEC signature of ${list(expiring)} expires in ${days} day(s) (warning threshold ${opts.expiryWarnDays} days) ${how}. Unless the zone is re-signed before then, validating resolvers will answer SERVFAIL for it.`,
        { evidence: { signatures: expiring, warnDays: opts.expiryWarnDays } },
      ),
    );
  }
  if (section.status === 'ok' && (expired.length || expiring.length)) section.status = expired.length ? 'fail' : 'warn';
  section.queries = dns.count;
  return { section, findings };
}
