import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createResolver, toMailauthResolver } from '../../src/infra/dns';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { CONTENT_FIXTURES } from './helpers';

/** The fixture DNS server with zone.txt, the RFC 8463 keys and the faults the fixtures rely on. */
export async function startContentDns(): Promise<{
  server: FixtureDnsServer;
  deps: { mailauthResolver: ReturnType<typeof toMailauthResolver>; dns: ReturnType<typeof createResolver> };
}> {
  const server = await startDnsServer({ zoneText: readFileSync(join(CONTENT_FIXTURES, 'zone.txt'), 'utf8') });
  const keys = JSON.parse(readFileSync(join(CONTENT_FIXTURES, 'dkim', 'rfc8463-dns.json'), 'utf8')) as Record<
    string,
    { TXT: string[][] }
  >;
  for (const [name, rr] of Object.entries(keys)) {
    if (name.includes('_domainkey'))
      server.addRecords(rr.TXT.map((chunks) => ({ name, type: 'TXT', data: chunks.join('') })));
  }
  // The ARC fixture's seal key: a real RSA key, so the chain fails on its signature, not a missing key.
  server.addRecords([
    {
      name: 'arc._domainkey.forwarder.example',
      type: 'TXT',
      data: keys['test._domainkey.football.example.com']!.TXT[0]!.join(''),
    },
  ]);
  server.fault('sel._domainkey.slowdns.example', 'servfail');
  const dns = createResolver({
    dnsServers: [{ host: server.host, port: server.port }],
    dnsTimeoutMs: 500,
    dnsRetries: 0,
    dnsFallbackServers: [],
    env: {},
  });
  return { server, deps: { mailauthResolver: toMailauthResolver(dns), dns } };
}
