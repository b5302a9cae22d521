import * as https from 'node:https';
import { isIP } from 'node:net';
import { createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import type { DnsResolver } from '../dns/resolver.port';
import { checkAddress } from './address-policy';
import { readHttpsFetcherSettings, type HttpsFetcherSettings } from './https-fetcher.settings';

/**
 * SSRF-safe HTTPS GET (used for MTA-STS policies, RFC 8461 §3.3). The name is resolved through
 * the DnsResolver port, every address is vetted with the probe's address policy, and the
 * connection goes to a vetted IP with SNI and Host set to the name, so a DNS answer cannot steer
 * us to a private address between the check and the connect (no second resolution happens).
 * Redirects are not followed (RFC 8461 §3.3: "HTTP 3xx redirects MUST NOT be followed"), the
 * certificate must be valid for the name, and size and time are bounded.
 *
 * Settings: https-fetcher.settings.ts (MTA_STS_*).
 */
export type HttpsFetchResult =
  | {
      ok: true;
      status: number;
      contentType: string | undefined;
      body: string;
      address: string;
      location?: string;
      /** The server certificate's validity end (ISO), for expiry ahead of time. */
      certValidTo?: string;
    }
  | {
      ok: false;
      reason: 'url' | 'dns' | 'ssrf' | 'connect' | 'tls' | 'timeout' | 'too-large';
      error: string;
      address?: string;
      addresses?: string[];
    };

export interface HttpsFetcher {
  get(url: string, opts?: { signal?: AbortSignal }): Promise<HttpsFetchResult>;
}

export interface HttpsFetcherOptions {
  resolver: DnsResolver;
  allowedCidrs: string[];
  /** The parsed `mtaSts` slice of AppConfig; callers outside the app may pass raw `env` instead. */
  settings?: HttpsFetcherSettings;
  env?: Record<string, string | undefined>;
}

/**
 * The TLS context of a CA list, built once per list. The service makes a fetcher per check (on
 * that check's resolver) from the one `mtaSts` settings object parsed at boot, so keying on the
 * list itself shares one context across all checks: building it (addCACert over Node's ~140 roots)
 * was 29% of the service's CPU in bench/dns-audit, ~8 ms per audited domain.
 */
const contexts = new WeakMap<readonly string[], SecureContext>();
function contextFor(ca: readonly string[]): SecureContext {
  let ctx = contexts.get(ca);
  if (!ctx) {
    ctx = createSecureContext({ ca: [...ca] });
    contexts.set(ca, ctx);
  }
  return ctx;
}

export function createHttpsFetcher(o: HttpsFetcherOptions): HttpsFetcher {
  const { timeoutMs, maxBytes, portOverride, ca } = o.settings ?? readHttpsFetcherSettings(o.env ?? {});
  // Extra trusted CAs: one TLS context per CA list (a `ca` option per request would parse Node's
  // roots and the extra ones again for every fetch); without them, Node's default context.
  const secureContext = ca ? contextFor(ca) : undefined;

  function once(ip: string, url: URL, signal?: AbortSignal): Promise<HttpsFetchResult> {
    const port = portOverride ?? (url.port ? Number(url.port) : 443);
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: HttpsFetchResult) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          resolve(r);
        }
      };
      const req = https.request(
        {
          host: ip,
          port,
          path: `${url.pathname}${url.search}`,
          method: 'GET',
          servername: isIP(url.hostname) ? undefined : url.hostname,
          headers: { Host: url.host, 'User-Agent': 'smtp-doctor (MTA-STS policy fetch)', Accept: 'text/plain' },
          agent: false,
          ...(secureContext ? { secureContext } : {}),
          signal,
        },
        (res) => {
          // Read while the socket is open: the certificate is gone once it is destroyed.
          // The X509Certificate's validity only (getPeerCertificate() builds the whole certificate
          // object with three fingerprints: 2% of the service's CPU in bench/dns-audit).
          const validTo = (res.socket as TLSSocket).getPeerX509Certificate?.()?.validTo;
          const certValidTo =
            validTo && !Number.isNaN(Date.parse(validTo)) ? new Date(validTo).toISOString() : undefined;
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxBytes) {
              req.destroy();
              done({ ok: false, reason: 'too-large', error: `response larger than ${maxBytes} bytes`, address: ip });
              return;
            }
            chunks.push(c);
          });
          res.on('end', () =>
            done({
              ok: true,
              status: res.statusCode ?? 0,
              contentType: res.headers['content-type'],
              body: Buffer.concat(chunks).toString('utf8'),
              address: ip,
              ...(res.headers.location ? { location: res.headers.location } : {}),
              ...(certValidTo ? { certValidTo } : {}),
            }),
          );
          res.on('error', (e) => done({ ok: false, reason: 'connect', error: e.message, address: ip }));
        },
      );
      const timer = setTimeout(() => {
        req.destroy();
        done({ ok: false, reason: 'timeout', error: `no complete answer within ${timeoutMs} ms`, address: ip });
      }, timeoutMs);
      req.on('error', (e: NodeJS.ErrnoException) => {
        const tls = /CERT|SSL|TLS|self[- ]signed|Hostname\/IP does not match|unable to verify/i.test(
          `${e.code ?? ''} ${e.message}`,
        );
        done({ ok: false, reason: tls ? 'tls' : 'connect', error: e.message, address: ip });
      });
      req.end();
    });
  }

  const ssrfRefused = (addrs: string[]): HttpsFetchResult => ({
    ok: false,
    reason: 'ssrf',
    error: checkAddress(addrs[0]!, o.allowedCidrs).reason ?? 'address refused',
    addresses: addrs,
  });

  return {
    async get(raw, opts = {}) {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return { ok: false, reason: 'url', error: `"${raw}" is not a URL` };
      }
      if (url.protocol !== 'https:') return { ok: false, reason: 'url', error: 'only https: URLs are fetched' };
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const allowedOf = (ips: string[]) => ips.filter((ip) => checkAddress(ip, o.allowedCidrs).allowed);
      let last: HttpsFetchResult | undefined;
      // Only a failure to connect moves on to the next address; TLS and HTTP answers are final.
      const tryEach = async (ips: string[]): Promise<HttpsFetchResult | undefined> => {
        for (const ip of ips) {
          last = await once(ip, url, opts.signal);
          if (last.ok || last.reason !== 'connect') return last;
        }
        return undefined;
      };
      if (isIP(host)) {
        if (!allowedOf([host]).length) return ssrfRefused([host]);
        return (await tryEach([host])) ?? last!;
      }
      // IPv4 addresses are tried first, as before; the AAAA set is asked for only when no A address
      // gave an answer (none, none allowed, or none connected). Once an A address has answered, the
      // AAAA answer cannot change the result, so the query is not spent (one per audited domain).
      const a = await o.resolver.query(host, 'A');
      const first = await tryEach(allowedOf(a.answers));
      if (first) return first;
      const aaaa = await o.resolver.query(host, 'AAAA');
      const addrs = [...a.answers, ...aaaa.answers];
      if (!addrs.length)
        return { ok: false, reason: 'dns', error: `${host} has no address (A: ${a.status}, AAAA: ${aaaa.status})` };
      if (!allowedOf(addrs).length) return ssrfRefused(addrs);
      return (await tryEach(allowedOf(aaaa.answers))) ?? last!;
    },
  };
}
