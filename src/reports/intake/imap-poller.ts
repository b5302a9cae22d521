import { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import type { ReportIntakeService } from './intake.service';
import type { ReportsIntakeSettings } from './intake.settings';

/**
 * Optional IMAP polling of a mailbox that receives reports (imapflow), for operators whose rua=
 * already points at a mailbox: every REPORTS_IMAP_INTERVAL_MS, unseen messages are fetched (at most
 * MAX_PER_POLL, each at most REPORTS_MAX_BYTES by its IMAP size before its body is fetched), handed
 * to intake like an SMTP delivery (the tenant from a dmarc+<token>@ recipient, else
 * REPORTS_IMAP_TENANT), then flagged \Seen. A poll never overlaps the previous one.
 */
const MAX_PER_POLL = 50;

export interface ImapPollResult {
  submitted: number;
  skipped: number;
}

export class ImapPoller {
  private timer?: NodeJS.Timeout;
  private running?: Promise<ImapPollResult>;

  constructor(
    private readonly settings: NonNullable<ReportsIntakeSettings['imap']>,
    private readonly maxBytes: number,
    private readonly intake: ReportIntakeService,
    private readonly log: Logger,
  ) {}

  start(): void {
    const tick = () => {
      this.pollOnce()
        .catch((e: Error) => this.log.warn({ err: e.message }, 'IMAP report poll failed'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.settings.intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  pollOnce(): Promise<ImapPollResult> {
    this.running ??= this.poll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async poll(): Promise<ImapPollResult> {
    const s = this.settings;
    const client = new ImapFlow({
      host: s.host,
      port: s.port,
      secure: s.secure,
      auth: { user: s.user, pass: s.pass },
      logger: false,
      // Plain imap:// is for loopback or a private network; imaps:// verifies the certificate.
      ...(s.secure ? {} : { doSTARTTLS: false }),
    });
    client.on('error', (e: Error) => this.log.warn({ err: e.message }, 'IMAP connection error'));
    await client.connect();
    const out: ImapPollResult = { submitted: 0, skipped: 0 };
    try {
      const lock = await client.getMailboxLock(s.mailbox);
      try {
        const unseen = (await client.fetchAll({ seen: false }, { uid: true, size: true, envelope: true })).slice(
          0,
          MAX_PER_POLL,
        );
        for (const m of unseen) {
          if ((m.size ?? 0) > this.maxBytes) {
            this.log.warn({ uid: m.uid, size: m.size }, 'IMAP report message too large: left unread');
            out.skipped++;
            continue;
          }
          const full = await client.fetchOne(String(m.uid), { source: true }, { uid: true });
          if (!full || !full.source) continue;
          const rcpts = [...(m.envelope?.to ?? []), ...(m.envelope?.cc ?? [])]
            .map((a) => a.address)
            .filter((a): a is string => Boolean(a));
          const routed = (await Promise.all(rcpts.map((a) => this.intake.tenantForRecipient(a)))).find(Boolean);
          const tenant = routed ?? s.tenantId;
          if (!tenant) {
            out.skipped++;
            continue;
          }
          await this.intake.submit(tenant, full.source, 'imap');
          await client.messageFlagsAdd(String(m.uid), ['\\Seen'], { uid: true });
          out.submitted++;
        }
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
    return out;
  }
}
