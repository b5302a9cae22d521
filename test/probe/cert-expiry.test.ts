import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, type TestCa } from '../support/certs';
import { startSmtp, type Running } from '../support/smtp-servers';
import { probe, startProbeDns, type Dns } from './harness';

/** A certificate close to expiry is a finding ahead of time (CERT_EXPIRY_WARN_DAYS, default 21). */
let dns: Dns;
let ca: TestCa;
const servers: Running[] = [];
const DAY = 86_400_000;
beforeAll(async () => {
  dns = await startProbeDns();
  ca = createTestCa();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await dns.stop();
  ca.cleanup();
});

async function serverWith(daysLeft: number) {
  const kc = ca.issue({
    cn: 'mx.test',
    sans: ['DNS:mx.test'],
    notBefore: new Date(Date.now() - 30 * DAY),
    notAfter: new Date(Date.now() + daysLeft * DAY + 3_600_000),
  });
  const s = await startSmtp({ key: kc.key, cert: kc.cert, disabledCommands: ['AUTH'], name: 'mx.test' });
  servers.push(s);
  return s;
}

describe('certificate expiry ahead of time', () => {
  it('warns within the threshold, with the date and the days left; not beyond it', async () => {
    const soon = await serverWith(10);
    const out = await probe(
      { host: 'mx.test', ports: [soon.port] },
      { dns, ports: [soon.port], env: { PROBE_CA_FILE: ca.caPath } },
    );
    expect(out.codes).toContain('TLS_CERT_EXPIRING_SOON');
    const f = out.findings.find((x) => x.code === 'TLS_CERT_EXPIRING_SOON')!;
    expect(f.severity).toBe('warning');
    expect(f.detail).toMatch(/in 10 days \(warning threshold 21 days\)/);
    expect(out.codes).not.toContain('TLS_CERT_EXPIRED');

    const later = await serverWith(60);
    const fine = await probe(
      { host: 'mx.test', ports: [later.port] },
      { dns, ports: [later.port], env: { PROBE_CA_FILE: ca.caPath } },
    );
    expect(fine.codes).toEqual([]);
    // The threshold is the operator's: 90 days makes the 60-day certificate a finding; 0 turns it off.
    const wide = await probe(
      { host: 'mx.test', ports: [later.port] },
      { dns, ports: [later.port], env: { PROBE_CA_FILE: ca.caPath, CERT_EXPIRY_WARN_DAYS: '90' } },
    );
    expect(wide.codes).toEqual(['TLS_CERT_EXPIRING_SOON']);
    const off = await probe(
      { host: 'mx.test', ports: [soon.port] },
      { dns, ports: [soon.port], env: { PROBE_CA_FILE: ca.caPath, CERT_EXPIRY_WARN_DAYS: '0' } },
    );
    expect(off.codes).toEqual([]);
  });
});
