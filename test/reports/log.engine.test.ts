import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { analyzeLog, normalizeReply } from '../../src/reports/logs/log.engine';
import { parseLogLine, parsePostfixMessage } from '../../src/reports/logs/log-line.parser';

const FIXTURES = join(__dirname, '..', 'fixtures', 'maillogs');
const GROK = join(FIXTURES, 'postfix-grok-patterns');

interface GrokCase {
  data: string;
  results: Record<string, string | number>;
}

const grok = readdirSync(GROK)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ file: f, ...(load(readFileSync(join(GROK, f), 'utf8')) as GrokCase) }));

describe('Postfix lines of postfix-grok-patterns (BSD-3-Clause)', () => {
  const deliveries = grok.filter((c) => typeof c.results.postfix_status === 'string');
  const rejects = grok.filter(
    (c) => c.results.postfix_action === 'reject' && c.results.postfix_status_code !== undefined,
  );

  it('covers the delivery and reject cases of the suite', () => {
    expect(deliveries.length).toBeGreaterThanOrEqual(18);
    expect(rejects.length).toBeGreaterThanOrEqual(8);
  });

  for (const c of deliveries) {
    it(`${c.file}: ${String(c.results.postfix_status)}`, () => {
      const ev = parsePostfixMessage(c.data);
      expect(ev, c.data).not.toBeNull();
      const want = String(c.results.postfix_status);
      const kind = {
        sent: 'sent',
        deferred: 'deferred',
        bounced: 'bounced',
        expired: 'expired',
        'undeliverable-but-not-cached': 'bounced',
      }[want];
      expect(ev!.kind).toBe(kind);
      expect(ev!.queueId).toBe(String(c.results.postfix_queueid));
      const response =
        c.results.postfix_smtp_response ??
        c.results.postfix_error_response ??
        c.results.postfix_local_response ??
        c.results.postfix_pipe_response;
      if (response !== undefined) expect(ev!.response).toBe(String(response));
      const dsn = /dsn=([\d.]+)/.exec(String(c.results.postfix_keyvalue_data ?? ''))?.[1];
      if (dsn) expect(ev!.dsn).toBe(dsn);
    });
  }

  for (const c of rejects) {
    it(`${c.file}: reject ${String(c.results.postfix_status_code)}`, () => {
      const ev = parsePostfixMessage(c.data);
      expect(ev, c.data).toMatchObject({
        kind: 'rejected',
        code: Number(c.results.postfix_status_code),
        stage: String(c.results.postfix_smtp_stage),
      });
      if (c.results.postfix_status_code_enhanced) expect(ev!.dsn).toBe(String(c.results.postfix_status_code_enhanced));
      if (c.results.postfix_client_ip) expect(ev!.clientIp).toBe(String(c.results.postfix_client_ip));
    });
  }

  it('ignores lines that are not delivery events (anvil, cleanup, qmgr from=)', () => {
    const other = grok.filter((c) => /^(anvil|cleanup|master|scache|tlsmgr)_/.test(c.file));
    expect(other.length).toBeGreaterThan(10);
    for (const c of other) expect(parsePostfixMessage(c.data), c.data).toBeNull();
  });

  it('streams all suite lines with syslog prefixes and counts them', async () => {
    const text = grok
      .map((c, i) => `Mar  4 10:00:${String(i % 60).padStart(2, '0')} mail postfix/smtp[${1000 + i}]: ${c.data}`)
      .join('\n');
    const r = await analyzeLog([text]);
    expect(r.lines).toBe(text.split('\n').length);
    // Independent count: every suite line carrying a status= field (some are in tls_features_*).
    const count = (re: RegExp) => grok.filter((c) => re.test(c.data)).length;
    expect(r.deliveries.sent).toBe(count(/status=sent\b/));
    expect(r.deliveries.bounced).toBe(count(/status=(bounced|undeliverable)/));
    expect(r.deliveries.deferred).toBe(count(/status=deferred/));
    expect(r.deliveries.expired).toBe(count(/status=expired/));
    expect(r.deliveries.sent).toBeGreaterThanOrEqual(9);
    const spam = r.topPatterns.find((p) => p.remoteDomain === 'gmail.com' && p.kind === 'bounced');
    expect(spam).toMatchObject({
      category: 'spam_content',
      explanation: { provider: 'Gmail', findingCode: 'SMTP_SPAM_REJECTED' },
    });
    expect(spam!.examples.length).toBeGreaterThan(0);
    expect(r.topPatterns.some((p) => p.kind === 'rejected' && p.category === 'blocklisted')).toBe(true);
  });
});

