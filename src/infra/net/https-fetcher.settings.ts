import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { envInt } from '../../config/env-int';

/**
 * Settings of the HTTPS fetcher (AppConfig slice `mtaSts`, parsed once at boot):
 * - MTA_STS_CA_FILE: PEM file of extra trusted CAs, added to Node's roots (tests, private PKI);
 * - MTA_STS_PORT: connect to this port instead of 443 (tests only);
 * - MTA_STS_TIMEOUT_MS (10000): whole-request bound;
 * - MTA_STS_MAX_BYTES (65536): body size bound.
 */
export interface HttpsFetcherSettings {
  timeoutMs: number;
  maxBytes: number;
  portOverride: number | undefined;
  /** Trusted CAs (Node's roots plus MTA_STS_CA_FILE), or undefined for Node's defaults. */
  ca: string[] | undefined;
}

export function readHttpsFetcherSettings(env: Record<string, string | undefined>): HttpsFetcherSettings {
  let ca: string[] | undefined;
  if (env.MTA_STS_CA_FILE) {
    try {
      ca = [...rootCertificates, readFileSync(env.MTA_STS_CA_FILE, 'utf8')];
    } catch (e) {
      throw new Error(`MTA_STS_CA_FILE: cannot read ${env.MTA_STS_CA_FILE} (${(e as Error).message})`, { cause: e });
    }
  }
  return {
    timeoutMs: envInt(env, 'MTA_STS_TIMEOUT_MS', 10_000, 100, 120_000),
    maxBytes: envInt(env, 'MTA_STS_MAX_BYTES', 65_536, 1024, 10_485_760),
    portOverride: env.MTA_STS_PORT ? envInt(env, 'MTA_STS_PORT', 443, 1, 65535) : undefined,
    ca,
  };
}
