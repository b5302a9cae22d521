import { readFileSync } from 'node:fs';
import { envInt } from '../config/env-int';

/**
 * Probe settings (AppConfig slice `probe`, parsed once at boot by loadConfig): the shared
 * PROBE_ALLOWED_CIDRS / PROBE_ALLOWED_PORTS plus the module's own PROBE_* variables.
 * The first six fields are the SMTP client's bounds (ClientBounds in smtp-client.ts), declared
 * here rather than imported so that the config schema does not depend on the engine.
 */
export interface ProbeSettings {
  bannerTimeoutMs: number;
  commandTimeoutMs: number;
  tlsTimeoutMs: number;
  maxLineBytes: number;
  maxReplyBytes: number;
  maxReplyLines: number;
  allowedCidrs: string[];
  allowedPorts: number[];
  connectTimeoutMs: number;
  slowReplyMs: number;
  defaultTimeoutMs: number;
  maxTimeoutMs: number;
  ehloName: string;
  mailFrom: string;
  relayTestFrom: string;
  relayTestRcpt: string;
  maxPerIp: number;
  minIntervalMs: number;
  cacheTtlMs: number;
  maxMxHosts: number;
  ipv6: boolean;
  /** Ports spoken with implicit TLS (RFC 8314 §3.3); 465 unless PROBE_IMPLICIT_TLS_PORTS says otherwise. */
  implicitTlsPorts: number[];
  /** Ports where clients verify certificates and authenticate (submission): 587 plus the implicit-TLS ports. */
  submissionPorts: number[];
  /** PEM CA certificates trusted in addition to the system roots (PROBE_CA_FILE). */
  extraCa: string[];
  /** A certificate expiring within this many days is a finding (CERT_EXPIRY_WARN_DAYS; 0 = off). */
  certExpiryWarnDays: number;
}

export class ProbeSettingsError extends Error {}

const int = (env: Record<string, string | undefined>, key: string, def: number, min: number, max: number) =>
  envInt(env, key, def, min, max, (m) => new ProbeSettingsError(m));

const caCache = new Map<string, string[]>();

function readCa(path: string | undefined): string[] {
  if (!path) return [];
  let pems = caCache.get(path);
  if (!pems) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new ProbeSettingsError(`PROBE_CA_FILE: cannot read ${path} (${(e as Error).message})`);
    }
    pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (!pems.length) throw new ProbeSettingsError(`PROBE_CA_FILE: ${path} holds no PEM certificate`);
    caCache.set(path, pems);
  }
  return pems;
}

export function parseProbeSettings(
  env: Record<string, string | undefined>,
  shared: { probeAllowedCidrs?: string[]; probeAllowedPorts?: number[] },
): ProbeSettings {
  const implicitTlsPorts = (env.PROBE_IMPLICIT_TLS_PORTS || '465').split(',').map((x) => Number(x.trim()));
  if (implicitTlsPorts.some((n) => !Number.isInteger(n) || n < 1 || n > 65535))
    throw new ProbeSettingsError(
      `PROBE_IMPLICIT_TLS_PORTS: "${env.PROBE_IMPLICIT_TLS_PORTS}" must be a comma-separated list of ports`,
    );
  const maxTimeoutMs = int(env, 'PROBE_MAX_TIMEOUT_MS', 300_000, 1000, 3_600_000);
  return {
    allowedCidrs: shared.probeAllowedCidrs ?? [],
    allowedPorts: shared.probeAllowedPorts ?? [25, 465, 587, 2525],
    connectTimeoutMs: int(env, 'PROBE_CONNECT_TIMEOUT_MS', 10_000, 50, 300_000),
    // RFC 5321 §4.5.3.2.1 lets a client wait 5 minutes for the greeting; a diagnosis needs less.
    bannerTimeoutMs: int(env, 'PROBE_BANNER_TIMEOUT_MS', 30_000, 50, 300_000),
    commandTimeoutMs: int(env, 'PROBE_COMMAND_TIMEOUT_MS', 30_000, 50, 300_000),
    tlsTimeoutMs: int(env, 'PROBE_TLS_TIMEOUT_MS', 15_000, 50, 300_000),
    slowReplyMs: int(env, 'PROBE_SLOW_REPLY_MS', 5_000, 1, 300_000),
    defaultTimeoutMs: int(env, 'PROBE_TIMEOUT_MS', 60_000, 1000, maxTimeoutMs),
    maxTimeoutMs,
    maxLineBytes: int(env, 'PROBE_MAX_LINE_BYTES', 4096, 512, 65_536),
    maxReplyBytes: int(env, 'PROBE_MAX_REPLY_BYTES', 65_536, 512, 1_048_576),
    maxReplyLines: int(env, 'PROBE_MAX_REPLY_LINES', 200, 1, 10_000),
    ehloName: env.PROBE_EHLO_NAME || 'smtp-doctor.invalid',
    mailFrom: env.PROBE_MAIL_FROM ?? '',
    relayTestFrom: env.PROBE_RELAY_TEST_FROM || 'relay-test@example.org',
    relayTestRcpt: env.PROBE_RELAY_TEST_RCPT || 'relay-test@example.net',
    maxPerIp: int(env, 'PROBE_MAX_PER_IP', 2, 1, 100),
    minIntervalMs: int(env, 'PROBE_MIN_INTERVAL_MS', 1000, 0, 600_000),
    cacheTtlMs: int(env, 'PROBE_CACHE_TTL_MS', 300_000, 0, 86_400_000),
    maxMxHosts: int(env, 'PROBE_MAX_MX_HOSTS', 5, 1, 50),
    ipv6: /^(1|true|yes)$/i.test(env.PROBE_IPV6 ?? ''),
    extraCa: readCa(env.PROBE_CA_FILE),
    certExpiryWarnDays: int(env, 'CERT_EXPIRY_WARN_DAYS', 21, 0, 365),
    implicitTlsPorts,
    submissionPorts: [...new Set([587, ...implicitTlsPorts])],
  };
}
