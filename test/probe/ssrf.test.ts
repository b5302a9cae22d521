import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpConnector } from '../../src/infra/net/smtp-connector';
import { dialogue, startScripted, type Running } from '../support/smtp-servers';
import type { SmtpConnector } from '../../src/probe/smtp-connector.port';
import { probe, startProbeDns, ZONE, type Dns } from './harness';

/**
 * SSRF policy (issue 4): targets are resolved once through the DnsResolver port, vetted with
 * checkAddress against PROBE_ALLOWED_CIDRS, and the connection goes to that vetted IP.
 */
let dns: Dns;
let server: Running;
let connections = 0;
beforeAll(async () => {
  dns = await startProbeDns();
  server = await startScripted((io) => {
    connections++;
    return dialogue(io);
  });
});
afterAll(async () => {
  await server.close();
  await dns.stop();
});

describe('targets outside the public internet are refused unless allowed', () => {
  it.each([
    ['a name resolving to loopback', 'mx.test'],
    ['an IPv4 loopback literal', '127.0.0.1'],
    ['an IPv4-mapped IPv6 literal', '::ffff:127.0.0.1'],
    ['a name whose AAAA is IPv4-mapped loopback', 'mapped.test'],
  ])('%s (%s): TARGET_NOT_ALLOWED, no connection', async (_what, host) => {
    const before = connections;
    const out = await probe({ host, ports: [server.port] }, { dns, ports: [server.port], allowLoopback: false });
    expect(out.codes).toEqual(['TARGET_NOT_ALLOWED']);
    expect(out.findings[0]!.detail).toMatch(/loopback address/);
    expect(out).toMatchObject({ verdict: 'indeterminate', transient: false });
    expect(connections).toBe(before);
  });

  it('the same target is probed when PROBE_ALLOWED_CIDRS covers it', async () => {
    const before = connections;
    const out = await probe({ host: 'mx.test', ports: [server.port] }, { dns, ports: [server.port] });
    expect(out.codes).not.toContain('TARGET_NOT_ALLOWED');
    expect(connections).toBe(before + 1);
  });

  it('ports outside PROBE_ALLOWED_PORTS are refused', async () => {
    const before = connections;
    const out = await probe({ host: 'mx.test', ports: [server.port] }, { dns, ports: [25, 587] });
    expect(out.codes).toEqual(['TARGET_NOT_ALLOWED']);
    expect(out.findings[0]!.detail).toContain(`Port ${server.port} is not in the allowed probe ports (25, 587)`);
    expect(connections).toBe(before);
  });
});

describe('DNS rebinding', () => {
  it('resolves once and connects to the vetted address, even if the name is rebound before the connect', async () => {
    // Only 127.0.0.2 is allowed here (it plays a public address); the name first resolves to it.
    const two = await startScripted((io) => dialogue(io, {}, ['220 two.test ESMTP']), { host: '127.0.0.2' });
    dns.addRecords([{ name: 'rebind.test', type: 'A', data: '127.0.0.2', ttl: 0 }]);
    const aQueries = () => dns.log.filter((q) => q.name === 'rebind.test' && q.type === 'A').length;
    const before = aQueries();
    const real = createSmtpConnector();
    // The attacker's DNS flips the name to loopback between the vetting and the connect.
    let atConnect = -1;
    const rebinding: SmtpConnector = {
      connect(opts) {
        atConnect = aQueries();
        dns.clear();
        dns.load(ZONE);
        dns.addRecords([{ name: 'rebind.test', type: 'A', data: '127.0.0.1', ttl: 0 }]);
        return real.connect(opts);
      },
    };
    try {
      const out = await probe(
        { host: 'rebind.test', ports: [two.port] },
        { dns, ports: [two.port], connector: rebinding, env: { PROBE_ALLOWED_CIDRS: '127.0.0.2/32' } },
      );
      expect(out.result.hosts[0]!.probed).toBe('127.0.0.2');
      expect(out.result.probes[0]!.banner).toMatchObject({ hostname: 'two.test' });
      expect(out.codes).not.toContain('TARGET_NOT_ALLOWED');
      // One A lookup before the connect; none after the rebinding (clear() also resets the query log).
      expect(atConnect).toBe(before + 1);
      expect(aQueries()).toBe(0);
    } finally {
      await two.close();
    }
  });

  it('the connector itself refuses anything but an IP address', async () => {
    await expect(createSmtpConnector().connect({ ip: 'mx.test', port: 25, timeoutMs: 100 })).rejects.toMatchObject({
      code: 'EINVAL',
    });
  });
});

describe('domain targets', () => {
  it('probes the MX hosts of a domain in priority order', async () => {
    const out = await probe({ domain: 'example.test', ports: [server.port] }, { dns, ports: [server.port] });
    expect(out.result.mx).toEqual([{ exchange: 'mx.test', priority: 10 }]);
    expect(out.result.probes[0]).toMatchObject({
      host: 'mx.test',
      ip: '127.0.0.1',
      mxPriority: 10,
      reached: 'complete',
    });
  });

  it('a domain that does not exist is a verdict from the MX lookup', async () => {
    const out = await probe({ domain: 'nope.test', ports: [server.port] }, { dns, ports: [server.port] });
    expect(out.codes).toEqual(['DOMAIN_NOT_FOUND']);
    expect(out.verdict).toBe('fail');
  });
});
