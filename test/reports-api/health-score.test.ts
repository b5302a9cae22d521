import { describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../../src/common/finding';
import { buildHealthReport } from '../../src/reports/health/health.report';
import { areaOf, AREAS, gradeOf, scoreHealth } from '../../src/reports/health/health.score';
import { escapeHtml, escapeMd } from '../../src/reports/export/export.render';
import { signatureHeader, verifySignature } from '../../src/reports/webhooks/webhook.signer';

const f = (code: string, severity: Severity): Finding => ({
  code,
  severity,
  title: code,
  detail: code,
  remediation: `fix ${code}`,
});
const ALL = new Set(AREAS);

describe('health formula v2', () => {
  it('maps codes to areas', () => {
    expect(areaOf('MX_MISSING')).toBe('mail_routing');
    expect(areaOf('SMTP_CONNECTION_REFUSED')).toBe('mail_routing');
    expect(areaOf('DMARC_POLICY_NONE')).toBe('sender_authentication');
    expect(areaOf('TLS_CERT_EXPIRED')).toBe('transport_security');
    expect(areaOf('MTA_STS_MISSING')).toBe('transport_security');
    expect(areaOf('DNSBL_LISTED')).toBe('reputation');
    expect(areaOf('PTR_MISMATCH')).toBe('reputation');
    expect(areaOf('SMTP_OPEN_RELAY')).toBe('server_behaviour');
  });

  it('a clean domain is A 100; grades follow the documented bounds', () => {
    expect(scoreHealth([], ALL)).toMatchObject({ score: 100, grade: 'A', verdict: 'pass' });
    expect([95, 90, 89, 80, 79, 70, 60, 59, 0].map(gradeOf)).toEqual(['A', 'A', 'B', 'B', 'C', 'C', 'D', 'F', 'F']);
  });

  it('weights areas and caps errors at 79 and criticals at 59', () => {
    // One warning in sender authentication: area 92, overall (30*100+25*92+20*100+15*100+10*100)/100 = 98.
    expect(scoreHealth([f('DMARC_POLICY_NONE', 'warning')], ALL)).toMatchObject({
      score: 98,
      grade: 'A',
      verdict: 'warn',
    });
    // One error in server behaviour: weighted 97.5 -> 98, capped at 79.
    expect(scoreHealth([f('SMTP_OPEN_RELAY', 'error')], ALL)).toMatchObject({ score: 79, grade: 'C', verdict: 'fail' });
    expect(scoreHealth([f('MX_MISSING', 'critical')], ALL)).toMatchObject({ score: 59, grade: 'F' });
  });

  it('orders findings by impact (penalty x area weight) and leaves unassessed areas unknown', () => {
    const s = scoreHealth(
      [
        f('SMTP_OPEN_RELAY', 'error'),
        f('SPF_MISSING', 'error'),
        f('MX_TARGET_UNRESOLVABLE', 'error'),
        f('TLS_NOT_OFFERED', 'warning'),
      ],
      new Set(['mail_routing', 'sender_authentication'] as const),
    );
    expect(s.findings.map((x) => x.code)).toEqual([
      'MX_TARGET_UNRESOLVABLE',
      'SPF_MISSING',
      'SMTP_OPEN_RELAY',
      'TLS_NOT_OFFERED',
    ]);
    expect(s.findings[0]!.impact).toBe(7.5);
    const byArea = Object.fromEntries(s.areas.map((a) => [a.area, a]));
    expect(byArea.transport_security).toMatchObject({ status: 'unknown', score: null });
    expect(byArea.mail_routing).toMatchObject({ status: 'fail', score: 75 });
    // Only known areas count: (30*75 + 25*75) / 55 = 75.
    expect(s.score).toBe(75);
    expect(scoreHealth([], new Set())).toMatchObject({ score: 0, grade: 'F', verdict: 'indeterminate' });
  });

  it('merges a code seen on several MX into one finding and reports failed children', () => {
    const r = buildHealthReport(
      'x.test',
      'h1',
      [
        { id: 'c1', kind: 'mx', target: 'x.test', status: 'completed', verdict: 'pass', findings: [], error: null },
        {
          id: 'c2',
          kind: 'smtp',
          target: 'mx1.x.test',
          status: 'completed',
          verdict: 'warn',
          findings: [f('TLS_NOT_OFFERED', 'warning')],
          error: null,
        },
        {
          id: 'c3',
          kind: 'smtp',
          target: 'mx2.x.test',
          status: 'completed',
          verdict: 'fail',
          findings: [f('TLS_NOT_OFFERED', 'error')],
          error: null,
        },
        {
          id: 'c4',
          kind: 'smtp',
          target: 'mx3.x.test',
          status: 'failed',
          verdict: 'indeterminate',
          findings: [],
          error: 'boom',
        },
      ],
      new Date(0),
    );
    const tls = r.findings.filter((x) => x.code === 'TLS_NOT_OFFERED');
    expect(tls).toHaveLength(1);
    expect(tls[0]!.severity).toBe('error');
    expect(tls[0]!.evidence).toMatchObject({ seenIn: ['c2', 'c3'] });
    expect(r.findings[r.findings.length - 1]).toMatchObject({ code: 'HEALTH_PART_FAILED', impact: 0 });
    expect(r.areas.find((a) => a.area === 'sender_authentication')!.status).toBe('unknown');
    expect(r.areas.find((a) => a.area === 'server_behaviour')!.status).toBe('pass');
  });
});

describe('escaping and signatures', () => {
  it('escapes HTML and Markdown metacharacters', () => {
    expect(escapeHtml('<a href="x">\'&`')).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#96;');
    expect(escapeMd('<b>[x](javascript:y)|`z`')).toBe('&lt;b&gt;\\[x\\]\\(javascript:y\\)\\|\\`z\\`');
  });

  it('verifies its own signatures and refuses stale or altered ones', () => {
    const now = new Date('2025-01-01T00:00:00Z');
    const h = signatureHeader('s3cret-s3cret-s3cret', '{"a":1}', now);
    expect(verifySignature('s3cret-s3cret-s3cret', h, '{"a":1}', 300, now)).toBe(true);
    expect(verifySignature('s3cret-s3cret-s3cret', h, '{"a":2}', 300, now)).toBe(false);
    expect(verifySignature('s3cret-s3cret-s3cret', h, '{"a":1}', 300, new Date(now.getTime() + 301_000))).toBe(false);
    expect(verifySignature('s3cret-s3cret-s3cret', 'garbage', '{"a":1}', 300, now)).toBe(false);
  });
});
