import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { ReportIntakeService } from './intake.service';
import type { ReportsIntakeSettings } from './intake.settings';

/**
 * The inbound SMTP endpoint for rua / ruf / TLS-RPT mail (nodemailer's smtp-server): its own port
 * (REPORTS_SMTP_PORT, off by default), STARTTLS when a certificate is configured, no AUTH (report
 * generators do not authenticate), the SIZE extension and a hard cut at REPORTS_MAX_BYTES, and
 * recipients only of the form dmarc+<token>@REPORTS_SMTP_DOMAIN (unknown ones get 550, so it is no
 * open relay). Each accepted message becomes one intake job per recipient tenant.
 */
const MAX_RECIPIENTS = 10;

export class SmtpIntakeServer {
  private server?: SMTPServer;

  constructor(
    private readonly settings: ReportsIntakeSettings,
    private readonly intake: ReportIntakeService,
    private readonly log: Logger,
  ) {}

  async start(): Promise<number> {
    const s = this.settings.smtp;
    const tenants = new Map<string, Set<string>>();
    const max = this.settings.limits.maxInputBytes;
    this.server = new SMTPServer({
      logger: false,
      banner: 'smtp-doctor report intake',
      disableReverseLookup: true,
      authOptional: true,
      disabledCommands: ['AUTH'],
      size: max,
      maxClients: s.maxClients,
      socketTimeout: 60_000,
      closeTimeout: 5_000,
      ...(s.tls ? { key: s.tls.key, cert: s.tls.cert } : { hideSTARTTLS: true }),
      onMailFrom: (_address, session, cb) => {
        // A new transaction (or RSET) starts with no recipients.
        tenants.delete(session.id);
        cb();
      },
      onRcptTo: (address, session, cb) => {
        void (async () => {
          const seen = tenants.get(session.id) ?? new Set<string>();
          if (seen.size >= MAX_RECIPIENTS)
            return cb(Object.assign(new Error('Too many recipients'), { responseCode: 452 }));
          const tenant = await this.intake.tenantForRecipient(address.address);
          if (!tenant) return cb(Object.assign(new Error('No such report mailbox here'), { responseCode: 550 }));
          seen.add(tenant);
          tenants.set(session.id, seen);
          cb();
        })().catch((e: Error) => cb(Object.assign(new Error('Try again later'), { responseCode: 451, cause: e })));
      },
      onData: (stream: SMTPServerDataStream, session: SMTPServerSession, cb) => {
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (c: Buffer) => {
          size += c.length;
          // Keep nothing past the bound; smtp-server sets sizeExceeded and we answer 552 at the end.
          if (size <= max) chunks.push(c);
        });
        stream.on('end', () => {
          const ids = tenants.get(session.id) ?? new Set<string>();
          tenants.delete(session.id);
          if (stream.sizeExceeded || size > max)
            return cb(Object.assign(new Error(`Message exceeds ${max} bytes`), { responseCode: 552 }));
          const raw = Buffer.concat(chunks);
          Promise.all([...ids].map((t) => this.intake.submit(t, raw, 'smtp')))
            .then((rows) => cb(null, `Queued as ${rows.map((r) => r.id).join(',')}`))
            .catch((e: Error) => {
              this.log.warn({ err: e }, 'report intake over SMTP failed');
              cb(Object.assign(new Error('Try again later'), { responseCode: 451 }));
            });
        });
      },
      onClose: (session) => {
        tenants.delete(session.id);
      },
    });
    this.server.on('error', (e) => this.log.warn({ err: e }, 'report intake SMTP server error'));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(s.port, s.host, () => resolve());
    });
    const port = (this.server.server.address() as AddressInfo).port;
    this.log.info({ port, domain: s.domain, tls: Boolean(s.tls) }, 'report intake SMTP listening');
    return port;
  }

  get port(): number | undefined {
    const a = this.server?.server.address();
    return a && typeof a === 'object' ? a.port : undefined;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}
