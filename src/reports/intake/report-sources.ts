import { finding, type Finding } from '../../common/finding';
import { REPORTS_FINDINGS as F } from '../reports.findings';
import type { AggregateReport, TlsRptReport } from './report.types';

/**
 * The join of what receivers report with what the checks see (issue 18), as pure functions: per
 * domain and period, the sending sources of the aggregate reports, and the findings drawn from them
 * together with evidence the service gathers (SPF evaluation of each large source, the latest dns
 * audit's DKIM sweep, the latest probe of each MX).
 */
export interface SourceStat {
  ip: string;
  ptr?: string;
  messages: number;
  /** Share of the domain's reported messages, 0..1. */
  share: number;
  spfAlignedRate: number;
  dkimAlignedRate: number;
  dmarcPassRate: number;
  dispositions: Record<string, number>;
  /** "d=domain s=selector" pairs seen from this source. */
  dkim: string[];
  envelopeFrom: string[];
}

export interface DomainSources {
  domain: string;
  reports: number;
  messages: number;
  dmarcPassRate: number;
  spfAlignedRate: number;
  dkimAlignedRate: number;
  /** The policy the newest report says was published. */
  publishedPolicy?: AggregateReport['policy'];
  sources: SourceStat[];
  selectors: { domain: string; selector: string; messages: number; passRate: number }[];
  tlsFailures: { mx: string; resultType: string; count: number; reasonCode?: string; reporters: string[] }[];
  tlsSessions: { successful: number; failed: number };
}

const rate = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10000) / 10000 : 0);

/** DKIM domain `d` is this domain or below it (relaxed alignment, without the org-domain walk). */
const within = (d: string, domain: string) => d === domain || d.endsWith(`.${domain}`);

export function summarizeSources(domain: string, aggregates: AggregateReport[], tls: TlsRptReport[]): DomainSources {
  const by = new Map<
    string,
    {
      messages: number;
      spf: number;
      dkim: number;
      pass: number;
      disp: Record<string, number>;
      dkimIds: Set<string>;
      env: Set<string>;
    }
  >();
  const sel = new Map<string, { domain: string; selector: string; messages: number; pass: number }>();
  let total = 0;
  let spf = 0;
  let dkim = 0;
  let pass = 0;
  for (const r of aggregates)
    for (const row of r.rows) {
      const s = by.get(row.sourceIp) ?? {
        messages: 0,
        spf: 0,
        dkim: 0,
        pass: 0,
        disp: {},
        dkimIds: new Set<string>(),
        env: new Set<string>(),
      };
      s.messages += row.count;
      total += row.count;
      if (row.spfAligned) {
        s.spf += row.count;
        spf += row.count;
      }
      if (row.dkimAligned) {
        s.dkim += row.count;
        dkim += row.count;
      }
      if (row.spfAligned || row.dkimAligned) {
        s.pass += row.count;
        pass += row.count;
      }
      s.disp[row.disposition] = (s.disp[row.disposition] ?? 0) + row.count;
      if (row.envelopeFrom) s.env.add(row.envelopeFrom);
      for (const d of row.dkim) {
        if (!d.selector) continue;
        s.dkimIds.add(`d=${d.domain} s=${d.selector}`);
        if (!within(d.domain, domain)) continue;
        const k = `${d.domain}\n${d.selector}`;
        const e = sel.get(k) ?? { domain: d.domain, selector: d.selector, messages: 0, pass: 0 };
        e.messages += row.count;
        if (d.result === 'pass') e.pass += row.count;
        sel.set(k, e);
      }
      by.set(row.sourceIp, s);
    }
  const sources = [...by.entries()]
    .map(([ip, s]) => ({
      ip,
      messages: s.messages,
      share: rate(s.messages, total),
      spfAlignedRate: rate(s.spf, s.messages),
      dkimAlignedRate: rate(s.dkim, s.messages),
      dmarcPassRate: rate(s.pass, s.messages),
      dispositions: s.disp,
      dkim: [...s.dkimIds].sort(),
      envelopeFrom: [...s.env].sort(),
    }))
    .sort((a, b) => b.messages - a.messages || a.ip.localeCompare(b.ip));
  const tlsMap = new Map<
    string,
    { mx: string; resultType: string; count: number; reasonCode?: string; reporters: Set<string> }
  >();
  const tlsSessions = { successful: 0, failed: 0 };
  for (const t of tls)
    for (const p of t.policies) {
      if (p.policyDomain !== domain) continue;
      tlsSessions.successful += p.successful;
      tlsSessions.failed += p.failed;
      for (const f of p.failures) {
        const mx = f.receivingMxHostname ?? p.mxHost[0] ?? '(unknown MX)';
        const k = `${mx}\n${f.resultType}`;
        const e = tlsMap.get(k) ?? { mx, resultType: f.resultType, count: 0, reporters: new Set<string>() };
        e.count += f.count;
        if (f.reasonCode && !e.reasonCode) e.reasonCode = f.reasonCode;
        e.reporters.add(t.orgName);
        tlsMap.set(k, e);
      }
    }
  const newest = [...aggregates].sort((a, b) => b.end.localeCompare(a.end))[0];
  return {
    domain,
    reports: aggregates.length + tls.length,
    messages: total,
    dmarcPassRate: rate(pass, total),
    spfAlignedRate: rate(spf, total),
    dkimAlignedRate: rate(dkim, total),
    ...(newest ? { publishedPolicy: newest.policy } : {}),
    sources,
    selectors: [...sel.values()]
      .map((e) => ({
        domain: e.domain,
        selector: e.selector,
        messages: e.messages,
        passRate: rate(e.pass, e.messages),
      }))
      .sort((a, b) => b.messages - a.messages),
    tlsFailures: [...tlsMap.values()]
      .map((e) => ({ ...e, reporters: [...e.reporters].sort() }))
      .sort((a, b) => b.count - a.count),
    tlsSessions,
  };
}

