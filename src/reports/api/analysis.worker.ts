import { analysisWorker } from '../../infra/cpu/analysis-worker';
import { analyzeBounce } from '../bounces/bounce.engine';
import { explainReply } from '../explain/explain.engine';
import { LogAnalyzer } from '../logs/log.engine';

/**
 * The module each analysis worker thread loads (AnalysisPool, src/infra/cpu/): the same pure
 * engines the CLI runs, called off the API's event loop. Jobs: `explain` (a reply), `bounce` (a
 * raw message, string or bytes); stream `log` (a mail log, batch by batch).
 */

// Load the data tables, compile the patterns and the code paths of the common formats (a DSN, a
// text bounce, a Postfix line) while the thread starts, before Piscina marks it ready, so that a
// job's time budget is spent on its own input, on a fresh thread as on a used one.
explainReply('550 5.1.1 <warm-up@example.com>: Recipient address rejected: User unknown');
analyzeBounce(
  'From: MAILER-DAEMON@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\nContent-Type: text/plain\r\n\r\n' +
    '<warm-up@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command)\r\n',
);
analyzeBounce(
  [
    'From: MAILER-DAEMON@example.com',
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="W"',
    '',
    '--W',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    '--W',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.com',
    '',
    'Final-Recipient: rfc822; warm-up@example.net',
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 <warm-up@example.net>: Recipient address rejected: User unknown',
    '',
    '--W',
    'Content-Type: text/rfc822-headers',
    '',
    'From: sender@example.com',
    'Message-ID: <warm-up@example.com>',
    '',
    '--W--',
    '',
  ].join('\r\n'),
);
const warm = new LogAnalyzer();
warm.write(
  'Mar  4 10:00:01 mail postfix/smtp[1]: 4B2C1D3E: to=<warm-up@example.net>, relay=mx.example.net[192.0.2.2]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.net[192.0.2.2] said: 550 5.1.1 User unknown (in reply to RCPT TO command))\n',
);
warm.end();
warm.result();

export default analysisWorker(
  {
    explain: (reply: string) => explainReply(reply),
    // Bytes arrive as a Uint8Array (structured clone drops the Buffer class).
    bounce: (raw: string | Uint8Array) =>
      analyzeBounce(typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)),
  },
  {
    log: () => {
      const analyzer = new LogAnalyzer();
      return {
        write: (chunk) => analyzer.write(chunk),
        end: () => {
          analyzer.end();
          return analyzer.result();
        },
      };
    },
  },
);
