import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures: HMAC-SHA256 over `${t}.${body}` with the webhook's secret, sent as
 * `Smtp-Doctor-Signature: t=<unix seconds>,v1=<hex>`. Binding the timestamp into the MAC lets a
 * receiver refuse replays older than its tolerance (the Stripe scheme, widely implemented).
 */
export const SIGNATURE_HEADER = 'Smtp-Doctor-Signature';

export function signPayload(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

export function signatureHeader(secret: string, body: string, now: Date = new Date()): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${signPayload(secret, t, body)}`;
}

/** Receiver side (documentation and tests): constant-time check plus a replay window. */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  toleranceSeconds = 300,
  now: Date = new Date(),
): boolean {
  const parts = new Map(header.split(',').map((kv) => kv.trim().split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return false;
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  return timingSafeEqual(Buffer.from(signPayload(secret, t, body), 'hex'), Buffer.from(v1, 'hex'));
}
