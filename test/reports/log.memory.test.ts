import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { LogAnalyzer } from '../../src/reports/logs/log.engine';

/**
 * Issue 6: "100 MB must not need 100 MB of memory". Streams a generated 100 MiB log (Postfix,
 * Exim and Sendmail lines, 200k distinct queue ids, recipients and IPs, plus unique junk replies
 * that force pattern eviction) and samples the heap after forced GCs along the way.
 */
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

const TOTAL = 100 * 1024 * 1024;
const CHUNK = 1024 * 1024;

const REPLIES = [
  '550 5.1.1 <u{n}@example.org>: Recipient address rejected: User unknown in virtual mailbox table',
  '452 4.2.2 <u{n}@example.org>: Mailbox full',
  '421 4.7.0 [TSS04] Messages from 192.0.2.{b} temporarily deferred due to unexpected volume or user complaints',
  '550 5.7.1 Service unavailable, Client host [192.0.2.{b}] blocked using Spamhaus.',
  '450 4.2.0 <u{n}@example.org>: Recipient address rejected: Greylisted',
  '554 5.7.1 unique junk reply {w}',
];
const DOMAINS = ['example.org', 'gmail.com', 'yahoo.com', 'outlook.com', 'example.net'];

/** Letters-only word per i, so normalisation cannot fold the junk replies together. */
const word = (i: number): string => i.toString(26).replace(/./g, (c) => String.fromCharCode(97 + parseInt(c, 26)));

function line(i: number): string {
  const qid = (0x100000 + (i % 200_000)).toString(16).toUpperCase() + 'A';
  const dom = DOMAINS[i % DOMAINS.length];
  const reply = REPLIES[i % REPLIES.length]
    .replace(/\{n\}/g, String(i))
    .replace(/\{b\}/g, String(i % 250))
    .replace(/\{w\}/g, word(i));
  switch (i % 4) {
    case 0:
      return `Mar  4 10:00:00 mail postfix/smtp[${i % 30000}]: ${qid}: to=<user${i}@${dom}>, relay=mx.${dom}[198.51.100.${i % 250}]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ${i})`;
    case 1:
      return `Mar  4 10:00:01 mail postfix/smtp[${i % 30000}]: ${qid}: to=<user${i}@${dom}>, relay=mx.${dom}[198.51.100.${i % 250}]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.0.0, status=bounced (host mx.${dom}[198.51.100.${i % 250}] said: ${reply} (in reply to RCPT TO command))`;
    case 2:
      return `2024-03-04 10:00:02 1rh${(i % 46_656).toString(36).padStart(3, '0')}-000AbC-2x == user${i}@${dom} R=dnslookup T=remote_smtp defer (-44) H=mx.${dom} [198.51.100.${i % 250}]: SMTP error from remote mail server after RCPT TO:<user${i}@${dom}>: ${reply}`;
    default:
      return `Mar  4 10:00:03 mail sm-mta[${i % 30000}]: 424A${String(i).padStart(8, '0')}: to=<user${i}@${dom}>, delay=00:00:01, mailer=esmtp, pri=121200, relay=mx.${dom}. [203.0.113.${i % 250}], dsn=4.0.0, stat=Deferred: ${reply}`;
  }
}

async function* generate(onProgress: (bytes: number) => void): AsyncGenerator<string> {
  let bytes = 0;
  let i = 0;
  while (bytes < TOTAL) {
    const parts: string[] = [];
    let size = 0;
    while (size < CHUNK) {
      const l = line(i++);
      parts.push(l);
      size += l.length + 1;
    }
    const chunk = parts.join('\n') + '\n';
    bytes += chunk.length;
    onProgress(bytes);
    yield chunk;
  }
}

describe('log analyser memory bound', () => {
  it('streams 100 MiB with bounded heap growth', { timeout: 600_000 }, async () => {
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let nextSample = 0;
    const analyzer = new LogAnalyzer();
    let total = 0;
    for await (const chunk of generate((b) => (total = b))) {
      analyzer.write(chunk);
      if (total >= nextSample) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
        nextSample += 10 * CHUNK;
      }
    }
    analyzer.end();
    const r = analyzer.result();
    gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
    console.log(
      `log analyser: ${mib(total)} MiB / ${r.lines} lines streamed; peak heap growth after GC ${mib(peak)} MiB; patterns evicted ${r.patternsEvicted}`,
    );
    expect(total).toBeGreaterThanOrEqual(TOTAL);
    expect(r.deliveries.sent + r.deliveries.bounced + r.deliveries.deferred).toBe(r.lines);
    expect(r.topPatterns.length).toBe(20);
    expect(r.patternsEvicted).toBeGreaterThan(0);
    for (const p of r.topPatterns) expect(p.examples.length).toBeLessThanOrEqual(3);
    // Bounded: a small fraction of the input (the tables are capped at 2,000 patterns and
    // 50,000 open messages whatever the input size).
    expect(peak).toBeLessThan(48 * 1024 * 1024);
  });
});
