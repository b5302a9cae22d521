import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test certificates made with the openssl CLI (Debian's openssl; OpenSSL 3.0 here): a private CA
 * that tests trust through PROBE_CA_FILE, CA-signed leaves with any validity window and SANs
 * (so "expired" and "wrong host" are tested apart from "untrusted"), and self-signed leaves.
 */
export interface KeyCert {
  key: string;
  cert: string;
  certPath: string;
  keyPath: string;
}

export interface LeafOptions {
  cn: string;
  /** e.g. ['DNS:mx.test', 'IP:127.0.0.1'] */
  sans: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** 'ec' (P-256, fast) by default; 'rsa1024' for a weak key. */
  key?: 'ec' | 'rsa2048' | 'rsa1024';
}

export interface TestCa {
  dir: string;
  /** PEM path of the CA certificate, for PROBE_CA_FILE. */
  caPath: string;
  caPem: string;
  issue(o: LeafOptions): KeyCert;
  selfSigned(o: LeafOptions): KeyCert;
  cleanup(): void;
}

function openssl(args: string[], cwd: string) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function keyArgs(k: LeafOptions['key']): string[] {
  if (k === 'rsa1024') return ['-newkey', 'rsa:1024'];
  if (k === 'rsa2048') return ['-newkey', 'rsa:2048'];
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
}

/** openssl ca date format: YYYYMMDDHHMMSSZ */
function asn1Time(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
}

export function createTestCa(name = 'smtp-doctor test CA'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'probe-ca-'));
  mkdirSync(join(dir, 'newcerts'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = CA_default',
      '[CA_default]',
      `dir = ${dir}`,
      'database = $dir/index.txt',
      'new_certs_dir = $dir/newcerts',
      'certificate = $dir/ca.pem',
      'private_key = $dir/ca.key',
      'serial = $dir/serial',
      'default_md = sha256',
      'policy = policy_any',
      'unique_subject = no',
      'copy_extensions = none',
      'email_in_dn = no',
      '[policy_any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  openssl(
    [
      'req',
      '-x509',
      ...keyArgs('ec'),
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '3650',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  let n = 0;
  const read = (base: string): KeyCert => ({
    key: readFileSync(join(dir, `${base}.key`), 'utf8'),
    cert: readFileSync(join(dir, `${base}.pem`), 'utf8'),
    keyPath: join(dir, `${base}.key`),
    certPath: join(dir, `${base}.pem`),
  });
  return {
    dir,
    caPath: join(dir, 'ca.pem'),
    caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    issue(o) {
      const base = `leaf${++n}`;
      const from = o.notBefore ?? new Date(Date.now() - 86_400_000);
      const to = o.notAfter ?? new Date(Date.now() + 90 * 86_400_000);
      writeFileSync(
        join(dir, `${base}.ext`),
        `subjectAltName=${o.sans.join(',')}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
      );
      openssl(
        [
          'req',
          '-new',
          ...keyArgs(o.key),
          '-nodes',
          '-keyout',
          `${base}.key`,
          '-out',
          `${base}.csr`,
          '-subj',
          `/CN=${o.cn}`,
        ],
        dir,
      );
      openssl(
        [
          'ca',
          '-batch',
          '-config',
          'ca.cnf',
          '-in',
          `${base}.csr`,
          '-out',
          `${base}.pem`,
          '-notext',
          '-startdate',
          asn1Time(from),
          '-enddate',
          asn1Time(to),
          '-extfile',
          `${base}.ext`,
        ],
        dir,
      );
      return read(base);
    },
    selfSigned(o) {
      const base = `self${++n}`;
      openssl(
        [
          'req',
          '-x509',
          ...keyArgs(o.key),
          '-nodes',
          '-keyout',
          `${base}.key`,
          '-out',
          `${base}.pem`,
          '-days',
          '30',
          '-subj',
          `/CN=${o.cn}`,
          '-addext',
          `subjectAltName=${o.sans.join(',')}`,
        ],
        dir,
      );
      return read(base);
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
