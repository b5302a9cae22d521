import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  identifyMta,
  knownFlaws,
  MTA_VULNERABILITIES,
  softwareIssues,
} from '../../src/probe/mta-software';
import { startSmtp, type Running } from '../support/smtp-servers';
import { probe, startProbeDns } from './harness';

describe('MTA software from the banner and EHLO', () => {
  it.each([
    ['mx.example.com ESMTP Exim 4.94 Tue, 01 Dec 2026 10:00:00 +0000', undefined, 'Exim', '4.94'],
    ['mail.example.org ESMTP Postfix (Debian/GNU)', undefined, 'Postfix', undefined],
    ['mx ESMTP Sendmail 8.15.2/8.15.2; Tue, 1 Dec 2026', undefined, 'Sendmail', '8.15.2'],
    ['mx.example.net ESMTP OpenSMTPD', undefined, 'OpenSMTPD', undefined],
    ['mx Haraka/2.8.8 ready', undefined, 'Haraka', '2.8.8'],
    [
      'EX01.corp.example Microsoft ESMTP MAIL Service ready at Tue, 1 Dec 2026',
      undefined,
      'Microsoft Exchange',
      undefined,
    ],
    ['mx.example.com ESMTP ready', 'mx.example.com Hello [192.0.2.1], Exim 4.96 greets you', 'Exim', '4.96'],
  ])('%s | %s -> %s %s', (banner, ehlo, name, version) => {
    const sw = identifyMta(banner, ehlo);
    expect(sw?.name).toBe(name);
    expect(sw?.version).toBe(version);
  });

  it('names nothing when the server does not say', () => {
    expect(identifyMta('mx.example.com ESMTP ready', 'mx.example.com Hello')).toBeUndefined();
    expect(softwareIssues(undefined)).toEqual([]);
  });

  it('matches versions against the data table, with the range bounds and CVE references', () => {
    expect(compareVersions('4.94', '4.94.2')).toBe(-1);
    expect(compareVersions('4.94.2', '4.94.2')).toBe(0);
    expect(compareVersions('4.100', '4.94.2')).toBe(1);
    const exim = (v: string) => knownFlaws({ name: 'Exim', version: v, source: 'banner', evidence: '' });
    expect(exim('4.94').flatMap((f) => f.cves)).toEqual(expect.arrayContaining(['CVE-2020-28017', 'CVE-2023-42115']));
    expect(exim('4.94').flatMap((f) => f.cves)).not.toContain('CVE-2019-10149');
    expect(exim('4.89').flatMap((f) => f.cves)).toContain('CVE-2019-10149');
    // 4.86 predates the WIZard bug (affected from 4.87).
    expect(exim('4.86').flatMap((f) => f.cves)).not.toContain('CVE-2019-10149');
    expect(exim('4.98')).toEqual([]);
    const opensmtpd = knownFlaws({ name: 'OpenSMTPD', version: '6.6.1', source: 'banner', evidence: '' });
    expect(opensmtpd.flatMap((f) => f.cves)).toEqual(['CVE-2020-7247', 'CVE-2020-8794']);
    // No version, no claim about flaws.
    expect(knownFlaws({ name: 'Exim', source: 'banner', evidence: '' })).toEqual([]);
    for (const e of MTA_VULNERABILITIES.entries) {
      expect(e.cves.length).toBeGreaterThan(0);
      for (const c of e.cves) expect(c).toMatch(/^CVE-\d{4}-\d{4,}$/);
      expect(e.references.length).toBeGreaterThan(0);
    }
  });

  it('reports the flaw as what the banner claims, with the caveat, never as fact', () => {
    const issues = softwareIssues(identifyMta('mx ESMTP Exim 4.94.1', undefined));
    expect(issues.map((i) => i.code)).toEqual(['SMTP_SOFTWARE_ANNOUNCED', 'SMTP_SOFTWARE_VULNERABLE']);
    const v = issues[1]!;
    expect(v.cause).toMatch(/^The banner announces Exim 4\.94\.1/);
    expect(v.cause).toMatch(/If the version is accurate/);
    expect(v.cause).toMatch(/backport|changelog/);
    expect(v.remediation).toMatch(/4\.96\.1 or later/);
  });

  it('a real SMTP server announcing an old Exim: the probe reports the software and the finding', async () => {
    const dns = await startProbeDns();
    let s: Running | undefined;
    try {
      s = await startSmtp({ banner: 'Exim 4.92.1 ready', disabledCommands: ['STARTTLS', 'AUTH'], name: 'mx.test' });
      const out = await probe({ host: 'mx.test', ports: [s.port] }, { dns, ports: [s.port] });
      expect(out.codes).toContain('SMTP_SOFTWARE_VULNERABLE');
      const f = out.findings.find((x) => x.code === 'SMTP_SOFTWARE_VULNERABLE')!;
      expect(f.severity).toBe('warning');
      expect(f.detail).toContain('CVE-2019-15846');
      expect(f.detail).toContain('CVE-2019-16928');
      const probed = (out.result as { probes: { software?: { name: string; version?: string } }[] }).probes[0]!;
      expect(probed.software).toMatchObject({ name: 'Exim', version: '4.92.1' });
    } finally {
      await s?.close();
      await dns.stop();
    }
  });
});
