/**
 * bench/probe: N full SMTP probes of a local server (connect, banner, EHLO, STARTTLS with
 * certificate inspection, EHLO again, MAIL FROM, RCPT TO, QUIT) with smtp-doctor's engine, then the
 * same dialogue N times with Debian's `swaks` (--tls --quit-after RCPT), in the same run against the
 * same server. Prints probes per second for each and the ratio.
 *
 * Both run one probe at a time. The server (a minimal ESMTP+STARTTLS responder with a CA-signed
 * test certificate) runs in its own process so it does not share the engine's event loop. swaks pays a
 * Perl process start per probe; that is part of what an admin's swaks loop costs, and the figure says so.
 *
 *   npm run build && node dist/bench/probe.js [--n 100]
 */
import { execFile, fork } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config/config.schema';
import type { DnsResolver } from '../src/infra/dns/resolver.port';
import { MemoryProbeCache, MemoryProbeLimiter } from '../src/infra/net/probe-politeness.memory';
import { createSmtpConnector } from '../src/infra/net/smtp-connector';
import { runProbe } from '../src/probe/probe.engine';
import { createTestCa } from '../test/support/certs';

const run = promisify(execFile);

/**
 * A minimal ESMTP server with STARTTLS (no greeting delay, unlike smtp-server's fixed 100 ms
 * early-talker pause, which would dominate both figures). It accepts every MAIL and RCPT.
 */
async function serve(): Promise<void> {
  const ca = createTestCa();
  const kc = ca.issue({ cn: 'mx.test', sans: ['DNS:mx.test', 'IP:127.0.0.1'] });
  const context = createSecureContext({ key: kc.key, cert: kc.cert });
  const server = createServer((raw) => {
    let sock: Socket | TLSSocket = raw;
    let tls = false;
    let buf = '';
    const send = (l: string) => sock.write(`${l}\r\n`);
    const onData = (d: Buffer) => {
      buf += d.toString('latin1');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        const verb = line.split(/[\s:]/)[0]!.toUpperCase();
        if (verb === 'EHLO')
          send(
            `250-mx.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n${tls ? '' : '250-STARTTLS\r\n'}250 ENHANCEDSTATUSCODES`,
          );
        else if (verb === 'STARTTLS' && !tls) {
          send('220 2.0.0 Ready to start TLS');
          raw.off('data', onData);
          buf = '';
          tls = true;
          sock = new TLSSocket(raw, { isServer: true, secureContext: context });
          sock.on('data', onData);
          sock.on('error', () => raw.destroy());
          return;
        } else if (verb === 'QUIT') {
          send('221 2.0.0 Bye');
          sock.end();
        } else send('250 2.0.0 Ok');
      }
    };
    raw.on('data', onData);
    raw.on('error', () => {});
    send('220 mx.test ESMTP');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.send!({ port: (server.address() as { port: number }).port, caPath: ca.caPath });
  process.on('message', () => {
    server.close();
    ca.cleanup();
    process.exit(0);
  });
}

/** The probed target is an IP literal; the PTR lookup for the banner check gets an instant NXDOMAIN. */
const noDns: DnsResolver = {
  query: async (name, type) => ({ name, type, status: 'nxdomain', answers: [], authenticated: false }),
};

export async function benchProbe(n: number): Promise<{ ours: number; swaks: number; ratio: number }> {
  const child = fork(__filename, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port, caPath } = await new Promise<{ port: number; caPath: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number; caPath: string }));
    child.once('exit', (c) => reject(new Error(`server exited with ${c}`)));
  });
  try {
    const settings = loadConfig({
      PROBE_ALLOWED_CIDRS: '127.0.0.1/32',
      PROBE_ALLOWED_PORTS: String(port),
      PROBE_CACHE_TTL_MS: '0',
      PROBE_MIN_INTERVAL_MS: '0',
      PROBE_MAX_PER_IP: '100',
      PROBE_CA_FILE: caPath,
      PROBE_EHLO_NAME: 'probe.test',
    }).probe;
    const deps = {
      dns: noDns,
      clock: { now: () => new Date() },
      connector: createSmtpConnector(),
      limiter: new MemoryProbeLimiter(),
      cache: new MemoryProbeCache(),
    };
    const ours = async () => {
      const out = await runProbe(
        { host: '127.0.0.1', ports: [port], recipient: 'known@mx.test' },
        settings,
        deps,
        AbortSignal.timeout(30_000),
      );
      const p = out.result.probes[0];
      if (p?.reached !== 'complete' || !p.tls?.trusted || !p.rcpt?.accepted)
        throw new Error(`probe did not complete: ${JSON.stringify(out.findings)}`);
    };
    const swaks = async () => {
      // --tls: STARTTLS or fail; --quit-after RCPT: QUIT right after RCPT TO, like the probe.
      await run(
        'swaks',
        [
          '--server',
          `127.0.0.1:${port}`,
          '--tls',
          '--ehlo',
          'probe.test',
          '--from',
          '<>',
          '--to',
          'known@mx.test',
          '--quit-after',
          'RCPT',
          '--silent',
          '3',
        ],
        { timeout: 30_000 },
      );
    };
    const time = async (f: () => Promise<void>) => {
      for (let i = 0; i < Math.min(5, n); i++) await f(); // warm-up
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) await f();
      return n / (Number(process.hrtime.bigint() - t0) / 1e9);
    };
    const oursRate = await time(ours);
    const swaksRate = await time(swaks);
    const ratio = oursRate / swaksRate;
    console.log(
      `probe: ${n} sequential probes each (EHLO, STARTTLS, EHLO, MAIL, RCPT, QUIT) against a local ESMTP server on 127.0.0.1:${port}`,
    );
    console.log(`  smtp-doctor engine: ${oursRate.toFixed(1)} probes/s`);
    console.log(`  swaks --tls       : ${swaksRate.toFixed(1)} probes/s`);
    console.log(`  ratio smtp-doctor / swaks: ${ratio.toFixed(2)}x`);
    return { ours: oursRate, swaks: swaksRate, ratio };
  } finally {
    child.send('stop');
  }
}

if (require.main === module) {
  if (process.argv.includes('--serve')) {
    void serve();
  } else {
    const i = process.argv.indexOf('--n');
    benchProbe(i > 0 ? Number(process.argv[i + 1]) : 100).catch((e) => {
      console.error(e);
      process.exit(1);
    });
  }
}
