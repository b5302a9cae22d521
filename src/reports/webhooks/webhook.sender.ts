import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import { checkAddress } from '../../infra/net/address-policy';
import type { DnsResolver } from '../../infra/dns/resolver.port';

export type SendResult =
  { ok: true; status: number; address: string } | { ok: false; status?: number; address?: string; error: string };

export interface WebhookSender {
  post(url: string, body: string, headers: Record<string, string>): Promise<SendResult>;
}

/** Reject URLs no delivery could use: scheme, credentials, length. Host policy is checked at send. */
export function urlProblem(raw: string): string | undefined {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'is not an absolute URL';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'must be an http:// or https:// URL';
  if (u.username || u.password) return 'must not contain credentials';
  if (!u.hostname) return 'has no host';
  return undefined;
}

/**
 * SSRF-safe POST, the probe's policy applied to webhooks: the host is resolved once through the
 * DnsResolver port, every address is vetted with checkAddress(ip, PROBE_ALLOWED_CIDRS), and the
 * connection goes to a vetted IP (Host and SNI set to the name), so DNS cannot swap in a private
 * address between the check and the connect. Redirects are not followed (a 3xx is a failure).
 */
export function createWebhookSender(o: {
  resolver: DnsResolver;
  allowedCidrs: string[];
  timeoutMs: number;
}): WebhookSender {
  async function vetted(host: string): Promise<{ ip?: string; error?: string }> {
    const bare = host.replace(/^\[|\]$/g, '');
    let addrs: string[];
    if (isIP(bare)) addrs = [bare];
    else {
      const [a, aaaa] = await Promise.all([o.resolver.query(bare, 'A'), o.resolver.query(bare, 'AAAA')]);
      addrs = [...a.answers, ...aaaa.answers].filter((x) => isIP(x));
      if (!addrs.length) return { error: `${bare} has no address (A: ${a.status}, AAAA: ${aaaa.status})` };
    }
    const verdicts = addrs.map((ip) => ({ ip, v: checkAddress(ip, o.allowedCidrs) }));
    const ok = verdicts.find((x) => x.v.allowed);
    return ok ? { ip: ok.ip } : { error: `refused by the address policy: ${verdicts[0]!.v.reason}` };
  }

  return {
    async post(raw, body, headers) {
      const problem = urlProblem(raw);
      if (problem) return { ok: false, error: `URL ${problem}` };
      const url = new URL(raw);
      const { ip, error } = await vetted(url.hostname);
      if (!ip) return { ok: false, error: error! };
      const secure = url.protocol === 'https:';
      const mod = secure ? https : http;
      return new Promise<SendResult>((resolve) => {
        const req = mod.request(
          {
            host: ip,
            port: url.port ? Number(url.port) : secure ? 443 : 80,
            path: `${url.pathname}${url.search}`,
            method: 'POST',
            agent: false,
            timeout: o.timeoutMs,
            ...(secure && !isIP(url.hostname.replace(/^\[|\]$/g, '')) ? { servername: url.hostname } : {}),
            headers: {
              ...headers,
              Host: url.host,
              'Content-Type': 'application/json',
              'Content-Length': String(Buffer.byteLength(body)),
            },
          },
          (res) => {
            // The answer's body is not used; drain a little so the socket can close cleanly.
            res.resume();
            const status = res.statusCode ?? 0;
            res.on('end', () =>
              resolve(
                status >= 200 && status < 300
                  ? { ok: true, status, address: ip }
                  : { ok: false, status, address: ip, error: `HTTP ${status}` },
              ),
            );
            res.on('error', (e) => resolve({ ok: false, status, address: ip, error: e.message }));
          },
        );
        const timer = setTimeout(() => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)), o.timeoutMs);
        req.on('timeout', () => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)));
        req.on('error', (e) => resolve({ ok: false, address: ip, error: e.message }));
        req.on('close', () => clearTimeout(timer));
        req.end(body);
      });
    },
  };
}
