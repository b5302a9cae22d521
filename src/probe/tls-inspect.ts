import { checkServerIdentity, type DetailedPeerCertificate } from 'node:tls';
import type { Classification } from './classify';
import type { TlsSessionInfo } from './smtp-connector.port';

/**
 * Certificate and protocol evaluation, pure (node:tls's checkServerIdentity is a pure function of
 * a name and a parsed certificate: RFC 6125 matching). The connector only reports what it saw.
 */
export interface CertSummary {
  subject?: string;
  issuer?: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
}

export interface TlsReport {
  protocol: string | null;
  cipher: string | null;
  trusted: boolean;
  trustError?: string;
  hostname?: string;
  hostnameMatch?: boolean;
  hostnameError?: string;
  expired: boolean;
  notYetValid: boolean;
  daysLeft?: number;
  keyType?: string;
  keyBits?: number;
  subjectAltNames?: string[];
  chain: CertSummary[];
}

/** OpenSSL verify errors that are about time only: the chain itself was verified. */
const TIME_ONLY = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

const TRUST_WORDS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the chain ends in a self-signed root that is not a trusted authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    'the issuing authority is unknown, or the server does not send the intermediate certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the chain is incomplete: the server does not send the intermediate certificate',
  UNABLE_TO_GET_ISSUER_CERT: 'the issuer certificate could not be found',
  CERT_REVOKED: 'the certificate was revoked',
  CERT_SIGNATURE_FAILURE: 'the certificate signature is invalid',
};

/** Certificate fields may repeat (several CNs); keep the first. */
function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function chainOf(leaf: DetailedPeerCertificate): CertSummary[] {
  const out: CertSummary[] = [];
  const seen = new Set<string>();
  let c: DetailedPeerCertificate | undefined = leaf;
  while (c && c.fingerprint256 && !seen.has(c.fingerprint256) && out.length < 10) {
    seen.add(c.fingerprint256);
    out.push({
      subject: first(c.subject?.CN),
      issuer: first(c.issuer?.CN),
      validFrom: c.valid_from,
      validTo: c.valid_to,
      fingerprint256: c.fingerprint256,
    });
    c = c.issuerCertificate;
  }
  return out;
}

/**
 * @param hostname the name senders connect to (the MX host), or the IP for IP-literal targets.
 * @param submission port 465/587: clients verify certificates there, so problems are errors.
 */
export function inspectTls(
  info: TlsSessionInfo,
  hostname: string | undefined,
  now: Date,
  submission: boolean,
  expiryWarnDays = 21,
): { report: TlsReport; issues: Classification[] } {
  const cert = info.peerCertificate;
  const issues: Classification[] = [];
  const report: TlsReport = {
    protocol: info.protocol,
    cipher: info.cipher?.standardName ?? info.cipher?.name ?? null,
    trusted: info.authorized || TIME_ONLY.has(info.authorizationError ?? ''),
    ...(info.authorizationError && !TIME_ONLY.has(info.authorizationError)
      ? { trustError: info.authorizationError }
      : {}),
    expired: false,
    notYetValid: false,
    chain: cert ? chainOf(cert) : [],
  };
  const strict = submission ? ({ severity: 'error' } as const) : {};

  if (info.protocol === 'TLSv1' || info.protocol === 'TLSv1.1' || info.protocol === 'SSLv3') {
    issues.push({
      code: 'TLS_PROTOCOL_OUTDATED',
      transient: false,
      cause: `The server negotiated ${info.protocol} (with ${report.cipher ?? 'an unknown cipher'}) although the probe offers TLS 1.2 and 1.3.`,
    });
  }
  if (!cert) {
    issues.push({
      code: 'TLS_CERT_UNTRUSTED',
      transient: false,
      cause: 'The server presented no certificate.',
      ...strict,
    });
    return { report, issues };
  }
  const from = new Date(cert.valid_from);
  const to = new Date(cert.valid_to);
  report.daysLeft = Math.floor((to.getTime() - now.getTime()) / 86_400_000);
  report.expired = now > to;
  report.notYetValid = now < from;
  report.keyType =
    cert.asn1Curve || cert.nistCurve ? `EC ${cert.nistCurve ?? cert.asn1Curve}` : cert.modulus ? 'RSA' : undefined;
  report.keyBits = cert.bits;
  report.subjectAltNames = cert.subjectaltname?.split(/,\s*/).filter(Boolean);

  if (report.expired) {
    issues.push({
      code: 'TLS_CERT_EXPIRED',
      transient: false,
      cause: `The certificate expired on ${to.toISOString().slice(0, 10)} (${-report.daysLeft} days ago).`,
    });
  } else if (!report.notYetValid && expiryWarnDays > 0 && report.daysLeft < expiryWarnDays) {
    // Ahead of time (CERT_EXPIRY_WARN_DAYS), so a monitor warns before senders start failing TLS.
    issues.push({
      code: 'TLS_CERT_EXPIRING_SOON',
      transient: false,
      cause: `The certificate expires on ${to.toISOString().slice(0, 10)}, in ${report.daysLeft} days (warning threshold ${expiryWarnDays} days).`,
    });
  } else if (report.notYetValid) {
    issues.push({
      code: 'TLS_CERT_EXPIRED',
      transient: false,
      cause: `The certificate is not valid before ${from.toISOString()}; check the server's clock or the certificate.`,
    });
  }
  if (!report.trusted) {
    const why =
      TRUST_WORDS[info.authorizationError ?? ''] ??
      `verification failed (${info.authorizationError ?? 'unknown reason'})`;
    issues.push({
      code: 'TLS_CERT_UNTRUSTED',
      transient: false,
      cause: `The certificate for "${first(cert.subject?.CN) ?? '?'}" is not trusted: ${why}.`,
      ...strict,
    });
  }
  if (hostname) {
    report.hostname = hostname;
    const err = checkServerIdentity(hostname, cert);
    report.hostnameMatch = !err;
    if (err) {
      report.hostnameError = err.message;
      issues.push({
        code: 'TLS_CERT_HOSTNAME_MISMATCH',
        transient: false,
        cause: `The certificate names ${report.subjectAltNames?.join(', ') || `CN=${first(cert.subject?.CN) ?? '?'}`}, not "${hostname}".`,
        ...strict,
      });
    }
  }
  const weak =
    report.keyType === 'RSA'
      ? (cert.bits ?? 0) < 2048
      : report.keyType?.startsWith('EC')
        ? (cert.bits ?? 0) < 224
        : false;
  if (weak)
    issues.push({
      code: 'TLS_WEAK_KEY',
      transient: false,
      cause: `The certificate's ${report.keyType} key has ${cert.bits} bits.`,
    });
  return { report, issues };
}
