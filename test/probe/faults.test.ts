import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, dialogue, startBlackhole, startScripted, startSmtp, type Running } from '../support/smtp-servers';
import { probe, startProbeDns, type Dns } from './harness';

/**
 * One real loopback server per finding code (scripted with smtp-server, or raw net where
 * smtp-server cannot misbehave enough). Each test asserts the code, transience and verdict.
 */
let dns: Dns;
const servers: Running[] = [];
beforeAll(async () => {
  dns = await startProbeDns();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await dns.stop();
});
async function keep<T extends Running>(p: Promise<T>): Promise<T> {
  const s = await p;
  servers.push(s);
  return s;
}
const FAST = { PROBE_CONNECT_TIMEOUT_MS: '300', PROBE_BANNER_TIMEOUT_MS: '300', PROBE_COMMAND_TIMEOUT_MS: '300' };

describe('connection level', () => {
  it('SMTP_CONNECTION_REFUSED: nothing listens; indeterminate and transient', async () => {
    const port = await closedPort();
    const out = await probe({ host: 'mx.test', ports: [port] }, { dns, ports: [port] });
    expect(out.codes).toContain('SMTP_CONNECTION_REFUSED');
    expect(out).toMatchObject({ verdict: 'indeterminate', transient: true });
  });

  it('SMTP_CONNECT_TIMEOUT: packets dropped, names the port that did answer', async () => {
    const hole = await keep(startBlackhole());
    const ok = await keep(startScripted((io) => dialogue(io)));
    const out = await probe(
      { host: 'mx.test', ports: [hole.port, ok.port] },
      { dns, ports: [hole.port, ok.port], env: FAST },
    );
    const f = out.findings.find((x) => x.code === 'SMTP_CONNECT_TIMEOUT')!;
    expect(f.detail).toContain(`Port(s) ${ok.port} on the same host did answer`);
    expect(out.transient).toBe(true);
  });

  it('SMTP_BANNER_TIMEOUT: a tarpit accepts and says nothing', async () => {
    const tarpit = await keep(startScripted(() => new Promise(() => {})));
    const out = await probe({ host: 'mx.test', ports: [tarpit.port] }, { dns, ports: [tarpit.port], env: FAST });
    expect(out.codes).toEqual(['SMTP_BANNER_TIMEOUT']);
    expect(out).toMatchObject({ verdict: 'indeterminate', transient: true });
    expect(out.result.probes[0]!.reached).toBe('connected');
  });

  it("SMTP_BANNER_TIMEOUT also when the check's own time limit ends the wait for the greeting (issue 13)", async () => {
    const tarpit = await keep(startScripted(() => new Promise(() => {})));
    const out = await probe(
      { host: 'mx.test', ports: [tarpit.port], timeoutMs: 1000 },
      { dns, ports: [tarpit.port], env: { ...FAST, PROBE_BANNER_TIMEOUT_MS: '20000' } },
    );
    expect(out.codes).toContain('SMTP_BANNER_TIMEOUT');
    expect(out.codes).not.toContain('SMTP_COMMAND_TIMEOUT');
    expect(out.result.probes[0]!.reached).toBe('connected');
  });

  it('SMTP_BANNER_REJECTED: 554 at connect is a verdict, not retried', async () => {
    const s = await keep(
      startSmtp({
        onConnect: (_s, cb) =>
          cb(
            Object.assign(new Error('5.7.1 No SMTP service for you: listed at zen.spamhaus.org'), {
              responseCode: 554,
            }),
          ),
      }),
    );
    const out = await probe({ host: 'mx.test', ports: [s.port] }, { dns, ports: [s.port] });
    expect(out.codes).toContain('SMTP_BANNER_REJECTED');
    expect(out.findings.find((f) => f.code === 'SMTP_BANNER_REJECTED')!.remediation).toMatch(/spamhaus/i);
    expect(out).toMatchObject({ verdict: 'fail', transient: false });
  });

  it('SMTP_SERVICE_UNAVAILABLE and SMTP_TOO_MANY_CONNECTIONS: 421 on connect', async () => {
    const busy = await keep(
      startSmtp({
        onConnect: (_s, cb) =>
          cb(Object.assign(new Error('4.4.5 Too many connections from your host'), { responseCode: 421 })),
      }),
    );
    const down = await keep(
      startScripted((io) => {
        io.send('421 mx.test Service not available, closing transmission channel');
        io.socket.end();
      }),
    );
    const a = await probe({ host: 'mx.test', ports: [busy.port] }, { dns, ports: [busy.port] });
    expect(a.codes).toContain('SMTP_TOO_MANY_CONNECTIONS');
    expect(a).toMatchObject({ verdict: 'indeterminate', transient: true });
    const b = await probe({ host: 'mx.test', ports: [down.port] }, { dns, ports: [down.port] });
    expect(b.codes).toContain('SMTP_SERVICE_UNAVAILABLE');
    expect(b.transient).toBe(true);
  });

  it('SMTP_CONNECTION_DROPPED: 421 4.4.2 mid-dialogue, and EOF after MAIL FROM', async () => {
    const s421 = await keep(
      startScripted((io) => dialogue(io, { MAIL: ['421 4.4.2 mx.test Error: timeout exceeded'] })),
    );
    const eof = await keep(
      startScripted((io) =>
        dialogue(io, {
          MAIL: () => {
            io.socket.destroy();
            return [];
          },
        }),
      ),
    );
    for (const s of [s421, eof]) {
      const out = await probe(
        { host: 'mx.test', ports: [s.port], recipient: 'user@mx.test' },
        { dns, ports: [s.port] },
      );
      expect(out.codes).toContain('SMTP_CONNECTION_DROPPED');
      expect(out.transient).toBe(true);
    }
  });

  it('SMTP_COMMAND_TIMEOUT: the server stops answering after EHLO', async () => {
    const s = await keep(startScripted((io) => dialogue(io, { MAIL: () => new Promise(() => {}) })));
    const out = await probe(
      { host: 'mx.test', ports: [s.port], recipient: 'user@mx.test' },
      { dns, ports: [s.port], env: FAST },
    );
    expect(out.codes).toContain('SMTP_COMMAND_TIMEOUT');
    expect(out.transient).toBe(true);
  });

  it('SMTP_SLOW_RESPONSE: replies slower than PROBE_SLOW_REPLY_MS', async () => {
    const s = await keep(
      startScripted((io) =>
        dialogue(io, {
          RCPT: async () => {
            await io.sleep(250);
            return ['250 2.1.5 Ok'];
          },
        }),
      ),
    );
    const out = await probe(
      { host: 'mx.test', ports: [s.port], recipient: 'user@mx.test' },
      { dns, ports: [s.port], env: { PROBE_SLOW_REPLY_MS: '50' } },
    );
    const f = out.findings.find((x) => x.code === 'SMTP_SLOW_RESPONSE')!;
    expect(f.detail).toMatch(/RCPT TO took \d+ ms \(the bound is 50 ms\)/);
  });

  it('SMTP_PROTOCOL_VIOLATION: too many reply lines, an endless line, and non-SMTP data', async () => {
    const many = await keep(
      startScripted((io) =>
        dialogue(io, { EHLO: Array.from({ length: 300 }, (_, i) => `250-X${i}`).concat('250 OK') }),
      ),
    );
    const long = await keep(
      startScripted((io) => {
        io.socket.write(`220 ${'x'.repeat(10_000)}`);
      }),
    );
    const http = await keep(startScripted((io) => io.send('HTTP/1.1 400 Bad Request')));
    for (const s of [many, long, http]) {
      const out = await probe(
        { host: 'mx.test', ports: [s.port] },
        { dns, ports: [s.port], env: { PROBE_MAX_REPLY_LINES: '100' } },
      );
      expect(out.codes).toContain('SMTP_PROTOCOL_VIOLATION');
    }
  });

  it('SMTP_BANNER_HOSTNAME_MISMATCH: greeting name differs from the PTR', async () => {
    const s = await keep(startSmtp({ name: 'localhost.localdomain', hideSTARTTLS: true }));
    const good = await keep(startSmtp({ name: 'mx.test', hideSTARTTLS: true }));
    const out = await probe({ host: 'mx.test', ports: [s.port] }, { dns, ports: [s.port] });
    expect(out.findings.find((f) => f.code === 'SMTP_BANNER_HOSTNAME_MISMATCH')?.detail).toContain(
      'has reverse DNS mx.test',
    );
    const ok = await probe({ host: 'mx.test', ports: [good.port] }, { dns, ports: [good.port] });
    expect(ok.codes).not.toContain('SMTP_BANNER_HOSTNAME_MISMATCH');
    expect(ok.result.probes[0]!.banner).toMatchObject({ hostname: 'mx.test', ptr: ['mx.test'] });
  });

  it('SMTP_ESMTP_NOT_SUPPORTED: EHLO refused, HELO works', async () => {
    const s = await keep(startScripted((io) => dialogue(io, { EHLO: ['502 5.5.2 Error: command not recognized'] })));
    const out = await probe({ host: 'mx.test', ports: [s.port] }, { dns, ports: [s.port] });
    expect(out.codes).toEqual(expect.arrayContaining(['SMTP_ESMTP_NOT_SUPPORTED', 'TLS_NOT_OFFERED']));
  });
});