/** Evidence the service joins in: gathered through ports and repositories, passed in as data. */
export interface JoinEvidence {
  /** check_host() of the domain's current SPF record for each examined source. */
  spf: Record<string, { result: string; record?: string }>;
  /** The latest dns audit: its id and the selectors its sweep tried (undefined: no audit yet). */
  dnsAudit?: { checkId: string; selectorsTried: string[] };
  /** The latest smtp probe per MX host: id, verdict and finding codes. */
  probes: Record<string, { checkId: string; verdict: string | null; codes: string[] }>;
}

/** Sources at or above this share of the domain's mail are examined against SPF. */
export const SPF_SOURCE_MIN_SHARE = 0.01;

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

export function reportFindings(s: DomainSources, ev: JoinEvidence): Finding[] {
  const out: Finding[] = [];
  for (const src of s.sources) {
    const spf = ev.spf[src.ip];
    if (!spf || spf.result === 'pass') continue;
    out.push(
      finding(
        F.DMARC_REPORT_SOURCE_NOT_IN_SPF,
        `${src.ip}${src.ptr ? ` (${src.ptr})` : ''} sends ${pct(src.share)} of the mail reported for ${s.domain} (${src.messages} messages) and is not in its SPF record: check_host() gives ${spf.result}; DKIM aligned for ${pct(src.dkimAlignedRate)} of it.`,
        { evidence: { source: src, spf } },
      ),
    );
  }
  if (ev.dnsAudit) {
    const tried = new Set(ev.dnsAudit.selectorsTried.map((x) => x.toLowerCase()));
    for (const x of s.selectors) {
      if (x.domain !== s.domain || tried.has(x.selector.toLowerCase())) continue;
      out.push(
        finding(
          F.DMARC_REPORT_SELECTOR_NOT_SWEPT,
          `DKIM selector ${x.selector} of ${x.domain} signed ${x.messages} reported messages (${pct(x.passRate)} passed), but the dns audit ${ev.dnsAudit.checkId} did not check it; the next dns audit does.`,
          { evidence: { selector: x, dnsCheckId: ev.dnsAudit.checkId } },
        ),
      );
    }
  }
  for (const t of s.tlsFailures) {
    const probe = ev.probes[t.mx];
    out.push(
      finding(
        F.TLSRPT_REPORTED_FAILURES,
        `${t.reporters.join(', ')} report${t.reporters.length === 1 ? 's' : ''} ${t.count} TLS failure${t.count === 1 ? '' : 's'} to ${t.mx}: ${t.resultType}${t.reasonCode ? ` (${t.reasonCode})` : ''}.${probe ? ` The probe's own result for ${t.mx} (${probe.checkId}): ${probe.verdict ?? 'not finished'}${probe.codes.length ? `, ${probe.codes.join(', ')}` : ''}.` : ` No probe of ${t.mx} yet: run an smtp check of it.`}`,
        { evidence: { failure: t, probe: probe ?? null } },
      ),
    );
  }
  const step = nextPolicyStep(s);
  if (step) out.push(step);
  return out;
}

/** Thresholds of the policy recommendation: the aligned pass rate of all reported mail. */
export const POLICY_STEPS = { quarantine: 0.98, reject: 0.99, minMessages: 100 };

function nextPolicyStep(s: DomainSources): Finding | undefined {
  const p = s.publishedPolicy?.p;
  if (!p || s.messages === 0) return undefined;
  const failing = s.sources.filter((x) => x.dmarcPassRate < 0.5).slice(0, 5);
  const evidence = {
    published: s.publishedPolicy,
    messages: s.messages,
    dmarcPassRate: s.dmarcPassRate,
    thresholds: POLICY_STEPS,
    failingSources: failing.map((x) => ({ ip: x.ip, messages: x.messages, share: x.share })),
  };
  const next = p === 'none' ? 'quarantine' : p === 'quarantine' ? 'reject' : undefined;
  if (!next) return undefined;
  const need = POLICY_STEPS[next];
  const enough = s.messages >= POLICY_STEPS.minMessages;
  const detail =
    s.dmarcPassRate >= need && enough
      ? `${pct(s.dmarcPassRate)} of ${s.messages} reported messages pass DMARC (aligned SPF or DKIM), at or above ${pct(need)}: move from p=${p} to p=${next}.`
      : `Stay at p=${p} for now: ${pct(s.dmarcPassRate)} of ${s.messages} reported messages pass DMARC${enough ? '' : ` (fewer than ${POLICY_STEPS.minMessages} messages reported)`}, below the ${pct(need)} that p=${next} needs${failing.length ? `; fix or authorise first ${failing.map((x) => `${x.ip} (${pct(x.share)})`).join(', ')}` : ''}.`;
  return finding(F.DMARC_POLICY_NEXT_STEP, detail, { evidence });
}
