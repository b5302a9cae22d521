import type { Category, Explanation } from '../explain/explain.types';

/** What happened to one recipient, in the vocabulary of the report that said so. */
export type BounceAction =
  /** RFC 3464 §2.3.3 */
  | 'failed'
  | 'delayed'
  | 'delivered'
  | 'relayed'
  | 'expanded'
  /** RFC 5965 feedback report (a complaint, not a bounce) */
  | 'complaint'
  /** RFC 3834 automatic reply (vacation, out of office) */
  | 'auto-replied';

/** The category of the explanation, or what the report is when it is not a failure. */
export type BounceReason = Category | 'feedback' | 'auto_reply' | 'delivered';

export interface BounceRecipient {
  address: string;
  action: BounceAction;
  /** RFC 3463 status as reported (or derived from the diagnostic text); null for complaints and auto-replies. */
  status: string | null;
  remoteMta: string | null;
  diagnosticCode: string | null;
  /**
   * hard = the address itself is permanently undeliverable (unknown user, domain without mail,
   * moved); remove it from lists. soft = anything else: temporary, or about the sender or the
   * message, so the address may still work.
   */
  hardSoft: 'hard' | 'soft';
  reason: BounceReason;
  explanation: Explanation;
}

export type BounceFormat = 'rfc3464' | 'arf' | 'rfc3834' | 'text' | 'none';

export interface BounceAnalysis {
  /** False for messages that are not bounces, complaints or auto-replies. */
  isBounce: boolean;
  format: BounceFormat;
  reportingMta: string | null;
  /** ARF Feedback-Type (abuse, fraud, auth-failure, opt-out, ...). */
  feedbackType?: string;
  originalMessageId: string | null;
  recipients: BounceRecipient[];
}
