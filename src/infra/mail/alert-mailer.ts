import { createTransport, type Transporter } from 'nodemailer';

/** The e-mail port of alerts: one message to one recipient, text and HTML. */
export interface AlertMailer {
  send(m: { to: string; subject: string; text: string; html: string }): Promise<void>;
  close(): void;
}

/**
 * Alert e-mail through the operator's relay (ALERT_SMTP_URL) with nodemailer, the field's SMTP
 * client. The relay is the operator's own, so the probe's SSRF policy does not apply to it.
 */
export function createAlertMailer(o: { url: string; from: string; timeoutMs: number }): AlertMailer {
  let transport: Transporter | undefined;
  const t = () =>
    (transport ??= createTransport({
      url: o.url,
      connectionTimeout: o.timeoutMs,
      greetingTimeout: o.timeoutMs,
      socketTimeout: o.timeoutMs,
    }));
  return {
    async send(m) {
      await t().sendMail({ from: o.from, to: m.to, subject: m.subject, text: m.text, html: m.html });
    },
    close() {
      transport?.close();
    },
  };
}
