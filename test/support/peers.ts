import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The real peers that tests talk to, and one rule for a missing one (the project's rule): under
 * `CI=true` a test whose peer is missing FAILS, it never skips silently. `.ci/apt-packages` installs
 * them; helm comes from an npm package (`test/support/helm.ts`), and `docker/test-image.sh` fails by
 * itself when buildah is missing.
 *
 * - `requirePeer(name)`: true when present; when missing, throws under CI (the test file fails with
 *   the install line) and otherwise warns and returns false, for `describe.skipIf(!requirePeer(..))`
 *   on a developer machine that lacks an optional tool.
 * - `assertPeer(name)`: throws whenever the peer is missing, CI or not (tests that must never skip).
 */
export type PeerName = 'spamd' | 'postfix' | 'swaks' | 'chromium' | 'buildah' | 'dovecot' | 'pgbouncer';

const APT = 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends';

const runs = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

export const PEERS: Record<PeerName, { present: () => boolean; install: string }> = {
  // Debian 12: the daemon is the `spamd` package; `spamassassin` has the rules, `spamc` the client.
  spamd: {
    present: () => runs('spamd', ['--version']) || runs('/usr/sbin/spamd', ['--version']),
    install: `${APT} spamassassin spamc spamd`,
  },
  postfix: {
    present: () => existsSync('/usr/sbin/postfix') && existsSync('/usr/lib/postfix/sbin/smtpd'),
    install:
      'echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections; ' +
      'echo "postfix postfix/mailname string test.localdomain" | debconf-set-selections; ' +
      `${APT} postfix swaks`,
  },
  swaks: { present: () => runs('swaks', ['--version']), install: `${APT} swaks` },
  chromium: {
    present: () => existsSync(process.env.CHROMIUM_PATH || '/usr/bin/chromium'),
    install: `${APT} chromium (or set CHROMIUM_PATH)`,
  },
  buildah: { present: () => runs('buildah', ['--version']), install: `${APT} buildah debootstrap` },
  // IMAP report polling (issue 18) runs against a private Dovecot (test/support/dovecot.ts).
  dovecot: { present: () => existsSync('/usr/sbin/dovecot'), install: `${APT} dovecot-imapd` },
  // The service behind PgBouncer in transaction mode (test/storage/pgbouncer.test.ts, test/support/pgbouncer.ts).
  pgbouncer: { present: () => existsSync('/usr/sbin/pgbouncer'), install: `${APT} pgbouncer` },
};

const seen = new Map<PeerName, boolean>();
export function peerPresent(name: PeerName): boolean {
  let v = seen.get(name);
  if (v === undefined) seen.set(name, (v = PEERS[name].present()));
  return v;
}

export function missingPeerMessage(name: PeerName): string {
  return `${name} is not installed; the tests that need it cannot run. Install it: ${PEERS[name].install} (.ci/apt-packages does this in CI).`;
}

export function isCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** True when present. Missing: throws under CI; elsewhere warns (visibly) and returns false. */
export function requirePeer(name: PeerName): boolean {
  if (peerPresent(name)) return true;
  if (isCi()) throw new Error(`CI=true: ${missingPeerMessage(name)}`);
  console.warn(`SKIPPING the ${name} tests: ${missingPeerMessage(name)}`);
  return false;
}

/** Throws whenever the peer is missing (tests that must fail, not skip, on any machine). */
export function assertPeer(name: PeerName): void {
  if (!peerPresent(name)) throw new Error(missingPeerMessage(name));
}
