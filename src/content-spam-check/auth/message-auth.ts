import { arc, authenticate, dkimVerify, dmarc, type DNSResolver } from 'mailauth';

/**
 * Authentication of the message as the receiving side would run it (mailauth 7):
 * DKIM signatures (RFC 6376), the ARC chain (RFC 8617), and, only when a delivery context says
 * who connected, SPF (RFC 7208) and a full DMARC evaluation (RFC 7489 §3.1 alignment).
 * Without a context DMARC is evaluated on DKIM alone and marked so: SPF could still align.
 * DNS failures come back as temperror results, never as exceptions.
 */
export type AuthResultValue =
  'pass' | 'fail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'policy' | 'softfail' | 'skipped';

export interface DkimSignatureReport {
  domain: string;
  selector?: string;
  algorithm?: string;
  result: AuthResultValue;
  aligned: boolean;
  comment?: string;
}

export interface AuthReport {
  headerFrom: string[];
  dkim: DkimSignatureReport[];
  spf?: { result: AuthResultValue; domain: string; comment?: string };
  dmarc?: {
    result: AuthResultValue;
    /** full: SPF and DKIM; dkim-only: no delivery context, SPF alignment unknown. */
    evaluated: 'full' | 'dkim-only';
    domain?: string;
    policy?: string;
    record?: string;
    spfAligned: boolean;
    dkimAligned: boolean;
    comment?: string;
  };
  arc: { result: AuthResultValue; instances: number; comment?: string };
  /** Authentication-Results header text as mailauth composes it. */
  authResults?: string;
  error?: string;
}

export interface DeliveryContext {
  clientIp?: string;
  helo?: string;
  mailFrom?: string;
}

function norm(r: string | undefined): AuthResultValue {
  if (r === 'temperr') return 'temperror';
  return (r ?? 'none') as AuthResultValue;
}

export async function authenticateMessage(
  raw: Buffer,
  resolver: DNSResolver,
  mta: string,
  context?: DeliveryContext,
): Promise<AuthReport> {
  const report: AuthReport = { headerFrom: [], dkim: [], arc: { result: 'none', instances: 0 } };
  try {
    if (context?.clientIp) {
      const res = await authenticate(raw, {
        ip: context.clientIp,
        helo: context.helo,
        sender: context.mailFrom ?? '',
        mta,
        resolver,
        disableBimi: true,
      });
      fillDkim(report, res.dkim);
      if (res.spf)
        report.spf = { result: norm(res.spf.status.result), domain: res.spf.domain, comment: res.spf.status.comment };
      fillArc(report, res.arc || undefined);
      fillDmarc(report, res.dmarc || undefined, 'full');
      report.authResults = res.headers;
      return report;
    }
    const dk = await dkimVerify(raw, { resolver });
    fillDkim(report, dk);
    if (dk.arc) fillArc(report, await arc(dk.arc as never, { resolver }));
    if (dk.headerFrom?.length) {
      const dm = await dmarc({
        headerFrom: dk.headerFrom,
        spfDomains: [],
        dkimDomains: dk.results
          .filter((r) => r.status.result === 'pass')
          .map((r) => ({
            id: r.id,
            domain: r.signingDomain,
            aligned: r.status.aligned,
            underSized: r.status.underSized,
          })),
        resolver,
      } as never);
      fillDmarc(report, dm || undefined, 'dkim-only');
    }
  } catch (e) {
    report.error = (e as Error).message;
  }
  return report;
}

function fillDkim(report: AuthReport, dk: Awaited<ReturnType<typeof dkimVerify>>): void {
  report.headerFrom = dk.headerFrom ?? [];
  for (const r of dk.results ?? []) {
    // mailauth reports "none" with a comment when there is no signature at all; skip that row.
    if (!r.signingDomain && norm(r.status.result) === 'none') continue;
    report.dkim.push({
      domain: r.signingDomain ?? '',
      ...(r.selector ? { selector: r.selector } : {}),
      ...(r.algo ? { algorithm: r.algo } : {}),
      result: norm(r.status.result),
      aligned: Boolean(r.status.aligned),
      ...(r.status.comment ? { comment: r.status.comment } : {}),
    });
  }
}

function fillArc(report: AuthReport, a: Awaited<ReturnType<typeof arc>> | undefined): void {
  if (!a) return;
  report.arc = {
    result: norm(a.status.result),
    instances: typeof a.i === 'number' ? a.i : 0,
    ...(a.status.comment ? { comment: a.status.comment } : {}),
  };
}

function fillDmarc(
  report: AuthReport,
  d: Awaited<ReturnType<typeof dmarc>> | undefined,
  evaluated: 'full' | 'dkim-only',
): void {
  if (!d) return;
  report.dmarc = {
    result: norm(d.status.result),
    evaluated,
    ...(d.domain ? { domain: d.domain } : {}),
    ...(d.policy ? { policy: d.policy } : {}),
    ...(d.rr ? { record: d.rr } : {}),
    spfAligned: Boolean(d.alignment?.spf?.result),
    dkimAligned: Boolean(d.alignment?.dkim?.result),
    ...(d.status.comment ? { comment: d.status.comment } : {}),
  };
}
