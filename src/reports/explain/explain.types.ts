/** Categories of issue 6: every explanation falls in exactly one. */
export const CATEGORIES = [
  'recipient_unknown',
  'mailbox_full',
  'authentication',
  'sender_authentication',
  'connection',
  'rate_limited',
  'spam_content',
  'blocklisted',
  'policy',
  'relay_denied',
  'syntax',
  'message_too_large',
  'greylisted',
  'tls_required',
  'dns',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export type ReplyClass = 'success' | 'transient' | 'permanent';

/**
 * Live checks that would confirm the cause. `dns` = sender-authentication audit (kind dns),
 * `dnsbl` = the blocklist section of kind dns, `mx` = recipient routing, `smtp` = live probe,
 * `content` = content/spam check.
 */
export const SUGGESTED_CHECKS = ['dns', 'dnsbl', 'mx', 'smtp', 'content'] as const;
export type SuggestedCheck = (typeof SUGGESTED_CHECKS)[number];

/** The answer of `explainReply`, the shape of issue 6 plus `suggestedChecks`. */
export interface Explanation {
  /** Basic reply code (RFC 5321 §4.2), null when the text has none. */
  code: number | null;
  /** Enhanced status code (RFC 3463), e.g. "5.1.1", null when absent. */
  enhancedStatus: string | null;
  class: ReplyClass;
  category: Category;
  /** Same vocabulary as the probe's findings (e.g. SMTP_RECIPIENT_UNKNOWN). */
  findingCode: string;
  title: string;
  meaning: string;
  likelyCauses: string[];
  remediation: string[];
  retryable: boolean;
  /** Mailbox provider or filtering service recognised from its own reply text. */
  provider?: string;
  references: string[];
  suggestedChecks: SuggestedCheck[];
}
