import { createServer, type IncomingMessage, type Server } from 'node:http';

/** A minimal RFC 3464 delivery status notification, as an MTA would send it. */
export function dsn(o: { recipient: string; status: string; diagnostic: string; action?: string }): string {
  return [
    'From: MAILER-DAEMON@mx.example.com (Mail Delivery System)',
    'To: sender@example.com',
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"',
    '',
    '--BOUNDARY',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    "I'm sorry to have to inform you that your message could not be delivered.",
    '',
    '--BOUNDARY',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.com',
    '',
    `Final-Recipient: rfc822; ${o.recipient}`,
    `Action: ${o.action ?? 'failed'}`,
    `Status: ${o.status}`,
    'Remote-MTA: dns; mx.remote.example',
    `Diagnostic-Code: ${o.diagnostic}`,
    '',
    '--BOUNDARY',
    'Content-Type: text/rfc822-headers',
    '',
    'From: sender@example.com',
    `To: ${o.recipient}`,
    'Message-ID: <1@example.com>',
    '',
    '--BOUNDARY--',
    '',
  ].join('\r\n');
}

export interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  status: number;
}

/**
 * A real HTTP receiver on loopback for webhook tests. `respond` decides each answer's status
 * (default 200); every request is recorded with the status it got.
 */
export async function startReceiver(
  respond: (n: number, body: string) => number = () => 200,
): Promise<{ url: string; received: Received[]; close(): Promise<void>; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const status = respond(received.length + 1, body);
      received.push({ headers: req.headers, body, status });
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    server,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
