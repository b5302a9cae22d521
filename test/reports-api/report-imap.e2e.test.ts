/**
 * IMAP report polling against a real Dovecot (test/support/dovecot.ts, a private instance on a free
 * port): reports appended to the mailbox are fetched by the service (imapflow), parsed by the worker
 * and stored for the tenant of their dmarc+<token>@ recipient, or REPORTS_IMAP_TENANT; fetched
 * messages are flagged \Seen and not taken twice.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestApp, TENANT_A_KEY, TENANT_B_KEY, until, type TestApp } from '../support/app';
import { startDovecot, type RunningDovecot } from '../support/dovecot';
import { requirePeer } from '../support/peers';

const FIX = join(__dirname, '../fixtures/dmarc-reports');
const read = (p: string) => readFileSync(join(FIX, p));

describe.skipIf(!requirePeer('dovecot'))('report intake by IMAP polling (Dovecot)', () => {
  let dovecot: RunningDovecot;
  let t: TestApp;
  let client: ImapFlow;

  beforeAll(async () => {
    dovecot = await startDovecot();
    client = new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: 'reports', pass: dovecot.password },
      logger: false,
    });
    await client.connect();
    t = await startTestApp({
      REPORTS_IMAP_URL: `imap://reports:${dovecot.password}@${dovecot.host}:${dovecot.port}`,
      REPORTS_IMAP_TENANT: 'tenant-a',
      REPORTS_IMAP_INTERVAL_MS: '1000',
      REPORTS_SMTP_DOMAIN: 'reports.test',
    });
  }, 60_000);
  afterAll(async () => {
    await client?.logout().catch(() => undefined);
    await t?.close();
    await dovecot?.stop();
  });

  it('fetches unseen report mail, routes it by recipient, stores it and flags it seen', async () => {
    const b = (await request(t.url).get('/v1/reports/address').set(auth(TENANT_B_KEY))).body.address as string;
    const aggregate = read('stalwart/dmarc-feedback/100.eml'); // zip attachment, stalw.art
    const failure = read('parsedmarc/failure/dmarc_ruf_report_linkedin.eml');
    const tls = read('stalwart/tlsrpt/rpt02.eml')
      .toString('latin1')
      .replace(/^To: .*$/m, `To: ${b}`);
    await client.append('INBOX', aggregate);
    await client.append('INBOX', failure);
    await client.append('INBOX', Buffer.from(tls, 'latin1'));

    const a = await until(async () => {
      const l = await request(t.url).get('/v1/reports').set(auth(TENANT_A_KEY));
      return l.body.length >= 2 ? (l.body as { kind: string; domain: string }[]) : undefined;
    }, 30_000);
    expect(a.map((r) => [r.kind, r.domain]).sort()).toEqual([
      ['aggregate', 'stalw.art'],
      ['failure', 'example.com'],
    ]);
    const bReports = await until(async () => {
      const l = await request(t.url).get('/v1/reports').set(auth(TENANT_B_KEY));
      return l.body.length ? (l.body as { kind: string }[]) : undefined;
    }, 30_000);
    expect(bReports.map((r) => r.kind)).toEqual(['tlsrpt']);

    const lock = await client.getMailboxLock('INBOX');
    try {
      const msgs = await client.fetchAll('1:*', { uid: true, flags: true });
      expect(msgs).toHaveLength(3);
      for (const m of msgs) expect([...(m.flags ?? [])]).toContain('\\Seen');
    } finally {
      lock.release();
    }
    // Later polls take nothing twice.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await request(t.url).get('/v1/reports').set(auth(TENANT_A_KEY))).body).toHaveLength(2);
  }, 90_000);
});
