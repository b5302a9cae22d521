/**
 * What the report parsers produce: DMARC aggregate reports (RFC 9990, and RFC 7489 appendix C's
 * older shape), DMARC failure reports (RFC 9991 / RFC 6591 on ARF, RFC 5965) and SMTP TLS reports
 * (RFC 8460). Plain data: stored as JSON per tenant and joined to the checks.
 */
export type ReportKind = 'aggregate' | 'failure' | 'tlsrpt';

export interface AggregateRow {
  sourceIp: string;
  count: number;
  /** policy_evaluated.disposition: none, quarantine, reject (RFC 9990 adds pass where nothing applied). */
  disposition: string;
  /** DMARC-aligned DKIM / SPF results from policy_evaluated. */
  dkimAligned: boolean;
  spfAligned: boolean;
  headerFrom: string;
  envelopeFrom?: string;
  dkim: { domain: string; selector?: string; result: string }[];
  spf: { domain: string; scope?: string; result: string }[];
  reasons: { type: string; comment?: string }[];
}

export interface AggregateReport {
  kind: 'aggregate';
  /** '9990' when the dmarc-2.0 namespace or an RFC 9990-only element is present, else '7489'. */
  format: '9990' | '7489';
  reportId: string;
  orgName: string;
  email?: string;
  begin: string;
  end: string;
  domain: string;
  policy: {
    p?: string;
    sp?: string;
    np?: string;
    adkim?: string;
    aspf?: string;
    /** RFC 7489 only. */
    pct?: number;
    /** RFC 9990 only. */
    testing?: string;
    discoveryMethod?: string;
  };
  rows: AggregateRow[];
  /** Rows skipped as malformed, with why. */
  problems: string[];
}

export interface FailureReport {
  kind: 'failure';
  reportId: string;
  feedbackType: string;
  domain: string;
  sourceIp?: string;
  arrivalDate?: string;
  authFailure?: string;
  deliveryResult?: string;
  dkimDomain?: string;
  dkimSelector?: string;
  spfDns?: string;
  originalMailFrom?: string;
  originalRcptTo?: string;
  authenticationResults?: string;
  /** From, Subject, Message-ID of the reported message, when the report includes its headers. */
  original?: { from?: string; subject?: string; messageId?: string };
}

export interface TlsRptFailure {
  resultType: string;
  sendingMtaIp?: string;
  receivingMxHostname?: string;
  receivingIp?: string;
  count: number;
  reasonCode?: string;
}

export interface TlsRptPolicy {
  policyType: string;
  policyDomain: string;
  mxHost: string[];
  successful: number;
  failed: number;
  failures: TlsRptFailure[];
}

export interface TlsRptReport {
  kind: 'tlsrpt';
  reportId: string;
  orgName: string;
  contact?: string;
  begin: string;
  end: string;
  /** The policy domain of the first policy (a report covers one recipient domain, RFC 8460 §4). */
  domain: string;
  policies: TlsRptPolicy[];
}

export type ParsedReport = AggregateReport | FailureReport | TlsRptReport;

/** Why an input was refused: a stable code and a sentence for people. */
export type RejectCode =
  | 'too_large'
  | 'decompressed_too_large'
  | 'compression_ratio'
  | 'archive_invalid'
  | 'archive_too_many_entries'
  | 'xml_dtd_forbidden'
  | 'xml_malformed'
  | 'json_malformed'
  | 'report_invalid'
  | 'not_a_report'
  | 'too_many_records';

export class ReportRejected extends Error {
  constructor(
    readonly code: RejectCode,
    message: string,
  ) {
    super(message);
  }
}

export type ParseOutcome = { ok: true; reports: ParsedReport[] } | { ok: false; code: RejectCode; reason: string };

/** Bounds of one report input (REPORTS_* settings). */
export interface ReportLimits {
  /** Largest input accepted as is (a message, an archive, an XML or JSON document). */
  maxInputBytes: number;
  /** Largest document after gunzip/unzip. */
  maxDecompressedBytes: number;
  /** Largest decompressed/compressed ratio: beyond it the input is treated as a bomb. */
  maxRatio: number;
  /** Most entries read from a zip archive, and most report parts read from a message. */
  maxEntries: number;
  /** Most aggregate rows or TLS-RPT failure details per report. */
  maxRecords: number;
}

export const DEFAULT_REPORT_LIMITS: ReportLimits = {
  maxInputBytes: 10 * 1024 * 1024,
  maxDecompressedBytes: 50 * 1024 * 1024,
  maxRatio: 200,
  maxEntries: 10,
  maxRecords: 100_000,
};
