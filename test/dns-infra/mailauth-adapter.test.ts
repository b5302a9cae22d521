import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spf, dmarc } from 'mailauth';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { StubResolver } from '../../src/infra/dns/stub-resolver';
import { CachedResolver } from '../../src/infra/dns/cached-resolver';
import { BudgetResolver } from '../../src/infra/dns/budget-resolver';
import { toMailauthResolver, type MailauthResolver } from '../../src/infra/dns/mailauth-adapter';
import { newDnsStats } from '../../src/infra/dns/dns-stats';

const ZONE = `
$ORIGIN mail.test.
@        300 IN SOA ns hostmaster 1 3600 600 86400 60
@            IN TXT "v=spf1 ip4:192.0.2.0/24 include:_spf.other.test -all"
@            IN MX  10 mx
mx           IN A   192.0.2.25
_dmarc       IN TXT "v=DMARC1; p=reject; " "rua=mailto:d@mail.test"
soft         IN TXT "v=spf1 ~all"
to           IN TXT "v=spf1 include:slow.mail.test -all"
sfinc        IN TXT "v=spf1 include:sf.mail.test -all"
sub.mail.test. IN A 192.0.2.9
_spf.other.test. IN TXT "v=spf1 ip4:198.51.100.7 -all"
hosed        IN TXT "v=spf1 a:\\239\\187\\191garbage.mail.test -all"
`;

describe('toMailauthResolver', () => {
  let dns: FixtureDnsServer;
  let resolve: MailauthResolver;
  /** Short per-try timeout, used only where a timeout is the point (keeps the suite fast). */
  let quick: MailauthResolver;

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    dns.fault('slow.mail.test', 'timeout');
    dns.fault('sf.mail.test', 'servfail');
    dns.fault('rf.mail.test', 'refused');
    const stats = newDnsStats();
    const stub = new StubResolver({
      servers: [{ host: dns.host, port: dns.port }],
      timeoutMs: 3000,
      retries: 0,
      stats,
    });
    resolve = toMailauthResolver(new CachedResolver(stub, { stats }));
    const fast = new StubResolver({ servers: [{ host: dns.host, port: dns.port }], timeoutMs: 400, retries: 0, stats });
    quick = toMailauthResolver(fast);
  });
  afterAll(async () => {
    await dns.stop();
  });

  it('returns node dns.promises.resolve shapes', async () => {
    expect(await resolve('mail.test', 'TXT')).toEqual([['v=spf1 ip4:192.0.2.0/24 include:_spf.other.test -all']]);
    expect(await resolve('_dmarc.mail.test', 'TXT')).toEqual([['v=DMARC1; p=reject; ', 'rua=mailto:d@mail.test']]);
    expect(await resolve('mail.test', 'MX')).toEqual([{ exchange: 'mx.mail.test', priority: 10 }]);
    expect(await resolve('mx.mail.test')).toEqual(['192.0.2.25']);
    expect(await resolve('mail.test', 'SOA')).toEqual({
      nsname: 'ns.mail.test',
      hostmaster: 'hostmaster.mail.test',
      serial: 1,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minttl: 60,
    });
  });

  it('rejects with node error codes mailauth understands', async () => {
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: { code: string }) => e.code,
      );
    expect(await code(resolve('none.mail.test', 'TXT'))).toBe('ENOTFOUND');
    expect(await code(resolve('mx.mail.test', 'TXT'))).toBe('ENODATA');
    expect(await code(quick('slow.mail.test', 'TXT'))).toBe('ETIMEOUT');
    expect(await code(resolve('sf.mail.test', 'TXT'))).toBe('ESERVFAIL');
    expect(await code(resolve('rf.mail.test', 'TXT'))).toBe('EREFUSED');
    expect(await code(resolve(`${'x'.repeat(64)}.mail.test`, 'TXT'))).toBe('EBADNAME');
    expect(await code(resolve('mail.test', 'BOGUS'))).toBe('ERR_INVALID_ARG_VALUE');
    const err = await resolve('none.mail.test', 'TXT').catch((e: Error & { syscall: string; hostname: string }) => e);
    expect(err).toMatchObject({
      message: 'queryTxt ENOTFOUND none.mail.test',
      syscall: 'queryTxt',
      hostname: 'none.mail.test',
    });
  });

  it("drives mailauth's spf() to pass, fail, softfail, none, temperror and permerror", async () => {
    const run = async (sender: string, ip: string, resolver = resolve) =>
      (await spf({ sender, ip, helo: 'x', mta: 'mx.local', resolver })).status.result;
    expect(await run('a@mail.test', '192.0.2.7')).toBe('pass');
    expect(await run('a@mail.test', '198.51.100.7')).toBe('pass'); // via include
    expect(await run('a@mail.test', '203.0.113.1')).toBe('fail');
    expect(await run('a@soft.mail.test', '203.0.113.1')).toBe('softfail');
    expect(await run('a@none.mail.test', '203.0.113.1')).toBe('none');
    expect(await run('a@to.mail.test', '203.0.113.1', quick)).toBe('temperror');
    // RFC 7208 §5.2: a SERVFAIL inside include is temperror, not "skip the include".
    expect(await run('a@sfinc.mail.test', '203.0.113.1')).toBe('temperror');
    expect(await run('a@hosed.mail.test', '203.0.113.1')).toBe('permerror'); // RFC 7208 §3.1: non-ASCII
  });

  it("drives mailauth's dmarc() lookup, including the organizational-domain fallback", async () => {
    const viaSub = await dmarc({ headerFrom: 'x@sub.mail.test', spfDomains: [], dkimDomains: [], resolver: resolve });
    // No _dmarc.sub.mail.test: the record of the organizational domain applies (RFC 7489 §6.6.3).
    expect(viaSub).toMatchObject({ domain: 'mail.test', policy: 'reject', p: 'reject', status: { result: 'fail' } });
    const none = await dmarc({ headerFrom: 'x@nothing.test', spfDomains: [], dkimDomains: [], resolver: resolve });
    expect(none && none.status.result).toBe('none');
  });

  it('a spent budget becomes temperror in mailauth, not an exception', async () => {
    const stub = new StubResolver({
      servers: [{ host: dns.host, port: dns.port }],
      timeoutMs: 3000,
      retries: 0,
      stats: newDnsStats(),
    });
    const budgeted = toMailauthResolver(new BudgetResolver(stub, 1, newDnsStats()));
    const res = await spf({ sender: 'a@mail.test', ip: '203.0.113.1', helo: 'x', mta: 'mx.local', resolver: budgeted });
    expect(res.status.result).toBe('temperror');
  });
});
