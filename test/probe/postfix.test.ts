import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, type TestCa } from '../support/certs';
import { requirePostfix, startPostfix, type PrivatePostfix } from '../support/postfix';
import { probe, startProbeDns, type Dns } from './harness';

/**
 * A real Postfix (Debian's package) in a private instance on a loopback port. If Postfix is not
 * installed this file FAILS (requirePostfix throws with the apt-get line): CI installs it.
 */
let dns: Dns;
let ca: TestCa;
let pf: PrivatePostfix;
beforeAll(async () => {
  requirePostfix();
  dns = await startProbeDns();
  ca = createTestCa();
  const kc = ca.issue({ cn: 'mx.test', sans: ['DNS:mx.test'], key: 'rsa2048' });
  pf = await startPostfix({
    hostname: 'mx.test',
    knownUser: 'known',
    tls: { certPath: kc.certPath, keyPath: kc.keyPath },
  });
}, 120_000);
afterAll(async () => {
  await pf?.stop();
  await dns?.stop();
  ca?.cleanup();
});

const env = () => ({ PROBE_CA_FILE: ca.caPath });

describe('real Postfix', () => {
  it('accepts a known local recipient over STARTTLS with a trusted certificate: pass', async () => {
    const out = await probe(
      { host: 'mx.test', ports: [pf.port], recipient: 'known@mx.test' },
      { dns, ports: [pf.port], env: env() },
    );
    expect(out.codes).toEqual([]);
    expect(out).toMatchObject({ verdict: 'pass', score: 100, transient: false });
    const p = out.result.probes[0]!;
    expect(p.banner).toMatchObject({ code: 220, hostname: 'mx.test', ptr: ['mx.test'] });
    expect(p.ehlo).toMatchObject({
      starttls: true,
      pipelining: true,
      chunking: true,
      eightBitMime: true,
      smtpUtf8: true,
      enhancedStatusCodes: true,
    });
    expect(p.tls).toMatchObject({
      implicit: false,
      trusted: true,
      hostnameMatch: true,
      expired: false,
      keyType: 'RSA',
      keyBits: 2048,
    });
    expect(p.tls!.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(p.rcpt).toMatchObject({ address: 'known@mx.test', accepted: true, reply: '250 2.1.5 Ok' });
    expect(p.transcript.some((l) => l.dir === 'S' && l.line === '221 2.0.0 Bye')).toBe(true);
  });

  it('says SMTP_RECIPIENT_UNKNOWN for an unknown local user (550 5.1.1)', async () => {
    const out = await probe(
      { host: 'mx.test', ports: [pf.port], recipient: 'nobody@mx.test' },
      { dns, ports: [pf.port], env: env() },
    );
    expect(out.codes).toEqual(['SMTP_RECIPIENT_UNKNOWN']);
    expect(out.findings[0]!.detail).toContain(
      '550 5.1.1 <nobody@mx.test>: Recipient address rejected: User unknown in local recipient table',
    );
    expect(out).toMatchObject({ verdict: 'fail', transient: false });
  });

  it('says SMTP_RELAY_DENIED for a recipient in a domain it does not serve', async () => {
    const out = await probe(
      { host: 'mx.test', ports: [pf.port], recipient: 'someone@elsewhere.example' },
      { dns, ports: [pf.port], env: env() },
    );
    expect(out.codes).toEqual(['SMTP_RELAY_DENIED']);
    expect(out.findings[0]!.detail).toContain('554 5.7.1 <someone@elsewhere.example>: Relay access denied');
  });

  it('passes the open-relay test: an outside-to-outside RCPT is refused', async () => {
    const out = await probe(
      { host: 'mx.test', ports: [pf.port], relayTest: true },
      { dns, ports: [pf.port], env: env() },
    );
    expect(out.codes).toEqual([]);
    expect(out.result.probes[0]!.relay).toMatchObject({ open: false, to: 'relay-test@example.net' });
    expect(out.result.probes[0]!.relay!.reply).toMatch(/^554 5\.7\.1 .*Relay access denied/);
  });

  it('reports the test certificate as untrusted when the CA is not configured', async () => {
    const out = await probe({ host: 'mx.test', ports: [pf.port] }, { dns, ports: [pf.port] });
    expect(out.codes).toEqual(['TLS_CERT_UNTRUSTED']);
    expect(out.verdict).toBe('warn');
  });
});
