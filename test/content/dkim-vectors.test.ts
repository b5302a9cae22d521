import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateMessage } from '../../src/content-spam-check/auth/message-auth';
import { startContentDns } from './dns-fixture';
import { fixture } from './helpers';

/**
 * RFC 8463 Appendix A (ed25519-sha256 and rsa-sha256 over the same message), as shipped by
 * mailauth (MIT, test/fixtures/content/dkim/LICENSE-mailauth.txt), with its key records served by
 * the fixture DNS server. Expected (also checked with dkimpy 1.1.4, see shared SOURCES.md): pass, pass.
 */
let env: Awaited<ReturnType<typeof startContentDns>>;
beforeAll(async () => {
  env = await startContentDns();
});
afterAll(async () => {
  await env.server.stop();
});

const signed = () => fixture('dkim/rfc8463-signed.eml').toString('latin1').replace(/\r?\n/g, '\r\n');

describe('DKIM vectors through the fixture DNS server', () => {
  it('RFC 8463: the ed25519 and the RSA signature both verify and align with From', async () => {
    const r = await authenticateMessage(Buffer.from(signed(), 'latin1'), env.deps.mailauthResolver, 'test.mta');
    const byAlg = Object.fromEntries(r.dkim.map((d) => [d.algorithm, d]));
    expect(byAlg['ed25519-sha256']).toMatchObject({
      domain: 'football.example.com',
      selector: 'brisbane',
      result: 'pass',
      aligned: true,
    });
    expect(byAlg['rsa-sha256']).toMatchObject({
      domain: 'football.example.com',
      selector: 'test',
      result: 'pass',
      aligned: true,
    });
    // No delivery context: DMARC is evaluated on DKIM alone, and passes through the aligned signatures.
    expect(r.dmarc).toMatchObject({
      evaluated: 'dkim-only',
      result: 'pass',
      dkimAligned: true,
      record: 'v=DMARC1; p=none',
    });
    expect(r.spf).toBeUndefined();
  });

  it('a changed body breaks both signatures', async () => {
    const r = await authenticateMessage(
      Buffer.from(signed().replace('hungry', 'thirsty'), 'latin1'),
      env.deps.mailauthResolver,
      'test.mta',
    );
    expect(r.dkim.map((d) => d.result)).toEqual(['neutral', 'neutral']);
    expect(r.dkim.every((d) => /body hash/.test(d.comment ?? ''))).toBe(true);
  });

  it('a missing key record is a permanent failure, a SERVFAIL a temperror', async () => {
    // A fresh server and resolver: the shared resolver has the keys cached.
    const own = await startContentDns();
    own.server.fault('brisbane._domainkey.football.example.com', 'nxdomain');
    own.server.fault('test._domainkey.football.example.com', 'servfail');
    try {
      const r = await authenticateMessage(Buffer.from(signed(), 'latin1'), own.deps.mailauthResolver, 'test.mta');
      const byAlg = Object.fromEntries(r.dkim.map((d) => [d.algorithm, d]));
      expect(byAlg['ed25519-sha256']?.result).toBe('neutral');
      expect(byAlg['ed25519-sha256']?.comment).toMatch(/no key/);
      expect(byAlg['rsa-sha256']?.result).toBe('temperror');
    } finally {
      await own.server.stop();
    }
  });

  it('with a delivery context, SPF and full DMARC run as the receiver would', async () => {
    const r = await authenticateMessage(Buffer.from(signed(), 'latin1'), env.deps.mailauthResolver, 'test.mta', {
      clientIp: '213.165.64.12',
      helo: 'mail.football.example.com',
      mailFrom: 'joe@football.example.com',
    });
    expect(r.spf).toMatchObject({ result: 'pass', domain: 'football.example.com' });
    expect(r.dmarc).toMatchObject({ evaluated: 'full', result: 'pass', spfAligned: true, dkimAligned: true });
  });
});
