/**
 * Report parsers against public samples (test/fixtures/dmarc-reports, see SOURCES.md): every
 * parsedmarc sample parses or is refused with a stated code; Stalwart's samples are compared field
 * by field with Stalwart's expected JSON. Hostile inputs (billion laughs, gzip and zip bombs, huge
 * inputs, deep nesting) are refused with a clear reason, and the heap stays bounded while they are.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- Stalwart's expected results are untyped JSON, compared field by field */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseReportInput } from '../../src/reports/intake/report.parser';
import {
  DEFAULT_REPORT_LIMITS,
  type AggregateReport,
  type FailureReport,
  type ParsedReport,
  type TlsRptReport,
} from '../../src/reports/intake/report.types';

const DIR = join(__dirname, '../fixtures/dmarc-reports');
const read = (p: string) => readFileSync(join(DIR, p));
const L = DEFAULT_REPORT_LIMITS;

async function parseOk(buf: Buffer): Promise<ParsedReport[]> {
  const r = await parseReportInput(buf, L);
  if (!r.ok) throw new Error(`${r.code}: ${r.reason}`);
  return r.reports;
}

/** Minimal ZIP writer (APPNOTE §4.3) for the bomb tests; `declaredSize` lets an entry lie. */
function zipOf(entries: { name: string; data: Buffer; declaredSize?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const cens: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const comp = deflateRawSync(e.data);
    const name = Buffer.from(e.name);
    const size = e.declaredSize ?? e.data.length;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(8, 8);
    lh.writeUInt32LE(comp.length, 18);
    lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(comp.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, comp);
    cens.push(ch, name);
    offset += 30 + name.length + comp.length;
  }
  const cd = Buffer.concat(cens);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe('parsedmarc samples: parse, or refuse with a stated reason', () => {
  const REFUSED: Record<string, string> = {
    'aggregate/ikea.com!example.de!1538690400!1538776800.xml': 'xml_malformed', // wrapped in an unclosed xs:schema
    'aggregate/invalid_xml.xml': 'xml_malformed',
    'failure/exim_plain_text_only_no_arf_part.eml': 'not_a_report',
  };
  const files = ['aggregate', 'aggregate_invalid', 'extract_report', 'failure', 'smtp_tls'].flatMap((d) =>
    readdirSync(join(DIR, 'parsedmarc', d)).map((f) => `${d}/${f}`),
  );
  it.each(files)('%s', async (f) => {
    const r = await parseReportInput(read(`parsedmarc/${f}`), L);
    if (REFUSED[f]) {
      expect(r).toMatchObject({ ok: false, code: REFUSED[f] });
      expect((r as { reason: string }).reason.length).toBeGreaterThan(10);
    } else {
      expect(r.ok, JSON.stringify(r)).toBe(true);
      const kind = f.startsWith('failure') ? 'failure' : f.startsWith('smtp_tls') ? 'tlsrpt' : 'aggregate';
      for (const rep of (r as { reports: ParsedReport[] }).reports) {
        expect(rep.kind).toBe(kind);
        expect(rep.reportId).not.toBe('');
        expect(rep.domain).toMatch(/^[a-z0-9.-]+\.[a-z]{2,}$/);
      }
    }
  });

  it('reads the same report as xml, gzip and zip, and the RFC 9990 shape', async () => {
    const [x, g, z] = await Promise.all(
      ['nice-input.xml', 'nice-input.xml.gz', 'nice-input.xml.zip'].map((n) =>
        parseOk(read(`parsedmarc/extract_report/${n}`)),
      ),
    );
    expect(g).toEqual(x);
    expect(z).toEqual(x);
    const [bis] = (await parseOk(read('parsedmarc/aggregate/rfc9990-sample.xml'))) as AggregateReport[];
    expect(bis).toMatchObject({
      format: '9990',
      reportId: '3v98abbp8ya9n3va8yr8oa3ya',
      policy: { p: 'quarantine', np: 'none', testing: 'n', discoveryMethod: 'treewalk' },
    });
    expect(bis!.rows[0]).toMatchObject({
      sourceIp: '192.0.2.123',
      count: 123,
      dkimAligned: true,
      spfAligned: false,
      dkim: [{ domain: 'example.com', selector: 'abc123', result: 'pass' }],
    });
    const [big] = (await parseOk(
      read('parsedmarc/aggregate/!large-example.com!1711897200!1711983600.xml'),
    )) as AggregateReport[];
    expect(big!.rows.length).toBe(2286);
  });

  it('reads RFC 6591 failure reports and RFC 8460 TLS reports', async () => {
    const [f] = (await parseOk(read('parsedmarc/failure/dmarc_ruf_report_linkedin.eml'))) as FailureReport[];
    expect(f).toMatchObject({
      feedbackType: 'auth-failure',
      domain: 'example.com',
      sourceIp: '10.10.10.10',
      authFailure: 'dmarc',
    });
    const [crlf] = (await parseOk(read('parsedmarc/failure/dmarc_ruf_report_linkedin.crlf.eml'))) as FailureReport[];
    expect(crlf!.reportId).toBe(f!.reportId);
    const [t] = (await parseOk(read('parsedmarc/smtp_tls/rfc8460.json'))) as TlsRptReport[];
    expect(t!.policies[0]!.failures.map((x) => [x.resultType, x.receivingMxHostname, x.count])).toEqual([
      ['certificate-expired', 'mx1.mail.company-y.example', 100],
      ['starttls-not-supported', 'mx2.mail.company-y.example', 200],
      ['validation-failure', 'mx-backup.mail.company-y.example', 3],
    ]);
  });
});

describe("Stalwart's samples against Stalwart's expected parse results", () => {
  const lc = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);
  for (const n of ['001', '002', '003', '004', '005', '100', '101', '102', '103', '104']) {
    it(`dmarc-feedback/${n}`, async () => {
      const input = read(`stalwart/dmarc-feedback/${n}.${Number(n) >= 100 ? 'eml' : 'xml'}`);
      const expected = JSON.parse(read(`stalwart/dmarc-feedback/${n}.json`).toString()) as any;
      const [r] = (await parseOk(input)) as AggregateReport[];
      const m = expected.report_metadata;
      expect(r!.reportId).toBe(m.report_id);
      expect(r!.orgName).toBe(m.org_name || m.email);
      expect(r!.begin).toBe(new Date(m.date_range.begin * 1000).toISOString());
      expect(r!.end).toBe(new Date(m.date_range.end * 1000).toISOString());
      expect(r!.domain).toBe(expected.policy_published.domain.toLowerCase());
      expect(r!.policy.p).toBe(lc(expected.policy_published.p));
      expect(r!.rows.map((x) => [x.sourceIp, x.count, x.disposition, x.dkimAligned, x.spfAligned])).toEqual(
        expected.record.map((e: any) => [
          e.row.source_ip,
          e.row.count,
          lc(e.row.policy_evaluated.disposition),
          e.row.policy_evaluated.dkim === 'Pass',
          e.row.policy_evaluated.spf === 'Pass',
        ]),
      );
      expect(r!.rows.map((x) => x.dkim.map((d) => [d.domain, d.selector ?? null, d.result]))).toEqual(
        expected.record.map((e: any) =>
          e.auth_results.dkim.map((d: any) => [d.domain.toLowerCase(), d.selector || null, lc(d.result)]),
        ),
      );
      expect(r!.rows.map((x) => x.spf.map((d) => [d.domain, d.result]))).toEqual(
        expected.record.map((e: any) => e.auth_results.spf.map((d: any) => [d.domain.toLowerCase(), lc(d.result)])),
      );
    });
  }

  for (const n of ['002', '003', '004', '005']) {
    it(`arf/${n}`, async () => {
      const expected = JSON.parse(read(`stalwart/arf/${n}.json`).toString()) as any;
      const [r] = (await parseOk(read(`stalwart/arf/${n}.eml`))) as FailureReport[];
      expect(r!.domain).toBe(expected.reported_domain[0]?.toLowerCase() ?? r!.domain);
      if (expected.source_ip) expect(r!.sourceIp).toBe(expected.source_ip);
      expect(r!.feedbackType.replace(/-/g, '')).toBe(String(expected.feedback_type).toLowerCase());
    });
  }

  for (const n of ['01', '02']) {
    it(`tlsrpt/rpt${n}`, async () => {
      const expected = JSON.parse(read(`stalwart/tlsrpt/rpt${n}.json`).toString()) as any;
      const [r] = (await parseOk(read(`stalwart/tlsrpt/rpt${n}.eml`))) as TlsRptReport[];
      expect(r!.orgName).toBe(expected['organization-name']);
      expect(r!.reportId).toBe(expected['report-id']);
      expect(r!.policies.map((p) => [p.policyDomain, p.successful, p.failed, p.failures.length])).toEqual(
        expected.policies.map((p: any) => [
          p.policy['policy-domain'],
          p.summary['total-successful-session-count'],
          p.summary['total-failure-session-count'],
          (p['failure-details'] ?? []).length,
        ]),
      );
    });
  }
});

