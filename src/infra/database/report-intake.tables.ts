import type { Kysely } from 'kysely';
import type { Database } from './database.types';

/**
 * Tables of report intake (migration 0003_report_intake): what arrived (the inbox, raw input kept
 * until parsed), the parsed reports (deduplicated per tenant by `dedup_key`), and each tenant's
 * intake address token (`dmarc+<token>@REPORTS_SMTP_DOMAIN`).
 */
export interface ReportInboxTable {
  id: string;
  tenant_id: string;
  source: 'upload' | 'smtp' | 'imap';
  status: 'queued' | 'stored' | 'refused';
  size: number;
  /** The input, base64, until the job has parsed it (then null). */
  raw: string | null;
  code: string | null;
  reason: string | null;
  /** JSON string[] of dmarc_reports ids the input produced (duplicates point at the stored one). */
  report_ids: string | null;
  received_at: string;
  completed_at: string | null;
}

export interface DmarcReportsTable {
  id: string;
  tenant_id: string;
  kind: 'aggregate' | 'failure' | 'tlsrpt';
  /** sha256 of kind, organisation, report id and domain: the same report stored once. */
  dedup_key: string;
  domain: string;
  org_name: string;
  report_id: string;
  begin_at: string;
  end_at: string;
  /** Messages (aggregate), sessions (TLS-RPT) or 1 (failure) the report covers. */
  messages: number;
  /** The parsed report (src/reports/intake/report.types.ts), JSON. */
  body: string;
  received_at: string;
}

export interface ReportAddressesTable {
  token: string;
  tenant_id: string;
  created_at: string;
}

export interface ReportIntakeDatabase extends Database {
  report_inbox: ReportInboxTable;
  dmarc_reports: DmarcReportsTable;
  report_addresses: ReportAddressesTable;
}

export function reportIntakeDb(db: Kysely<Database>): Kysely<ReportIntakeDatabase> {
  return db as unknown as Kysely<ReportIntakeDatabase>;
}
