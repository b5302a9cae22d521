/**
 * bench/dns-audit: the `dns` audit over many synthetic domains served by the fixture DNS server
 * on loopback. Prints domains per second, DNS queries per domain, and the achieved query rate as
 * a ratio to the fixture server's own maximum, measured in the same run with a raw UDP load
 * generator (so the ratio says how close the audit pipeline comes to saturating the server).
 * The engine runs in-process with the shared cached resolver (the MTA-STS policy fetch is off).
 *
 *   npm run build && node dist/bench/dns-audit.js [--domains 5000] [--concurrency 64]
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import { auditDns } from '../src/dns/dns.engine';
import { createCheckResolver, createResolver } from '../src/infra/dns';
import { scenarioZone } from '../test/fixtures/dns/audit-zones';
import { startDnsServer } from '../test/support/dns-server';

interface ServerHandle { host: string; port: number; received(): Promise<number>; stop(): void }

/**
 * The fixture server runs in its own process, so it has a core of its own and the audit's CPU
 * does not slow it down (and the max-qps figure is the server's, not the shared event loop's).
 */
async function startServerProcess(domains: number): Promise<ServerHandle> {
  const child: ChildProcess = fork(__filename, ['--serve', String(domains)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<{ host: string; port: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { host: string; port: number }));
    child.once('exit', (code) => reject(new Error(`fixture server exited with ${code}`)));
  });
  return {
    ...ready,
    received: () => new Promise((resolve) => { child.once('message', (m) => resolve((m as { received: number }).received)); child.send('stats'); }),
    stop: () => { child.kill(); },
  };
}

async function serve(domains: number): Promise<void> {
  const t0 = Date.now();
  const server = await startDnsServer({ zoneText: buildZone(domains) });
  console.log(`fixture DNS server (pid ${process.pid}): ${domains} domains loaded in ${Date.now() - t0} ms at ${server.address}`);
  process.on('message', () => process.send!({ received: server.received }));
  process.send!({ host: server.host, port: server.port });
}

function buildZone(domains: number): string {
  return [
    '_spf.provider.test. TXT "v=spf1 ip4:203.0.113.0/24 ip6:2001:db8::/32 -all"',
    ...Array.from({ length: domains }, (_, n) => zoneFor(n)),
  ].join('\n');
}

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

function zoneFor(n: number): string {
  const d = `d${n}.bench.test`;
  const ips: [string, string] = [`10.${(n >> 8) & 255}.${n & 255}.1`, `10.${(n >> 8) & 255}.${n & 255}.2`];
  // The healthy template with distinct addresses per domain (so PTR and DNSBL queries are distinct too).
  return scenarioZone({ domain: d, expect: [], parts: {
    mxa: `mx1.${d}. A ${ips[0]}\nmx2.${d}. A ${ips[1]}`,
    ptr: `${ips[0].split('.').reverse().join('.')}.in-addr.arpa. PTR mx1.${d}.\n${ips[1].split('.').reverse().join('.')}.in-addr.arpa. PTR mx2.${d}.`,
    spf: `${d}. TXT "v=spf1 mx ip4:${ips[0]} include:_spf.provider.test -all"`,
  } }, n);
}

/**
 * The server's own ceiling: raw UDP queries with `window` outstanding for `ms` milliseconds.
 * A query unanswered after 250 ms counts as lost and is replaced, so drops cannot drain the window.
 */
async function measureServerMax(server: { host: string; port: number }, names: string[], ms: number, window: number): Promise<number> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const pending = new Map<number, number>();
  let answered = 0;
  let id = 0;
  let stop = false;
  const send = () => {
    id = (id + 1) & 0xffff;
    pending.set(id, Date.now());
    sock.send(dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'TXT', name: names[id % names.length]! }] }), server.port, server.host);
  };
  sock.on('message', (msg) => {
    const rid = msg.readUInt16BE(0);
    if (!pending.delete(rid)) return;
    answered++;
    if (!stop) send();
  });
  const sweep = setInterval(() => {
    const old = Date.now() - 250;
    for (const [k, t] of pending) if (t < old) { pending.delete(k); if (!stop) send(); }
  }, 25);
  for (let i = 0; i < window; i++) send();
  await new Promise((r) => setTimeout(r, 300)); // warm-up
  const start = answered;
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, ms));
  const rate = (answered - start) / ((Date.now() - t0) / 1000);
  stop = true;
  clearInterval(sweep);
  await new Promise((r) => setTimeout(r, 100));
  sock.close();
  return rate;
}

export async function benchDnsAudit(domains = 5000, concurrency = 64): Promise<void> {
  const server = await startServerProcess(domains);

  const names = Array.from({ length: domains }, (_, n) => `d${n}.bench.test`);
  let maxQps = 0;
  let best = 0;
  for (const window of [16, 64, 256]) {
    const r = await measureServerMax(server, names, 2000, window);
    if (r > maxQps) { maxQps = r; best = window; }
  }
  console.log(`fixture server max (raw UDP, best of 16/64/256 in flight, 2 s each): ${maxQps.toFixed(0)} queries/s (window ${best})`);

  const shared = createResolver({
    dnsServers: [{ host: server.host, port: server.port }], dnsTimeoutMs: 3000, dnsRetries: 1, dnsFallbackServers: [],
    env: { DNS_CACHE_MAX_ENTRIES: '200000' },
  });
  const received0 = await server.received();
  let engineQueries = 0;
  let indeterminate = 0;
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let n = next++; n < domains; n = next++) {
      const out = await auditDns({ domain: `d${n}.bench.test` }, { dns: createCheckResolver(shared, 500) }, {
        dnsblZones: ['zen.spamhaus.org', 'bl.spamcop.net'], dnsblDomainZones: ['dbl.spamhaus.org'], mailauthCrossCheck: false,
      });
      engineQueries += out.result.queries;
      if (out.verdict === 'indeterminate') indeterminate++;
    }
  }));
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  const wire = (await server.received()) - received0;
  const qps = wire / secs;
  console.log(`audited ${domains} domains in ${secs.toFixed(1)} s with ${concurrency} in flight: ${(domains / secs).toFixed(1)} domains/s`);
  console.log(`queries/domain: ${(wire / domains).toFixed(1)} on the wire (${(engineQueries / domains).toFixed(1)} asked by the engine; the shared cache answers the rest)`);
  console.log(`achieved ${qps.toFixed(0)} queries/s = ${(qps / maxQps).toFixed(2)} x the fixture server's max (${maxQps.toFixed(0)}/s)`);
  console.log(`indeterminate verdicts: ${indeterminate}`);
  server.stop();
}

if (require.main === module && process.argv[2] === '--serve') {
  serve(Number(process.argv[3])).catch((e) => { console.error(e); process.exit(1); });
} else if (require.main === module) {
  benchDnsAudit(arg('domains', 5000), arg('concurrency', 64)).catch((e) => { console.error(e); process.exit(1); });
}
