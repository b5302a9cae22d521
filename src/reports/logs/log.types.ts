import type { Category, Explanation } from '../explain/explain.types';

export type LogMta = 'postfix' | 'exim' | 'sendmail';

/** One delivery-relevant event read from a log line. */
export interface LogEvent {
  mta: LogMta;
  /** Postfix/Sendmail queue id, Exim message id; null for NOQUEUE rejections. */
  queueId: string | null;
  /**
   * sent / deferred / bounced: a delivery attempt for one recipient; expired: the queue gave up
   * (Postfix qmgr "status=expired"); rejected: the server refused a client (inbound);
   * completed: the message left the queue (Postfix "removed", Exim "Completed").
   */
  kind: 'sent' | 'deferred' | 'bounced' | 'expired' | 'rejected' | 'completed';
  recipient?: string;
  relay?: string;
  relayIp?: string;
  clientIp?: string;
  /** Enhanced status from dsn=, or the reply. */
  dsn?: string;
  /** The reply or reason text (Postfix's parenthesised text, Exim's error, Sendmail's stat=). */
  response?: string;
  /** SMTP stage of a rejection (RCPT, DATA, CONNECT, ...). */
  stage?: string;
  /** Reply code of a rejection. */
  code?: number;
}

export interface LogPattern {
  kind: 'deferred' | 'bounced' | 'expired' | 'rejected';
  category: Category;
  /** Recipient domain for deliveries; client host or address for rejections. */
  remoteDomain: string;
  /** The reply with addresses, IPs, ids and numbers replaced by placeholders. */
  reply: string;
  count: number;
  explanation: Explanation;
  /** Up to `maxExamples` original lines (each cut at 500 characters). */
  examples: string[];
}

export interface LogAnalysis {
  lines: number;
  /** Lines that yielded a delivery event, by MTA. */
  recognised: Record<LogMta, number>;
  /** Delivery attempts per recipient. */
  deliveries: { sent: number; deferred: number; bounced: number; expired: number };
  /** Inbound rejections (NOQUEUE reject, Exim "rejected RCPT", Sendmail ruleset reject=). */
  rejections: number;
  /**
   * Per message (queue id): delivered to all recipients, bounced for at least one, or only
   * deferred so far. Tracked for at most `maxTrackedMessages` open messages at a time; older
   * ones are counted when evicted, so figures stay exact for logs whose messages complete.
   */
  messages: { sent: number; bounced: number; deferred: number };
  topPatterns: LogPattern[];
  /** Distinct patterns seen beyond the tracked table (counts of evicted patterns are approximate). */
  patternsEvicted: number;
  /** Lines longer than the line bound, cut before parsing. */
  longLines: number;
}

export interface LogAnalyzerOptions {
  /** Patterns returned (default 20). */
  topN?: number;
  /** Example lines per pattern (default 3). */
  maxExamples?: number;
  /** Distinct patterns tracked (default 2,000). */
  maxPatterns?: number;
  /** Open messages tracked for per-message outcomes (default 50,000). */
  maxTrackedMessages?: number;
  /**
   * Longest line parsed, characters (default 8 KiB; MTAs write lines of a few hundred). The rest
   * of a longer line is not matched, and the line is counted in `longLines`.
   */
  maxLineLength?: number;
}
