import { describe, expect, it } from 'vitest';
import { findingCatalog, kindsOf } from '../../src/checks/kind-catalog';
import { AREAS } from '../../src/common/finding';
import { DIAGNOSTIC_MODULES } from '../../src/diagnostic-modules';
import { FINDING_CATALOG, MODULE_CATALOGS } from '../../src/findings/catalog';
import { replyFindingCodes } from '../../src/kb/reply-kb';
import { REPLY_FINDINGS } from '../../src/kb/reply-findings';

/** Issue 13: one finding catalog, every code defined once, complete, with remediation, reference and area. */
describe('the finding catalog', () => {
  const all = MODULE_CATALOGS.flat();

  it('defines every code exactly once across the module catalogs', () => {
    const byCode = new Map<string, Set<unknown>>();
    for (const d of all) byCode.set(d.code, (byCode.get(d.code) ?? new Set()).add(d));
    const twice = [...byCode].filter(([, defs]) => defs.size > 1).map(([c]) => c);
    expect(twice).toEqual([]);
    expect(FINDING_CATALOG.size).toBe(byCode.size);
  });

  it('holds every code any kind can emit, as the very same definition', () => {
    const kinds = kindsOf(DIAGNOSTIC_MODULES);
    expect(kinds.length).toBeGreaterThan(3);
    for (const k of kinds)
      for (const f of k.findings) expect(FINDING_CATALOG.get(f.code), `${k.name}: ${f.code}`).toBe(f);
    // ...and every code the reply knowledge base can give (probe, explain, bounces, logs).
    for (const code of replyFindingCodes()) expect(FINDING_CATALOG.get(code), code).toBe(REPLY_FINDINGS[code]);
  });

  it('gives every entry remediation, at least one reference and an explicit area', () => {
    const problems: string[] = [];
    for (const d of FINDING_CATALOG.values()) {
      if (d.remediation.trim().length < 10) problems.push(`${d.code}: remediation`);
      if (!d.references?.length) problems.push(`${d.code}: references`);
      if (d.area !== null && !AREAS.includes(d.area)) problems.push(`${d.code}: area ${String(d.area)}`);
      if (d.area === undefined) problems.push(`${d.code}: no area`);
    }
    expect(problems).toEqual([]);
  });

  it('lists each code once in GET /v1/findings (the registry catalog)', () => {
    const listed = findingCatalog(kindsOf(DIAGNOSTIC_MODULES), Object.values(REPLY_FINDINGS));
    const codes = listed.map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const d of listed) expect(FINDING_CATALOG.get(d.code)).toBe(d);
  });
});
