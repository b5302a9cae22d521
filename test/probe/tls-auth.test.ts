import type { SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpKind } from '../../src/probe/probe.kind';
import { SmtpCheckInput } from '../../src/probe/probe.input';
import { createTestCa, type TestCa } from '../support/certs';
import { dialogue, startScripted, startSmtp, type Running } from '../support/smtp-servers';
import { probe, startProbeDns, type Dns } from './harness';

/** STARTTLS, implicit TLS and certificate problems from certificates generated here; AUTH. */
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
async function keep<T extends Running>(p: Promise<T>): Promise<T> {
  const s = await p;
  servers.push(s);
  return s;
}
const tlsCodes = (codes: string[]) => codes.filter((c) => c.startsWith('TLS_'));

describe('STARTTLS and certificates', () => {
  it('a valid certificate from a trusted CA (PROBE_CA_FILE): no TLS findings, full report', async () => {
    const kc = ca.issue({ cn: 'mx.test', sans: ['DNS:mx.test'] });
    const s = await keep(
      startSmtp({ key: kc.key, cert: kc.cert, disabledCommands: ['AUTH'], name: 'mx.test', size: 10_240_000 }),
    );
    const out = await probe(
      { host: 'mx.test', ports: [s.port], recipient: 'user@mx.test' },
      { dns, ports: [s.port], env: { PROBE_CA_FILE: ca.caPath } },
    );
    expect(out.codes).toEqual([]);
    expect(out.verdict).toBe('pass');
    const p = out.result.probes[0]!;
    expect(p.tls).toMatchObject({
      implicit: false,
      trusted: true,
      hostnameMatch: true,
      expired: false,
      protocol: 'TLSv1.3',
      keyType: 'EC P-256',
      keyBits: 256,
    });
    expect(p.tls!.chain[0]!.issuer).toBe('smtp-doctor test CA');
    expect(p.ehlo!.starttls).toBe(true);
    expect(p.ehloTls).toMatchObject({ starttls: false, pipelining: true, eightBitMime: true, smtpUtf8: true });
    expect(p.ehloTls!.size).toBe(10_240_000);
    // RFC 3207 §4.2: a second EHLO after TLS.
    expect(p.transcript.filter((l) => l.dir === 'C').map((l) => l.line.split(' ')[0])).toEqual([
      'EHLO',
      'STARTTLS',
      'EHLO',
      'MAIL',
      'RCPT',
      'QUIT',
    ]);
  });

  it('TLS_CERT_UNTRUSTED: the same certificate without the CA in the trust store', async () => {
    const kc = ca.issue({ cn: 'mx.test', sans: ['DNS:mx.test'] });
    const s = await keep(startSmtp({ key: kc.key, cert: kc.cert, authOptional: true, name: 'mx.test' }));
    const out = await probe({ host: 'mx.test', ports: [s.port] }, { dns, ports: [s.port] });
    expect(tlsCodes(out.codes)).toEqual(['TLS_CERT_UNTRUSTED']);
    // A lone leaf from an unknown CA: OpenSSL says "unable to verify the first certificate".
    expect(out.result.probes[0]!.tls!.trustError).toMatch(
      /^UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT_LOCALLY)$/,
    );
  });

  it('TLS_CERT_UNTRUSTED: a self-signed certificate is still inspected', async () => {
    const kc = ca.selfSigned({ cn: 'mx.test', sans: ['DNS:mx.test'] });
    const s = await keep(startSmtp({ key: kc.key, cert: kc.cert, authOptional: true, name: 'mx.test' }));
    const out = await probe(
      { host: 'mx.test', ports: [s.port] },
      { dns, ports: [s.port], env: { PROBE_CA_FILE: ca.caPath } },
    );
    expect(tlsCodes(out.codes)).toEqual(['TLS_CERT_UNTRUSTED']);
    expect(out.findings.find((f) => f.code === 'TLS_CERT_UNTRUSTED')!.detail).toContain('self-signed');
    expect(out.result.probes[0]!.tls).toMatchObject({ hostnameMatch: true, expired: false });
  });

  it('TLS_CERT_EXPIRED: a CA-signed certificate that expired (trusted chain otherwise)', async () => {
    const kc = ca.issue({
      cn: 'mx.test',
      sans: ['DNS:mx.test'],
      notBefore: new Date(Date.now() - 400 * DAY),
      notAfter: new Date(Date.now() - 10 * DAY),
    });
    const s = await keep(startSmtp({ key: kc.key, cert: kc.cert, authOptional: true, name: 'mx.test' }));
    const out = await probe(
      { host: 'mx.test', ports: [s.port] },
      { dns, ports: [s.port], env: { PROBE_CA_FILE: ca.caPath } },
    );
    expect(tlsCodes(out.codes)).toEqual(['TLS_CERT_EXPIRED']);
    expect(out.findings.find((f) => f.code === 'TLS_CERT_EXPIRED')!.detail).toMatch(/expired on .* \(1[01] days ago\)/);
    expect(out.result.probes[0]!.tls).toMatchObject({ trusted: true, expired: true });
  });

  it('TLS_CERT_HOSTNAME_MISMATCH: a certificate for another host', async () => {
    const kc = ca.issue({ cn: 'other.example', sans: ['DNS:other.example', 'DNS:www.other.example'] });
    const s = await keep(startSmtp({ key: kc.key, cert: kc.cert, authOptional: true, name: 'mx.test' }));
    const out = await probe(
      { host: 'mx.test', ports: [s.port] },
      { dns, ports: [s.port], env: { PROBE_CA_FILE: ca.caPath } },
    );
    expect(tlsCodes(out.codes)).toEqual(['TLS_CERT_HOSTNAME_MISMATCH']);
    expect(out.findings.find((f) => f.code === 'TLS_CERT_HOSTNAME_MISMATCH')!.detail).toContain('not "mx.test"');
  });

  it('TLS_WEAK_KEY: a 1024-bit RSA key', async () => {
    const kc = ca.issue({ cn: 'mx.test', sans: ['DNS:mx.test'], key: 'rsa1024' });
    const s = await keep(
      startSmtp({ key: kc.key, cert: kc.cert, authOptional: true, name: 'mx.test', ciphers: 'DEFAULT:@SECLEVEL=0' }),
    );
    const out = await probe(
      { host: 'mx.test', ports: [s.port] },
      { dns, ports: [s.port], env: { PROBE_CA_FILE: ca.caPath } },
    );
    expect(tlsCodes(out.codes)).toEqual(['TLS_WEAK_KEY']);
    expect(out.result.probes[0]!.tls).toMatchObject({ keyType: 'RSA', keyBits: 1024 });
  });

  it('TLS_PROTOCOL_OUTDATED: a server that only speaks TLS 1.0 (OpenSSL 3 here allows it at SECLEVEL=0)', async () => {
    const kc = ca.issue({ cn: 'mx.test', sans: ['DNS:mx.test'], key: 'rsa2048' });
    const s = await keep(
      startSmtp({
        key: kc.key,
        cert: kc.cert,
        authOptional: true,
        name: 'mx.test',
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1',
        ciphers: 'DEFAULT:@SECLEVEL=0',
      }),
    );
    const out = await probe(
      { host: 'mx.test', ports: [s.port] },
      { dns, ports: [s.port], env: { PROBE_CA_FILE: ca.caPath } },
    );
    expect(tlsCodes(out.codes)).toEqual(['TLS_PROTOCOL_OUTDATED']);
    expect(out.result.probes[0]!.tls!.protocol).toBe('TLSv1');
  });

  it('TLS_HANDSHAKE_FAILED: the server drops the connection right after 220 to STARTTLS', async () => {
    const s = await keep(
      startScripted((io) =>
        dialogue(io, {
          EHLO: ['250-mx.test', '250 STARTTLS'],
          STARTTLS: () => {
            io.send('220 2.0.0 Ready to start TLS');
            setTimeout(() => io.socket.destroy(), 20);
            return [];
          },
        }),
      ),
    );
    const out = await probe({ host: 'mx.test', ports: [s.port] }, { dns, ports: [s.port] });
    expect(out.codes).toContain('TLS_HANDSHAKE_FAILED');
    expect(out.findings.find((f) => f.code === 'TLS_HANDSHAKE_FAILED')!.detail).toMatch(/TLS handshake/);
  });

  it('TLS_HANDSHAKE_FAILED (transient): STARTTLS advertised but answered 454', async () => {
    const s = await keep(
      startScripted((io) =>
        dialogue(io, {
          EHLO: ['250-mx.test', '250 STARTTLS'],
          STARTTLS: ['454 4.7.0 TLS not available due to local problem'],
        }),
      ),
    );
    const out = await probe({ host: 'mx.test', ports: [s.port] }, { dns, ports: [s.port] });
    const f = out.findings.find((x) => x.code === 'TLS_HANDSHAKE_FAILED')!;
    expect(f.evidence).toMatchObject({ transient: true, reply: '454 4.7.0 TLS not available due to local problem' });
  });

  it('TLS_NOT_OFFERED: no STARTTLS in EHLO', async () => {
    const s = await keep(startSmtp({ hideSTARTTLS: true, disabledCommands: ['AUTH'] }));
    const out = await probe({ host: 'mx.test', ports: [s.port] }, { dns, ports: [s.port] });
    expect(out.codes).toEqual(['TLS_NOT_OFFERED']);
    expect(out.verdict).toBe('warn');
  });

  it('implicit TLS (port 465 semantics via PROBE_IMPLICIT_TLS_PORTS), and a plain server on that port', async () => {
    const kc = ca.issue({ cn: 'mx.test', sans: ['DNS:mx.test'] });
    const tls = await keep(
      startSmtp({ secure: true, key: kc.key, cert: kc.cert, authOptional: true, name: 'mx.test' }),
    );
    const plain = await keep(startScripted((io) => dialogue(io)));
    const env = { PROBE_CA_FILE: ca.caPath, PROBE_IMPLICIT_TLS_PORTS: `${tls.port},${plain.port}` };
    const ok = await probe({ host: 'mx.test', ports: [tls.port] }, { dns, ports: [tls.port], env });
    expect(ok.codes).toEqual([]);
    expect(ok.result.probes[0]!.tls).toMatchObject({ implicit: true, trusted: true });
    const bad = await probe({ host: 'mx.test', ports: [plain.port] }, { dns, ports: [plain.port], env });
    const f = bad.findings.find((x) => x.code === 'TLS_HANDSHAKE_FAILED')!;
    expect(f.remediation).toMatch(/implicit TLS/);
  });
});

