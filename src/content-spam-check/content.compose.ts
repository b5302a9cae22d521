import MailComposer from 'nodemailer/lib/mail-composer';

/** The structured form of a message; assembled by nodemailer's MailComposer into RFC 5322. */
export interface ComposeEmail {
  from: string;
  to: string[];
  subject: string;
  text?: string;
  html?: string;
  headers?: { key: string; value: string }[];
  attachments?: { filename: string; contentType: string; content: string /* base64 */ }[];
}

export async function composeMessage(email: ComposeEmail): Promise<Buffer> {
  const composer = new MailComposer({
    from: email.from,
    to: email.to,
    subject: email.subject,
    ...(email.text !== undefined ? { text: email.text } : {}),
    ...(email.html !== undefined ? { html: email.html } : {}),
    ...(email.headers?.length ? { headers: email.headers.map((h) => ({ key: h.key, value: h.value })) } : {}),
    attachments: (email.attachments ?? []).map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: Buffer.from(a.content, 'base64'),
    })),
  });
  return composer.compile().build();
}
