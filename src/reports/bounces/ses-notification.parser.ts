/**
 * Amazon SES event notifications delivered by e-mail through SNS: JSON, optionally wrapped in an
 * SNS envelope whose "Message" is the JSON as a string. Not a MIME report, but a common bounce
 * source; the fields are SES's documented ones (notificationType, bounce.bouncedRecipients[],
 * complaint.complainedRecipients[], delivery.recipients[]).
 * https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html
 */
export interface SesRecipient {
  address: string;
  kind: 'bounce' | 'complaint' | 'delivery';
  action: string | null;
  status: string | null;
  diagnosticCode: string | null;
  /** SES bounceType: Permanent / Transient / Undetermined. */
  bounceType: string | null;
  reportingMta: string | null;
  feedbackType: string | null;
}

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

function extractJson(text: string): Json | null {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return null;
  try {
    let doc = obj(JSON.parse(text.slice(start, end + 1).replace(/\r?\n /g, '')));
    const inner = str(doc.Message);
    if (inner && inner.trim().startsWith('{')) doc = obj(JSON.parse(inner));
    return typeof doc.notificationType === 'string' || typeof doc.eventType === 'string' ? doc : null;
  } catch {
    return null;
  }
}

export function parseSesNotification(text: string): SesRecipient[] {
  if (!/notificationType|eventType/.test(text)) return [];
  const doc = extractJson(text);
  if (!doc) return [];
  const type = String(doc.notificationType ?? doc.eventType).toLowerCase();
  if (type === 'bounce') {
    const b = obj(doc.bounce);
    return arr(b.bouncedRecipients).map((r) => ({
      address: str(obj(r).emailAddress) ?? '',
      kind: 'bounce' as const,
      action: str(obj(r).action),
      status: str(obj(r).status),
      diagnosticCode: str(obj(r).diagnosticCode)?.replace(/^smtp;\s*/i, '') ?? null,
      bounceType: str(b.bounceType),
      reportingMta: str(b.reportingMTA)?.replace(/^dsn;\s*/i, '') ?? null,
      feedbackType: null,
    }));
  }
  if (type === 'complaint') {
    const c = obj(doc.complaint);
    return arr(c.complainedRecipients).map((r) => ({
      address: str(obj(r).emailAddress) ?? '',
      kind: 'complaint' as const,
      action: null,
      status: null,
      diagnosticCode: null,
      bounceType: null,
      reportingMta: null,
      feedbackType: str(c.complaintFeedbackType) ?? 'abuse',
    }));
  }
  if (type === 'delivery') {
    const d = obj(doc.delivery);
    const reply = str(d.smtpResponse);
    return arr(d.recipients).map((r) => ({
      address: String(r),
      kind: 'delivery' as const,
      action: 'delivered',
      status: reply?.match(/\b2\.\d{1,3}\.\d{1,3}\b/)?.[0] ?? '2.0.0',
      diagnosticCode: reply,
      bounceType: null,
      reportingMta: str(d.reportingMTA),
      feedbackType: null,
    }));
  }
  return [];
}
