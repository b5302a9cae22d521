import { readFileSync } from 'node:fs';
import { ConfigError } from '../../config/config-error';
import { envIntReader } from '../../config/env-int';
import type { ReportLimits } from './report.types';

/** Settings of report intake (AppConfig slice `reportsIntake`, parsed once at boot). */
export interface ReportsIntakeSettings {
  /** REPORTS_MAX_BYTES, REPORTS_MAX_DECOMPRESSED_BYTES, REPORTS_MAX_RATIO, REPORTS_MAX_ENTRIES, REPORTS_MAX_RECORDS. */
  limits: ReportLimits;
  smtp: {
    /** REPORTS_SMTP_PORT (default 0 = off): the inbound SMTP endpoint for rua/ruf/TLS-RPT mail. */
    port: number;
    /** REPORTS_SMTP_HOST (default 0.0.0.0): address it listens on. */
    host: string;
    /** REPORTS_SMTP_DOMAIN (default localhost): the domain of the intake addresses dmarc+<token>@<domain>. */
    domain: string;
    /** REPORTS_SMTP_TLS_CERT_FILE / REPORTS_SMTP_TLS_KEY_FILE: PEM files; STARTTLS is offered when set. */
    tls?: { cert: Buffer; key: Buffer };
    /** REPORTS_SMTP_MAX_CLIENTS (default 20): connections at once. */
    maxClients: number;
  };
  /**
   * REPORTS_IMAP_URL (imap:// or imaps://user:password@host:port, off when unset), REPORTS_IMAP_MAILBOX
   * (INBOX), REPORTS_IMAP_TENANT (tenant of messages not sent to a dmarc+<token>@ address),
   * REPORTS_IMAP_INTERVAL_MS (60000): optional polling of a mailbox that receives reports.
   */
  imap?: {
    host: string;
    port: number;
    secure: boolean;
    user: string;
    pass: string;
    mailbox: string;
    tenantId?: string;
    intervalMs: number;
  };
}

export function readReportsIntakeSettings(env: Record<string, string | undefined>): ReportsIntakeSettings {
  const { int, problems } = envIntReader(env);
  const MiB = 1024 * 1024;
  const limits: ReportLimits = {
    maxInputBytes: int('REPORTS_MAX_BYTES', 10 * MiB, 1024, 512 * MiB),
    maxDecompressedBytes: int('REPORTS_MAX_DECOMPRESSED_BYTES', 50 * MiB, 1024, 1024 * MiB),
    maxRatio: int('REPORTS_MAX_RATIO', 200, 2, 100_000),
    maxEntries: int('REPORTS_MAX_ENTRIES', 10, 1, 1000),
    maxRecords: int('REPORTS_MAX_RECORDS', 100_000, 1, 10_000_000),
  };
  const port = int('REPORTS_SMTP_PORT', 0, 0, 65535);
  const maxClients = int('REPORTS_SMTP_MAX_CLIENTS', 20, 1, 10_000);
  let tls: ReportsIntakeSettings['smtp']['tls'];
  const certFile = env.REPORTS_SMTP_TLS_CERT_FILE;
  const keyFile = env.REPORTS_SMTP_TLS_KEY_FILE;
  if (Boolean(certFile) !== Boolean(keyFile))
    problems.push('REPORTS_SMTP_TLS_CERT_FILE and REPORTS_SMTP_TLS_KEY_FILE must be set together');
  else if (certFile && keyFile) {
    try {
      tls = { cert: readFileSync(certFile), key: readFileSync(keyFile) };
    } catch (e) {
      problems.push(`REPORTS_SMTP_TLS_CERT_FILE/REPORTS_SMTP_TLS_KEY_FILE: ${(e as Error).message}`);
    }
  }
  const domain = (env.REPORTS_SMTP_DOMAIN || 'localhost').toLowerCase();
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(domain))
    problems.push(`REPORTS_SMTP_DOMAIN: "${domain}" is not a domain name`);
  const intervalMs = int('REPORTS_IMAP_INTERVAL_MS', 60_000, 1000, 86_400_000);
  let imap: ReportsIntakeSettings['imap'];
  if (env.REPORTS_IMAP_URL) {
    let u: URL | undefined;
    try {
      u = new URL(env.REPORTS_IMAP_URL);
    } catch {
      problems.push('REPORTS_IMAP_URL: not a URL (imap://user:password@host:port or imaps://...)');
    }
    if (u && (!/^imaps?:$/.test(u.protocol) || !u.hostname || !u.username))
      problems.push('REPORTS_IMAP_URL: must be imap:// or imaps:// with a user, password and host');
    else if (u)
      imap = {
        host: u.hostname,
        port: u.port ? Number(u.port) : u.protocol === 'imaps:' ? 993 : 143,
        secure: u.protocol === 'imaps:',
        user: decodeURIComponent(u.username),
        pass: decodeURIComponent(u.password),
        mailbox: env.REPORTS_IMAP_MAILBOX || 'INBOX',
        ...(env.REPORTS_IMAP_TENANT ? { tenantId: env.REPORTS_IMAP_TENANT } : {}),
        intervalMs,
      };
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    limits,
    smtp: { port, host: env.REPORTS_SMTP_HOST || '0.0.0.0', domain, ...(tls ? { tls } : {}), maxClients },
    ...(imap ? { imap } : {}),
  };
}