describe('envelope replies', () => {
  const rcptServer = (code: number, msg: string) =>
    startSmtp({
      hideSTARTTLS: true,
      authOptional: true,
      onRcptTo: (_a, _s, cb) => cb(Object.assign(new Error(msg), { responseCode: code })),
    });
  const cases: [string, number, string, boolean][] = [
    [
      'SMTP_RECIPIENT_UNKNOWN',
      550,
      '5.1.1 <nobody@mx.test>: Recipient address rejected: User unknown in local recipient table',
      false,
    ],
    ['SMTP_MAILBOX_FULL', 452, '4.2.2 The email account that you tried to reach is over quota', true],
    // Issue 13: one knowledge base for probe and explain; Outlook.com's text for an unknown user.
    ['SMTP_RECIPIENT_UNKNOWN', 550, 'Requested action not taken: mailbox unavailable', false],
    ['SMTP_MAILBOX_UNAVAILABLE', 550, '5.2.1 The email account that you tried to reach is disabled', false],
    [
      'SMTP_GREYLISTED',
      451,
      '4.7.1 <user@mx.test>: Recipient address rejected: Greylisted, try again in 300 seconds',
      true,
    ],
    ['DNSBL_LISTED', 554, '5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org', false],
    ['SMTP_RELAY_DENIED', 554, '5.7.1 <user@elsewhere.example>: Relay access denied', false],
    ['SMTP_RATE_LIMITED', 450, '4.7.1 Error: too much mail from 127.0.0.1', true],
  ];
  it.each(cases)('%s from "%i %s"', async (code, rc, msg, transient) => {
    const s = await keep(rcptServer(rc, msg));
    const out = await probe({ host: 'mx.test', ports: [s.port], recipient: 'user@mx.test' }, { dns, ports: [s.port] });
    expect(out.codes).toContain(code);
    const f = out.findings.find((x) => x.code === code)!;
    expect(f.detail).toContain(`${rc} ${msg.split(' ')[0]}`);
    expect(f.evidence).toMatchObject({ stage: 'rcpt', transient });
    expect(out.transient).toBe(transient);
    expect(out.result.probes[0]!.rcpt).toMatchObject({ address: 'user@mx.test', accepted: false });
  });

  it('SMTP_SYNTAX_ERROR: 501 5.5.4 to MAIL FROM', async () => {
    const s = await keep(startScripted((io) => dialogue(io, { MAIL: ['501 5.5.4 Syntax: MAIL FROM:<address>'] })));
    const out = await probe({ host: 'mx.test', ports: [s.port], recipient: 'user@mx.test' }, { dns, ports: [s.port] });
    expect(out.codes).toContain('SMTP_SYNTAX_ERROR');
    expect(out.result.probes[0]!.rcpt).toBeUndefined();
  });

  it('SENDER_DOMAIN_INVALID: 553 5.1.8 sender domain not found', async () => {
    const s = await keep(
      startScripted((io) =>
        dialogue(io, { MAIL: ['553 5.1.8 <a@nowhere.invalid>: Sender address rejected: Domain not found'] }),
      ),
    );
    const out = await probe(
      { host: 'mx.test', ports: [s.port], recipient: 'user@mx.test', mailFrom: 'a@nowhere.invalid' },
      { dns, ports: [s.port] },
    );
    expect(out.codes).toContain('SENDER_DOMAIN_INVALID');
  });

  it('SMTP_AUTH_REQUIRED: 530 5.7.0 to MAIL FROM without authentication', async () => {
    const s = await keep(
      startSmtp({
        hideSTARTTLS: true,
        allowInsecureAuth: false,
        authOptional: false,
        onAuth: (_a, _s, cb) => cb(new Error('no')),
      }),
    );
    const out = await probe({ host: 'mx.test', ports: [s.port], recipient: 'user@mx.test' }, { dns, ports: [s.port] });
    expect(out.codes).toContain('SMTP_AUTH_REQUIRED');
    expect(out.findings.find((f) => f.code === 'SMTP_AUTH_REQUIRED')!.detail).toMatch(/530/);
  });

  it('accepts a valid recipient with no findings but the missing TLS, and never sends DATA', async () => {
    const seen: string[] = [];
    const s = await keep(
      startScripted((io) =>
        dialogue(io, {
          DATA: () => {
            seen.push('DATA');
            return ['354 go'];
          },
        }),
      ),
    );
    const out = await probe({ host: 'mx.test', ports: [s.port], recipient: 'user@mx.test' }, { dns, ports: [s.port] });
    expect(out.codes).toEqual(['TLS_NOT_OFFERED']);
    expect(out.result.probes[0]!.rcpt).toMatchObject({ accepted: true });
    expect(seen).toEqual([]);
    const sent = out.result.probes[0]!.transcript.filter((l) => l.dir === 'C').map((l) => l.line);
    expect(sent).toEqual(['EHLO probe.test', 'MAIL FROM:<>', 'RCPT TO:<user@mx.test>', 'QUIT']);
  });
});

