import { describe, expect, it } from 'vitest';
import { finding, type Finding } from '../../src/common/finding';
import { FINDING_CATALOG } from '../../src/findings/catalog';
import { AREAS, scoreHealth } from '../../src/reports/health/health.score';

/** Issue 13: the grades a person would agree with, one row per scenario. */
const f = (code: string): Finding => finding(FINDING_CATALOG.get(code)!, `${code} (scenario)`);
const ALL = new Set(AREAS);

const SCENARIOS: { name: string; findings: string[]; grades: string[]; verdict: string }[] = [
  {
    name: 'nonexistent domain',
    findings: [
      'DOMAIN_NOT_FOUND',
      'SPF_MISSING',
      'DMARC_MISSING',
      'DKIM_NO_SELECTOR_FOUND',
      'MTA_STS_MISSING',
      'TLSRPT_MISSING',
      'DNSSEC_UNSIGNED',
      'BIMI_MISSING',
    ],
    grades: ['F'],
    verdict: 'fail',
  },
  {
    name: 'no SPF and no DMARC, but mail flows',
    findings: ['SPF_MISSING', 'DMARC_MISSING'],
    grades: ['C', 'D'],
    verdict: 'fail',
  },
  { name: 'all green', findings: [], grades: ['A'], verdict: 'pass' },
];

describe('health scenarios', () => {
  it.each(SCENARIOS)('$name -> $grades', ({ findings, grades, verdict }) => {
    const r = scoreHealth(findings.map(f), ALL);
    expect(grades).toContain(r.grade);
    expect(r.verdict).toBe(verdict);
  });
  it('reports the root cause and folds what it implies', () => {
    const r = scoreHealth(SCENARIOS[0]!.findings.map(f), ALL);
    expect(r.findings.map((x) => x.code)).toEqual(['DOMAIN_NOT_FOUND']);
    expect(r.findings[0]!.detail).toMatch(/Folded under this cause: SPF_MISSING, DMARC_MISSING/);
    expect(r.areas.filter((a) => a.status !== 'unknown').map((a) => a.area)).toEqual(['mail_routing']);
  });
});
