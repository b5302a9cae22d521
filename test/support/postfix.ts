import { freePort } from './free-port';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { assertPeer, peerPresent } from './peers';

const run = promisify(execFile);

/**
 * A private Postfix instance for tests: its own config directory (`postfix -c DIR`), queue and data
 * directories under a temp dir, smtpd on 127.0.0.1:PORT only, STARTTLS with the test's certificate,
 * one known local user. It never reads or changes the system instance's /etc/postfix config.
 *
 * Requires Debian's postfix package (apt-get install postfix; .ci/run installs it). Tests call
 * `requirePostfix()` first so a machine without Postfix FAILS instead of silently passing.
 */
export interface PostfixOptions {
  hostname: string;
  /** Local part that exists (e.g. "known" -> known@hostname). */
  knownUser: string;
  tls?: { certPath: string; keyPath: string };
  /** Extra main.cf lines. */
  extra?: Record<string, string>;
}

export interface PrivatePostfix {
  port: number;
  dir: string;
  /** The instance's maillog (postlog service), for debugging failed tests. */
  log(): string;
  stop(): Promise<void>;
}

export function postfixAvailable(): boolean {
  return peerPresent('postfix');
}

/** Throws with install instructions when Postfix is missing (tests must fail, not skip). */
export function requirePostfix(): void {
  assertPeer('postfix');
}

const MASTER_CF = (port: number) => `
# service type private unpriv chroot wakeup maxproc command
127.0.0.1:${port} inet n - n - - smtpd
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
tlsmgr    unix - - n 1000? 1 tlsmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
local     unix - n n - - local
`;

export async function startPostfix(o: PostfixOptions): Promise<PrivatePostfix> {
  requirePostfix();
  const dir = mkdtempSync(join(tmpdir(), 'probe-postfix-'));
  // Postfix daemons drop to the postfix user and must traverse the path to their queue.
  chmodSync(dir, 0o755);
  const etc = join(dir, 'etc');
  mkdirSync(etc);
  // postfix-script creates the queue's subdirectories, not the queue directory itself.
  mkdirSync(join(dir, 'spool'));
  mkdirSync(join(dir, 'data'));
  execFileSync('chown', ['postfix', join(dir, 'data')]);
  const port = await freePort();
  writeFileSync(join(etc, 'recipients'), `${o.knownUser} ok\n`);
  const main: Record<string, string> = {
    compatibility_level: '3.6',
    queue_directory: join(dir, 'spool'),
    data_directory: join(dir, 'data'),
    command_directory: '/usr/sbin',
    daemon_directory: '/usr/lib/postfix/sbin',
    meta_directory: '/etc/postfix',
    shlib_directory: '/usr/lib/postfix',
    mail_owner: 'postfix',
    setgid_group: 'postdrop',
    maillog_file: join(dir, 'maillog'),
    maillog_file_prefixes: dir,
    myhostname: o.hostname,
    mydomain: o.hostname.split('.').slice(1).join('.') || o.hostname,
    myorigin: '$myhostname',
    mydestination: `${o.hostname}, localhost`,
    inet_interfaces: '127.0.0.1',
    inet_protocols: 'ipv4',
    // Loopback is deliberately NOT in mynetworks, so the probe is an outside client (relay denied).
    mynetworks: '192.0.2.0/24',
    smtpd_relay_restrictions: 'permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination',
    local_recipient_maps: `texthash:${join(etc, 'recipients')}`,
    alias_maps: '',
    alias_database: '',
    smtpd_banner: '$myhostname ESMTP',
    biff: 'no',
    smtputf8_enable: 'yes',
    ...(o.tls
      ? { smtpd_tls_cert_file: o.tls.certPath, smtpd_tls_key_file: o.tls.keyPath, smtpd_tls_security_level: 'may' }
      : {}),
    ...o.extra,
  };
  writeFileSync(
    join(etc, 'main.cf'),
    Object.entries(main)
      .map(([k, v]) => `${k} = ${v}`)
      .join('\n') + '\n',
  );
  writeFileSync(join(etc, 'master.cf'), MASTER_CF(port));
  try {
    await run('/usr/sbin/postfix', ['-c', etc, 'start'], { timeout: 60_000 });
  } catch (e) {
    const log = existsSync(join(dir, 'maillog')) ? readFileSync(join(dir, 'maillog'), 'utf8') : '';
    throw new Error(`postfix -c ${etc} start failed: ${(e as Error).message}\n${log}`, { cause: e });
  }
  await waitForBanner(port);
  return {
    port,
    dir,
    log: () => (existsSync(join(dir, 'maillog')) ? readFileSync(join(dir, 'maillog'), 'utf8') : ''),
    async stop() {
      try {
        await run('/usr/sbin/postfix', ['-c', etc, 'stop'], { timeout: 30_000 });
      } catch {
        // Already stopped; fall through to make sure the master is gone.
        try {
          execFileSync('/usr/sbin/postfix', ['-c', etc, 'abort'], { stdio: 'ignore' });
        } catch {
          /* not running */
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForBanner(port: number): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('data', (d) => {
        s.end('QUIT\r\n');
        resolve(String(d).startsWith('220'));
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`private postfix did not greet on 127.0.0.1:${port}`);
}
