import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestApp, TENANT_A_KEY, type TestApp } from '../support/app';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

/** Four Postfix lines per block: sent, bounced (unknown user), deferred (greylisted), sent. */
function block(i: number): string {
  const q = (0x10000 + (i % 5000)).toString(16).toUpperCase();
  return (
    [
      `Mar  4 10:00:00 mail postfix/smtp[${i % 30000}]: ${q}A: to=<user${i}@example.org>, relay=mx.example.org[198.51.100.7]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ${i})`,
      `Mar  4 10:00:01 mail postfix/smtp[${i % 30000}]: ${q}B: to=<gone${i}@example.net>, relay=mx.example.net[198.51.100.8]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.net[198.51.100.8] said: 550 5.1.1 <gone${i}@example.net>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))`,
      `Mar  4 10:00:02 mail postfix/smtp[${i % 30000}]: ${q}C: to=<later${i}@example.com>, relay=mx.example.com[198.51.100.9]:25, delay=1, delays=0/0/0/1, dsn=4.2.0, status=deferred (host mx.example.com[198.51.100.9] said: 450 4.2.0 <later${i}@example.com>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/ (in reply to RCPT TO command))`,
      `Mar  4 10:00:03 mail postfix/smtp[${i % 30000}]: ${q}D: to=<ok${i}@example.org>, relay=mx.example.org[198.51.100.7]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ${i}x)`,
    ].join('\n') + '\n'
  );
}

describe('log analysis over REST and GraphQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOG_MAX_BYTES: String(64 * 1024 * 1024) });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('JSON { text } and GraphQL analyzeLogs group errors into explained patterns', async () => {
    const text = block(1) + block(2) + block(3);
    const res = await request(t.url).post('/v1/logs/analyze').set(auth(TENANT_A_KEY)).send({ text });
    expect(res.status).toBe(200);
    expect(res.body.deliveries).toMatchObject({ sent: 6, bounced: 3, deferred: 3 });
    const unknown = res.body.topPatterns.find((p: { category: string }) => p.category === 'recipient_unknown');
    expect(unknown).toMatchObject({ kind: 'bounced', remoteDomain: 'example.net', count: 3 });
    expect(unknown.explanation.findingCode).toBe('SMTP_RECIPIENT_UNKNOWN');
    expect(unknown.examples.length).toBeGreaterThan(0);
    const grey = res.body.topPatterns.find((p: { category: string }) => p.category === 'greylisted');
    expect(grey).toMatchObject({ kind: 'deferred', remoteDomain: 'example.com', count: 3 });

    const g = await request(t.url)
      .post('/graphql')
      .set(auth(TENANT_A_KEY))
      .send({
        query:
          'query($t: String!) { analyzeLogs(text: $t) { lines deliveries { sent bounced deferred } topPatterns { kind category remoteDomain count explanation { findingCode } } } }',
        variables: { t: text },
      });
    expect(g.body.errors).toBeUndefined();
    expect(g.body.data.analyzeLogs.deliveries).toEqual({ sent: 6, bounced: 3, deferred: 3 });
    expect(g.body.data.analyzeLogs.topPatterns.map((p: { category: string }) => p.category)).toEqual(
      expect.arrayContaining(['recipient_unknown', 'greylisted']),
    );
    expect((await request(t.url).post('/v1/logs/analyze').set('Content-Type', 'text/plain').send('x')).status).toBe(
      401,
    );
    expect((await request(t.url).post('/v1/logs/analyze').set(auth(TENANT_A_KEY)).send({})).status).toBe(400);
  });

  it('streams a large text/plain body into the analyser with bounded memory', { timeout: 300_000 }, async () => {
    const TOTAL = 24 * 1024 * 1024;
    let sent = 0;
    let blocks = 0;
    let peak = 0;
    let nextSample = 0;
    gc();
    const base = process.memoryUsage();
    const used = () => {
      const m = process.memoryUsage();
      return m.heapUsed - base.heapUsed + (m.arrayBuffers - base.arrayBuffers);
    };
    // Generated lazily and sent chunked (no Content-Length), so neither side can hold the whole log
    // unless the server buffers it; the heap is sampled after forced GCs while the body flows.
    const body = Readable.from(
      (function* () {
        while (sent < TOTAL) {
          const parts: string[] = [];
          for (let k = 0; k < 500; k++) parts.push(block(blocks++));
          const chunk = parts.join('');
          sent += chunk.length;
          if (sent >= nextSample) {
            gc();
            peak = Math.max(peak, used());
            nextSample += 4 * 1024 * 1024;
          }
          yield chunk;
        }
      })(),
    );
    const { port } = new URL(t.url);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the NDJSON lines are asserted field by field
    const result = await new Promise<{ status: number; json: any }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: Number(port),
          path: '/v1/logs/analyze',
          method: 'POST',
          headers: { ...auth(TENANT_A_KEY), 'Content-Type': 'text/plain' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
          );
        },
      );
      req.on('error', reject);
      body.pipe(req);
    });
    gc();
    peak = Math.max(peak, used());
    const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
    console.log(
      `POST /v1/logs/analyze: ${mib(sent)} MiB streamed, ${result.json.lines} lines; peak heap+buffers growth after GC ${mib(peak)} MiB`,
    );
    expect(result.status).toBe(200);
    expect(result.json.lines).toBe(blocks * 4);
    expect(result.json.deliveries).toMatchObject({ sent: blocks * 2, bounced: blocks, deferred: blocks });
    // Buffering the body would keep all of it alive (24 MiB); streaming keeps a small fraction.
    expect(peak).toBeLessThan(12 * 1024 * 1024);
  });

  it('refuses a streamed log past LOG_MAX_BYTES with 413', async () => {
    const small = await startTestApp({ LOG_MAX_BYTES: '4096' });
    try {
      const res = await request(small.url)
        .post('/v1/logs/analyze')
        .set(auth(TENANT_A_KEY))
        .set('Content-Type', 'text/plain')
        .send(block(1).repeat(20));
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toContain('application/problem+json');
    } finally {
      await small.close();
    }
  });
});
