import { request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { auth, TENANT_A_KEY } from '../support/app';

/**
 * Inputs and HTTP helpers for the analysis-pool tests: hostile and merely large bodies, a raw HTTP
 * client (bodies streamed chunked, answers read while the body is still going), and a /healthz
 * poller measuring each answer's latency.
 */

export const MB = 1024 * 1024;

/** A text bounce whose body is runs of blank lines with "received: from" fragments (1 MB). */
export function hostileBounce(size = MB): string {
  const parts = [
    'From: MAILER-DAEMON@example.com\r\nTo: sender@example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\n',
  ];
  let n = parts[0]!.length;
  while (n < size) {
    const piece = `${'\n'.repeat(200)}received: from `;
    parts.push(piece);
    n += piece.length;
  }
  return parts.join('');
}

/**
 * Sendmail rejection lines whose relay= is "relay=[" repeated (the quadratic/cubic case of a
 * backtracking `relay=...[...]` pattern), about 760 bytes each, `size` bytes in all.
 */
export function hostileLog(size = MB): string {
  const line = `Mar  4 10:00:00 mail sendmail[1]: x1: ruleset=check_rcpt, ${'relay=['.repeat(100)}\n`;
  return line.repeat(Math.ceil(size / line.length));
}

/** A reply of 19,000 newlines (the most a reply may have is 20,000 characters). */
export const hostileReply = `550 ${'\n'.repeat(19_000)}x`;

/** Four ordinary Postfix lines (sent, bounced, deferred, sent): legitimate, just many of them. */
export function logBlock(i: number): string {
  const q = (0x10000 + (i % 5000)).toString(16).toUpperCase();
  return (
    [
      `Mar  4 10:00:00 mail postfix/smtp[${i % 30000}]: ${q}A: to=<user${i}@example.org>, relay=mx.example.org[198.51.100.7]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ${i})`,
      `Mar  4 10:00:01 mail postfix/smtp[${i % 30000}]: ${q}B: to=<gone${i}@example.net>, relay=mx.example.net[198.51.100.8]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.net[198.51.100.8] said: 550 5.1.1 <gone${i}@example.net>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))`,
      `Mar  4 10:00:02 mail postfix/smtp[${i % 30000}]: ${q}C: to=<later${i}@example.com>, relay=mx.example.com[198.51.100.9]:25, delay=1, delays=0/0/0/1, dsn=4.2.0, status=deferred (host mx.example.com[198.51.100.9] said: 450 4.2.0 <later${i}@example.com>: Recipient address rejected: Greylisted (in reply to RCPT TO command))`,
      `Mar  4 10:00:03 mail postfix/smtp[${i % 30000}]: ${q}D: to=<ok${i}@example.org>, relay=mx.example.org[198.51.100.7]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ${i}x)`,
    ].join('\n') + '\n'
  );
}

const WORDS = [
  'mailbox',
  'quota',
  'policy',
  'spam',
  'reputation',
  'blocked',
  'listed',
  'greylist',
  'temporarily',
  'rejected',
  'denied',
  'unavailable',
  'exceeded',
  'content',
  'virus',
  'relay',
  'access',
];

/**
 * About `size` bytes of ordinary deferral lines, each with a long reply of its own wording: every
 * line is normalised and classified anew (no cache hit), the costliest legitimate kind of line.
 */
export function wordyLog(size: number): string {
  const lines: string[] = [];
  for (let i = 0, n = 0; n < size; i++) {
    const words: string[] = [];
    for (let k = 0; k < 120; k++) words.push(WORDS[(i * 7 + k * 13 + (i >> 3) * k) % WORDS.length]!);
    const line = `Mar  4 10:00:02 mail postfix/smtp[1]: ${(0x100000 + i).toString(16).toUpperCase()}: to=<u${i}@example.com>, relay=mx.example.com[198.51.100.9]:25, delay=1, delays=0/0/0/1, dsn=4.7.1, status=deferred (host mx.example.com[198.51.100.9] said: 451 4.7.1 ${words.join(' ')} (in reply to RCPT TO command))\n`;
    lines.push(line);
    n += line.length;
  }
  return lines.join('');
}

/** `size` bytes of ordinary log lines, generated lazily in chunks of about 256 KB. */
export function largeLog(size: number): { body: Readable; blocks: () => number } {
  let blocks = 0;
  let sent = 0;
  const body = Readable.from(
    (function* () {
      while (sent < size) {
        const parts: string[] = [];
        for (let k = 0; k < 250; k++) parts.push(logBlock(blocks++));
        const chunk = parts.join('');
        sent += chunk.length;
        yield chunk;
      }
    })(),
  );
  return { body, blocks: () => blocks };
}

export const DSN = [
  'From: MAILER-DAEMON@mx.example.com (Mail Delivery System)',
  'To: sender@example.com',
  'Subject: Undelivered Mail Returned to Sender',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
  '',
  '--B',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.example.com',
  '',
  'Final-Recipient: rfc822; gone@example.net',
  'Action: failed',
  'Status: 5.1.1',
  'Diagnostic-Code: smtp; 550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown',
  '',
  '--B--',
  '',
].join('\r\n');

export interface Answer {
  status: number;
  type: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed response bodies of several shapes, read by the tests
  json: any;
  ms: number;
}

/** POST a body (string, object as JSON, or a stream sent chunked) and read the whole answer. */
export function post(
  url: string,
  path: string,
  body: string | object | Readable,
  contentType = 'text/plain',
): Promise<Answer> {
  const { port } = new URL(url);
  const started = performance.now();
  const isJson = typeof body === 'object' && !(body instanceof Readable);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: Number(port),
        path,
        method: 'POST',
        headers: { ...auth(TENANT_A_KEY), 'Content-Type': isJson ? 'application/json' : contentType },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = text;
          }
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            json,
            ms: performance.now() - started,
          });
        });
      },
    );
    req.on('error', reject);
    if (body instanceof Readable) body.pipe(req);
    else req.end(isJson ? JSON.stringify(body) : body);
  });
}

export const graphql = (url: string, query: string, variables: Record<string, unknown>) =>
  post(url, '/graphql', { query, variables });

/**
 * One GET /healthz on a fresh connection (a kept-alive one may be closed by the server right
 * after a stall, and the retry would hide the stall); its latency in ms.
 */
export function healthz(url: string): Promise<number> {
  const { port } = new URL(url);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: Number(port), path: '/healthz', agent: false }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(performance.now() - started)
          : reject(new Error(`/healthz answered ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Poll /healthz back to back (a 2 ms pause between) until `done()`, or `count` times. */
export async function pollHealth(url: string, opts: { count?: number; done?: () => boolean }): Promise<number[]> {
  const out: number[] = [];
  while (opts.count !== undefined ? out.length < opts.count : !opts.done!()) {
    out.push(await healthz(url));
    await new Promise((r) => setTimeout(r, 2));
  }
  return out;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export function median(xs: number[]): number {
  return percentile(xs, 50);
}