describe('AUTH', () => {
  const onAuth: NonNullable<SMTPServerOptions['onAuth']> = (auth, _s, cb) => {
    const ok =
      auth.username === 'alice' &&
      (auth.method === 'CRAM-MD5' ? auth.validatePassword('s3cret-Pa55') : auth.password === 's3cret-Pa55');
    // Postfix's wording for a failed SASL login.
    return ok
      ? cb(null, { user: 'alice' })
      : cb(
          Object.assign(new Error('5.7.8 Error: authentication failed: authentication failure'), { responseCode: 535 }),
        );
  };

  it.each([['PLAIN'], ['LOGIN'], ['CRAM-MD5']])(
    'authenticates with %s over STARTTLS; the password never reaches the transcript',
    async (mech) => {
      const kc = ca.issue({ cn: 'mx.test', sans: ['DNS:mx.test'] });
      const s = await keep(startSmtp({ key: kc.key, cert: kc.cert, name: 'mx.test', authMethods: [mech], onAuth }));
      const out = await probe(
        { host: 'mx.test', ports: [s.port], auth: { username: 'alice', password: 's3cret-Pa55' } },
        { dns, ports: [s.port], env: { PROBE_CA_FILE: ca.caPath } },
      );
      // smtp-server advertises AUTH before STARTTLS too (and refuses it there with 538): a true finding.
      expect(out.codes).toEqual(['SMTP_AUTH_BEFORE_TLS']);
      expect(out.result.probes[0]!.auth).toMatchObject({ mechanism: mech, ok: true });
      const text = JSON.stringify(out);
      for (const secret of [
        's3cret-Pa55',
        Buffer.from('s3cret-Pa55').toString('base64'),
        Buffer.from('\0alice\0s3cret-Pa55').toString('base64'),
        Buffer.from('alice').toString('base64'),
      ]) {
        expect(text).not.toContain(secret);
      }
      expect(out.result.probes[0]!.transcript.some((l) => l.dir === 'C' && l.line.includes('<redacted>'))).toBe(true);
    },
  );

  it('SMTP_AUTH_FAILED: 535 5.7.8 for a wrong password', async () => {
    const kc = ca.issue({ cn: 'mx.test', sans: ['DNS:mx.test'] });
    const s = await keep(startSmtp({ key: kc.key, cert: kc.cert, name: 'mx.test', onAuth }));
    const out = await probe(
      { host: 'mx.test', ports: [s.port], auth: { username: 'alice', password: 'wrong' } },
      { dns, ports: [s.port], env: { PROBE_CA_FILE: ca.caPath } },
    );
    expect(out.codes).toEqual(['SMTP_AUTH_BEFORE_TLS', 'SMTP_AUTH_FAILED']);
    expect(out.findings.find((f) => f.code === 'SMTP_AUTH_FAILED')!.detail).toContain('535 5.7.8');
    expect(out).toMatchObject({ verdict: 'fail', transient: false });
  });

  it('SMTP_AUTH_BEFORE_TLS: AUTH PLAIN advertised before STARTTLS', async () => {
    const kc = ca.issue({ cn: 'mx.test', sans: ['DNS:mx.test'] });
    const s = await keep(startSmtp({ key: kc.key, cert: kc.cert, name: 'mx.test', allowInsecureAuth: true, onAuth }));
    const out = await probe(
      { host: 'mx.test', ports: [s.port] },
      { dns, ports: [s.port], env: { PROBE_CA_FILE: ca.caPath } },
    );
    expect(out.codes).toEqual(['SMTP_AUTH_BEFORE_TLS']);
    expect(out.result.probes[0]!.ehlo!.auth).toEqual(['LOGIN', 'PLAIN']);
  });

  it('SMTP_AUTH_NOT_OFFERED: credentials given but AUTH is not advertised', async () => {
    const s = await keep(startSmtp({ disabledCommands: ['AUTH'], hideSTARTTLS: true, authOptional: true }));
    const out = await probe(
      { host: 'mx.test', ports: [s.port], auth: { username: 'alice', password: 'x' } },
      { dns, ports: [s.port] },
    );
    expect(out.codes).toContain('SMTP_AUTH_NOT_OFFERED');
  });

  it('does not send a password in clear text: PLAIN offered without TLS is not attempted', async () => {
    const tried: string[] = [];
    const s = await keep(
      startSmtp({
        hideSTARTTLS: true,
        allowInsecureAuth: true,
        authMethods: ['PLAIN'],
        onAuth: (a, _s, cb) => {
          tried.push(a.method);
          cb(null, { user: 'x' });
        },
      }),
    );
    const out = await probe(
      { host: 'mx.test', ports: [s.port], auth: { username: 'alice', password: 's3cret-Pa55' } },
      { dns, ports: [s.port] },
    );
    expect(tried).toEqual([]);
    expect(out.findings.find((f) => f.code === 'SMTP_AUTH_NOT_OFFERED')!.detail).toContain(
      'did not send your password in clear text',
    );
  });

  it('extractSecrets takes the password out of the stored input; run() gets it back from ctx.secrets', async () => {
    const input = Object.assign(new SmtpCheckInput(), {
      host: 'mx.test',
      auth: { username: 'alice', password: 's3cret-Pa55' },
    });
    const { input: stored, secrets } = smtpKind.extractSecrets!(input);
    expect(JSON.stringify(stored)).not.toContain('s3cret-Pa55');
    expect(Object.values(secrets)).toEqual(['s3cret-Pa55']);
    const kc = ca.issue({ cn: 'mx.test', sans: ['DNS:mx.test'] });
    const s = await keep(startSmtp({ key: kc.key, cert: kc.cert, name: 'mx.test', onAuth }));
    const out = await probe(
      { ...stored, ports: [s.port] },
      { dns, ports: [s.port], env: { PROBE_CA_FILE: ca.caPath }, secrets },
    );
    expect(out.result.probes[0]!.auth).toMatchObject({ ok: true });
  });
});