describe('hostile and malformed reports are refused with a reason and bounded memory', () => {
  const heapGrowth = async (f: () => Promise<unknown>) => {
    global.gc?.();
    const before = process.memoryUsage();
    let peak = 0;
    const t = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed + m.arrayBuffers - before.heapUsed - before.arrayBuffers);
    }, 1);
    const out = await f();
    const m = process.memoryUsage();
    peak = Math.max(peak, m.heapUsed + m.arrayBuffers - before.heapUsed - before.arrayBuffers);
    clearInterval(t);
    return { out, peak };
  };

  it('billion laughs (DOCTYPE with nested entities)', async () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from(
      { length: 9 },
      (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`,
    ).join('')}]><feedback><report_metadata><org_name>&lol9;</org_name></report_metadata></feedback>`;
    const r = await parseReportInput(Buffer.from(lol), L);
    expect(r).toMatchObject({ ok: false, code: 'xml_dtd_forbidden' });
    // Also inside gzip and a message.
    expect(await parseReportInput(gzipSync(lol), L)).toMatchObject({ ok: false, code: 'xml_dtd_forbidden' });
  });

  it('an external entity (XXE) is refused the same way', async () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]><feedback>&x;</feedback>';
    expect(await parseReportInput(Buffer.from(xxe), L)).toMatchObject({ ok: false, code: 'xml_dtd_forbidden' });
  });

  it('a gzip bomb stops at the decompressed limit, without inflating it all', async () => {
    const limits = { ...L, maxDecompressedBytes: 8 * 1024 * 1024 };
    const bomb = gzipSync(Buffer.alloc(256 * 1024 * 1024), { level: 9 }); // 256 MiB of zeros, ~250 KiB
    const { out, peak } = await heapGrowth(() => parseReportInput(bomb, limits));
    expect(out).toMatchObject({ ok: false, code: 'decompressed_too_large' });
    expect((out as { reason: string }).reason).toContain('8388608');
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  });

  it('a small gzip with an absurd ratio is refused as a bomb', async () => {
    const r = await parseReportInput(gzipSync(Buffer.alloc(4 * 1024 * 1024)), L);
    expect(r).toMatchObject({ ok: false, code: 'compression_ratio' });
  });

  it('zip bombs: declared size, lying declared size, too many entries, overlapping entries', async () => {
    const big = Buffer.alloc(64 * 1024 * 1024);
    const declared = zipOf([{ name: 'r.xml', data: big }]);
    const { out, peak } = await heapGrowth(() => parseReportInput(declared, L));
    expect(out).toMatchObject({ ok: false, code: 'decompressed_too_large' });
    expect(peak).toBeLessThan(32 * 1024 * 1024);
    // An entry that declares 100 bytes but inflates to 64 MiB is cut at the budget.
    const lying = await parseReportInput(zipOf([{ name: 'r.xml', data: big, declaredSize: 100 }]), L);
    expect(lying.ok).toBe(false);
    expect(['decompressed_too_large', 'compression_ratio']).toContain((lying as { code: string }).code);
    const many = zipOf(Array.from({ length: 50 }, (_, i) => ({ name: `r${i}.xml`, data: Buffer.from('<feedback/>') })));
    expect(await parseReportInput(many, L)).toMatchObject({ ok: false, code: 'archive_too_many_entries' });
    // Nested archives stop at the nesting bound.
    let nested = gzipSync(read('parsedmarc/extract_report/nice-input.xml'));
    for (let i = 0; i < 4; i++) nested = gzipSync(nested);
    expect(await parseReportInput(nested, L)).toMatchObject({ ok: false, code: 'archive_invalid' });
  });

  it('a huge input or attachment is refused before parsing', async () => {
    const huge = Buffer.alloc(L.maxInputBytes + 1, 'a');
    expect(await parseReportInput(huge, L)).toMatchObject({ ok: false, code: 'too_large' });
    const msg = Buffer.from(
      `From: a@b.example\r\nTo: dmarc@c.example\r\nSubject: r\r\nContent-Type: application/json\r\n\r\n{"x":"${'y'.repeat(2 * 1024 * 1024)}"}`,
    );
    expect(await parseReportInput(msg, { ...L, maxInputBytes: 1024 * 1024 })).toMatchObject({
      ok: false,
      code: 'too_large',
    });
  });

  it('malformed JSON, XML without <feedback>, empty input and garbage', async () => {
    expect(await parseReportInput(Buffer.from('{"organization-name": '), L)).toMatchObject({
      ok: false,
      code: 'json_malformed',
    });
    expect(await parseReportInput(Buffer.from('{"a":1}'), L)).toMatchObject({ ok: false, code: 'not_a_report' });
    expect(await parseReportInput(Buffer.from('<html><body/></html>'), L)).toMatchObject({
      ok: false,
      code: 'not_a_report',
    });
    expect(await parseReportInput(Buffer.alloc(0), L)).toMatchObject({ ok: false, code: 'not_a_report' });
    expect(await parseReportInput(Buffer.from([0, 1, 2, 3, 250]), L)).toMatchObject({
      ok: false,
      code: 'not_a_report',
    });
    expect(await parseReportInput(Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]), L)).toMatchObject({
      ok: false,
      code: 'archive_invalid',
    });
    const tooMany = `<feedback><report_metadata><report_id>x</report_id><date_range><begin>1</begin><end>2</end></date_range></report_metadata><policy_published><domain>a.example</domain></policy_published>${'<record><row><source_ip>192.0.2.1</source_ip><count>1</count></row></record>'.repeat(20)}</feedback>`;
    expect(await parseReportInput(Buffer.from(tooMany), { ...L, maxRecords: 10 })).toMatchObject({
      ok: false,
      code: 'too_many_records',
    });
  });
});
