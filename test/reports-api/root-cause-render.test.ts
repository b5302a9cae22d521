import { describe, expect, it } from 'vitest';
import type { CheckModel } from '../../src/checks/check.model';
import type { Finding } from '../../src/common/finding';
import { formatReport } from '../../src/cli/report.format';
import { gradeKind } from '../../src/findings/grading';
import { renderHtml, renderMarkdown } from '../../src/reports/export/export.render';

/**
 * Root cause first (issue 13) in what a person reads: the Markdown and HTML exports and the CLI's
 * report put the finding others were folded under first, labelled as the root cause, whatever the
 * severity order of the rest; the findings it implies appear only in its fold list.
 */
const f = (code: string, severity: Finding['severity'], title = code): Finding => ({
  code,
  severity,
  title,
  detail: `${code} seen`,
  remediation: `fix ${code}`,
});

function check(findings: Finding[]): CheckModel {
  return {
    id: '0190f000-0000-7000-8000-000000000001',
    kind: 'dns',
    target: 'example.test',
    status: 'completed',
    verdict: 'fail',
    score: 10,
    findings,
    createdAt: '2026-12-06T00:00:00.000Z',
  } as unknown as CheckModel;
}

describe('root cause first in exports and the CLI', () => {
  // What the dns kind stores for a domain with no MX: the MTA-STS and TLS findings fold under it;
  // a DMARC problem (not implied by a missing MX) stays; an info is listed after.
  const graded = gradeKind('dns', [
    f('DMARC_MISSING', 'error'),
    f('MTA_STS_MISSING', 'warning'),
    f('MX_MISSING', 'critical', 'No MX record'),
    f('TLSRPT_MISSING', 'info'),
    f('SPF_MISSING', 'error'),
  ]);

  it('the stored findings: the cause first, carrying what it implies', () => {
    expect(graded.rootCause).toBe('MX_MISSING');
    expect(graded.findings.map((x) => x.code)).toEqual(['MX_MISSING', 'DMARC_MISSING', 'SPF_MISSING']);
    expect(graded.findings[0]!.folded).toEqual(['MTA_STS_MISSING', 'TLSRPT_MISSING']);
  });

  it('Markdown and HTML label it and put it first; folded codes are not listed as problems of their own', () => {
    const md = renderMarkdown(check(graded.findings));
    const headings = md.split('\n').filter((l) => l.startsWith('### '));
    expect(headings).toEqual([
      '### Root cause: CRITICAL MX\\_MISSING: No MX record',
      '### ERROR DMARC\\_MISSING: DMARC\\_MISSING',
      '### ERROR SPF\\_MISSING: SPF\\_MISSING',
    ]);
    expect(md).toMatch(/Folded under this cause.*MTA\\_STS\\_MISSING, TLSRPT\\_MISSING/);
    const html = renderHtml(check(graded.findings));
    expect(html).toContain('<strong>Root cause: CRITICAL MX_MISSING</strong>');
    expect(html.indexOf('MX_MISSING</strong>')).toBeLessThan(html.indexOf('DMARC_MISSING</strong>'));
  });

  it('first even when another finding is more severe than the cause', () => {
    const cause = { ...f('MX_ALL_UNREACHABLE', 'error'), folded: ['SMTP_BANNER_TIMEOUT'] };
    const md = renderMarkdown(check([f('DNSBL_LISTED', 'critical'), cause]));
    const headings = md.split('\n').filter((l) => l.startsWith('### '));
    expect(headings[0]).toMatch(/^### Root cause: ERROR MX\\_ALL\\_UNREACHABLE/);
    expect(headings[1]).toMatch(/^### CRITICAL DNSBL\\_LISTED/);
    // Without a fold, severity order as before.
    const plain = renderMarkdown(check([f('MX_SINGLE_HOST', 'info'), f('DNSBL_LISTED', 'critical')]));
    expect(plain.split('\n').filter((l) => l.startsWith('### '))).toEqual([
      '### CRITICAL DNSBL\\_LISTED: DNSBL\\_LISTED',
      '### INFO MX\\_SINGLE\\_HOST: MX\\_SINGLE\\_HOST',
    ]);
  });

  it("the CLI's report has a ROOT CAUSE section before the severity groups, and the cause once", () => {
    const text = formatReport({ ...check(graded.findings), durationMs: 5 });
    const lines = text.split('\n');
    const at = (s: string) => lines.findIndex((l) => l === s);
    expect(at('ROOT CAUSE')).toBeGreaterThan(0);
    expect(at('ROOT CAUSE')).toBeLessThan(at('ERROR (2)'));
    expect(at('CRITICAL (1)')).toBe(-1); // the cause is not listed again under its severity
    expect(lines.filter((l) => l.includes('[MX_MISSING]'))).toHaveLength(1);
    expect(text).not.toMatch(/\[MTA_STS_MISSING\]|\[TLSRPT_MISSING\]/);
  });
});