describe('relay test', () => {
  it('SMTP_OPEN_RELAY: an unauthenticated RCPT to an outside domain is accepted', async () => {
    const s = await keep(startSmtp({ hideSTARTTLS: true, authOptional: true }));
    const out = await probe({ host: 'mx.test', ports: [s.port], relayTest: true }, { dns, ports: [s.port] });
    const f = out.findings.find((x) => x.code === 'SMTP_OPEN_RELAY')!;
    expect(f.severity).toBe('critical');
    expect(out.verdict).toBe('fail');
    expect(out.result.probes[0]!.relay).toMatchObject({ open: true, to: 'relay-test@example.net' });
  });

  it('a relay refusal is the correct answer: no finding, relay.open false', async () => {
    const s = await keep(
      startSmtp({
        disabledCommands: ['AUTH', 'STARTTLS'],
        authOptional: true,
        onRcptTo: (a, _s, cb) =>
          a.address.endsWith('@mx.test')
            ? cb()
            : cb(Object.assign(new Error(`5.7.1 <${a.address}>: Relay access denied`), { responseCode: 554 })),
      }),
    );
    const out = await probe(
      { host: 'mx.test', ports: [s.port], relayTest: true, recipient: 'user@mx.test' },
      { dns, ports: [s.port] },
    );
    expect(out.codes).toEqual(['TLS_NOT_OFFERED']);
    expect(out.result.probes[0]!.relay).toMatchObject({ open: false });
    expect(out.result.probes[0]!.rcpt).toMatchObject({ accepted: true });
  });
});
