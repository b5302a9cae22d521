import type { Severity } from '../../common/finding';
import { isSpace, trimTrailing } from '../../common/text/trim-chars';
import type { AttachmentReport } from '../analysis/attachment.analysis';
import type { HtmlReport } from '../analysis/html.analysis';
import type { TextReport } from '../analysis/text.analysis';
import type { UrlReport } from '../analysis/url.analysis';
import type { AuthReport, DeliveryContext } from '../auth/message-auth';
import type { ContentSettings } from '../content.config';
import type { HeaderBlock } from '../raw/header-block';
import type { MimeScan } from '../raw/mime-scan';
import type { WelcomelistPrefs } from '../spamassassin/welcomelist-prefs';

/** Everything the rules look at, computed once per message by the engine. Rules are pure on it. */
export interface MessageFacts {
  raw: Buffer;
  size: number;
  settings: ContentSettings;
  header: HeaderBlock;
  mime: MimeScan;
  /** mailparser's error when it refused the message (limits, broken structure). */
  parseError?: string;
  subject: string;
  /** Mailboxes of the From field(s), as parsed by nodemailer's addressparser. */
  from: { name: string; address: string }[];
  replyTo: { name: string; address: string }[];
  /** Decoded plain-text part ('' when none). */
  text: string;
  hasTextPart: boolean;
  html?: string;
  textReport: TextReport;
  htmlReport?: HtmlReport;
  urlReport: UrlReport;
  attachments: AttachmentReport[];
  auth?: AuthReport;
  context?: DeliveryContext;
  /** Forward-confirmed reverse DNS of context.clientIp (RFC 8601 §3 "iprev"), when a context was given. */
  iprev?: { result: 'pass' | 'fail' | 'temperror'; ptr: string[]; detail: string };
  bulk: { looksBulk: boolean; reasons: string[] };
  /** The recipient's SpamAssassin welcome lists (input `filterPrefs`), when given. */
  filterPrefs?: WelcomelistPrefs;
}

export interface RuleHit {
  detail: string;
  evidence?: unknown;
  /** Points for this hit when they depend on the case (e.g. summed phrase weights). */
  points?: number;
}

export type RuleArea = 'test' | 'structure' | 'text' | 'html' | 'links' | 'attachments' | 'authentication' | 'bulk';

/**
 * One scoring rule: a stable code (also its Finding code), points on the SpamAssassin-like
 * scale (positive = spammier, negative = good sign), and a pure test.
 */
export interface ContentRule {
  code: string;
  area: RuleArea;
  points: number;
  severity: Severity;
  title: string;
  remediation: string;
  references?: string[];
  /**
   * The large providers refuse such a message whatever its spam score (an attachment policy, not
   * a spam sign): the rule scores no points, and when it fires the verdict is fail. Spam filters
   * such as SpamAssassin give these no points either; antivirus and gateway policies block them.
   */
  blocks?: true;
  test(f: MessageFacts): RuleHit | null;
}

/** Helpers shared by rules. */
export function h(f: MessageFacts, key: string): string[] {
  return f.header.headers.filter((x) => x.key === key).map((x) => x.value);
}

export function domainOf(address: string | undefined): string | undefined {
  const at = address?.lastIndexOf('@') ?? -1;
  return at > 0 ? trimTrailing(address!.slice(at + 1).toLowerCase(), (c) => c === '>' || isSpace(c)) : undefined;
}