describe('Exim and Sendmail logs', () => {
  it('reads an Exim main log: deliveries, deferrals, bounces, rejections, per message', async () => {
    const r = await analyzeLog(createReadStream(join(FIXTURES, 'exim-mainlog.txt')));
    expect(r.recognised.exim).toBeGreaterThan(0);
    expect(r.deliveries).toEqual({ sent: 1, deferred: 2, bounced: 3, expired: 0 });
    expect(r.rejections).toBe(2);
    expect(r.messages).toEqual({ sent: 1, bounced: 3, deferred: 2 });
    const byDomain = Object.fromEntries(r.topPatterns.map((p) => [`${p.kind}:${p.remoteDomain}`, p]));
    expect(byDomain['bounced:example.org']).toMatchObject({
      category: 'recipient_unknown',
      explanation: { findingCode: 'SMTP_RECIPIENT_UNKNOWN' },
    });
    expect(byDomain['bounced:outlook.com']).toMatchObject({
      category: 'blocklisted',
      explanation: { provider: 'Microsoft' },
    });
    expect(byDomain['deferred:gmail.com']).toMatchObject({ category: 'rate_limited' });
    expect(byDomain['bounced:example.com']).toMatchObject({ category: 'mailbox_full' });
    expect(r.topPatterns.find((p) => p.kind === 'rejected' && p.category === 'relay_denied')).toBeDefined();
    expect(r.topPatterns.find((p) => p.kind === 'rejected' && p.category === 'blocklisted')).toBeDefined();
  });

  it('reads a Sendmail log', async () => {
    const r = await analyzeLog(createReadStream(join(FIXTURES, 'sendmail-maillog.txt')));
    expect(r.recognised.sendmail).toBe(6);
    expect(r.deliveries).toEqual({ sent: 1, deferred: 2, bounced: 2, expired: 0 });
    expect(r.rejections).toBe(1);
    const cats = r.topPatterns.map((p) => `${p.kind}:${p.category}`).sort();
    expect(cats).toEqual([
      'bounced:mailbox_full',
      'bounced:recipient_unknown',
      'deferred:connection',
      'deferred:greylisted',
      'rejected:relay_denied',
    ]);
  });

  it('groups replies that differ only in addresses, IPs and ids', () => {
    const a = normalizeReply(
      'host mx.example.com[192.0.2.1] said: 550 5.1.1 <a@example.com>: User unknown (in reply to RCPT TO command)',
    );
    const b = normalizeReply(
      'host mx2.example.com[192.0.2.2] said: 550 5.1.1 <zz@example.com>: User unknown (in reply to RCPT TO command)',
    );
    expect(a).toBe(b);
    expect(a).toBe('550 5.1.1 <address>: User unknown');
  });

  it('parses lines with RFC 5424-style timestamps too', () => {
    const ev = parseLogLine(
      '2024-03-04T10:00:02.123456+00:00 mail postfix/smtp[123]: 4TpQ1Z0XyKz9: to=<u@example.com>, relay=mx.example.com[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=4.7.0, status=deferred (host mx.example.com[192.0.2.1] said: 421 4.7.0 Try again later (in reply to end of DATA command))',
    );
    expect(ev).toMatchObject({
      mta: 'postfix',
      kind: 'deferred',
      queueId: '4TpQ1Z0XyKz9',
      dsn: '4.7.0',
      relay: 'mx.example.com',
      relayIp: '192.0.2.1',
    });
  });
});
