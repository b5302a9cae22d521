import { freePort } from './free-port';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpamdClient } from '../../src/infra/spam/spamd.client';
import { peerPresent } from './peers';

/**
 * For tests and benches only (never started by the service): a real SpamAssassin spamd (Debian package `spamd`) on 127.0.0.1 and its own port, with a
 * private site config: network tests, Bayes and auto-learning off, so it needs no network and
 * gives repeatable scores. Started and stopped by the test that uses it.
 */
export interface SpamdHandle {
  port: number;
  url: string;
  startupMs: number;
  stop(): Promise<void>;
}

export function spamdAvailable(): boolean {
  return peerPresent('spamd');
}

/**
 * `localCf`: more lines for the private local.cf, e.g. a recipient's welcome lists (spamd runs with
 * --nouser-config, so site settings are where prefs go).
 */
export async function startSpamd(timeoutMs = 60_000, opts: { localCf?: string[] } = {}): Promise<SpamdHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'content-spamd-'));
  chmodSync(dir, 0o755);
  const site = join(dir, 'site');
  spawnSync('mkdir', ['-p', site]);
  // The .pre files load the plugins (v320.pre loads Check, without which spamd cannot scan).
  for (const f of readdirSync('/etc/spamassassin').filter((n) => n.endsWith('.pre')))
    copyFileSync(join('/etc/spamassassin', f), join(site, f));
  writeFileSync(
    join(site, 'local.cf'),
    [
      'use_bayes 0',
      'bayes_auto_learn 0',
      'skip_rbl_checks 1',
      'use_razor2 0',
      'use_pyzor 0',
      'dns_available no',
      'use_auto_whitelist 0',
      ...(opts.localCf ?? []),
    ].join('\n') + '\n',
  );
  for (const f of readdirSync(site)) chmodSync(join(site, f), 0o644);
  chmodSync(site, 0o755);
  const port = await freePort();
  const args = [
    `--listen=127.0.0.1:${port}`,
    '--max-children=1',
    '--min-children=1',
    `--pidfile=${join(dir, 'spamd.pid')}`,
    `--siteconfigpath=${site}`,
    '--local',
    '--nouser-config',
    '--syslog=stderr',
    ...(process.getuid?.() === 0 ? ['-u', 'nobody'] : []),
  ];
  const started = Date.now();
  const child: ChildProcess = spawn('spamd', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-8000);
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Ready when a real CHECK is answered (the port opens before the children can scan).
  const client = new SpamdClient({ host: '127.0.0.1', port }, { timeoutMs: 10_000 });
  const probe = Buffer.from('From: probe@example.com\r\nSubject: probe\r\n\r\nprobe\r\n');
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) break;
    const r = await client.request('CHECK', probe);
    if (r.status === 'ok' && r.score !== undefined)
      return { port, url: `spamd://127.0.0.1:${port}`, startupMs: Date.now() - started, stop };
    await new Promise((res) => setTimeout(res, 200));
  }
  await stop();
  throw new Error(`spamd did not become ready: ${log.slice(-2000)}`);
}
