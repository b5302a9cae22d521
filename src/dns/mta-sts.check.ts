import { parsePolicy } from 'mailauth/lib/mta-sts';
import { finding, type Finding } from '../common/finding';
import type { DnsResolver } from '../infra/dns/resolver.port';
import type { HttpsFetcher } from '../infra/net/https-fetcher';
import {
  countingResolver,
  describeFailure,
  isIndeterminate,
  parseTagList,
  txtStrings,
  type SectionStatus,
} from './dns.common';
import { DNS_FINDINGS as F, suggestTxt } from './dns.findings';

/**
 * MTA-STS (RFC 8461): the _mta-sts TXT record (§3.1), the policy over HTTPS (§3.2, §3.3) parsed
 * with mailauth's parsePolicy, and every MX host matched against the policy's mx patterns (§4.1).
 *
 * "Close to expiry" for a policy means two things, both reported ahead of time: the certificate of
 * mta-sts.<domain> (senders refetch over verified HTTPS; once it expires they cannot, and their
 * cached policy runs out after max_age), within CERT_EXPIRY_WARN_DAYS; and a max_age so short that
 * cached policies expire within a day (§3.2 expects weeks; §10.3: the window for a downgrade).
 */
export interface StsTxt {
  valid: boolean;
  id?: string;
  errors: string[];
}

/** §3.1: "v=STSv1; id=<1-32 alphanumerics>", v first. */
export function parseStsTxt(text: string): StsTxt {
  const { tags, errors } = parseTagList(text);
  if (!/^v=STSv1\s*(;|$)/.test(text.trim())) errors.push('the record must start with "v=STSv1"');
  const id = tags.get('id');
  if (!id || !/^[A-Za-z0-9]{1,32}$/.test(id)) errors.push(`id=${id ?? ''} must be 1 to 32 letters or digits`);
  return { valid: errors.length === 0, ...(id ? { id } : {}), errors };
}

export interface StsPolicy {
  version?: string;
  mode: string;
  maxAge?: number;
  mx?: string[];
}

/** mailauth's parser plus the checks it leaves out (mx pattern syntax). Throws on invalid policies. */
export function parseStsPolicy(body: string): StsPolicy {
  const p = parsePolicy(body) as StsPolicy;
  for (const mx of p.mx ?? []) {
    if (!/^(\*\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?\.)+[a-z0-9-]+\.?$/i.test(mx))
      throw Object.assign(new Error(`mx pattern "${mx}" is not a host name`), { code: 'invalid_sts_mx' });
  }
  return p;
}

/** §4.1: a pattern matches the host exactly, or "*." matches exactly one leftmost label. */
export function stsMxMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase().replace(/\.$/, '');
  if (!p.startsWith('*.')) return h === p;
  const rest = p.slice(2);
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === rest;
}

/** Under this max_age (seconds), senders' cached policies expire within a day. */
export const STS_MAX_AGE_SHORT_S = 86_400;

export interface MtaStsOptions {
  /** The policy host's certificate expiring within this many days is a finding (CERT_EXPIRY_WARN_DAYS; 0: off). */
  certExpiryWarnDays: number;
  now?: Date;
}

export interface MtaStsSection {
  status: SectionStatus;
  txt: string[];
  record?: string;
  id?: string;
  policyUrl: string;
  fetch?: {
    ok: boolean;
    status?: number;
    contentType?: string;
    address?: string;
    location?: string;
    reason?: string;
    error?: string;
    bodyPreview?: string;
    certValidTo?: string;
  };
  policyText?: string;
  policy?: StsPolicy;
  mxMatches: { host: string; matched: boolean; pattern?: string }[];
  queries: number;
}

export async function checkMtaSts(
  domain: string,
  mxHosts: Promise<string[]>,
  resolver: DnsResolver,
  fetcher: HttpsFetcher | undefined,
  opts: MtaStsOptions = { certExpiryWarnDays: 21 },
): Promise<{ section: MtaStsSection; findings: Finding[] }> {
  const dns = countingResolver(resolver);
  const findings: Finding[] = [];
  const policyUrl = `https://mta-sts.${domain}/.well-known/mta-sts.txt`;
  const section: MtaStsSection = { status: 'ok', txt: [], policyUrl, mxMatches: [], queries: 0 };
  const done = () => {
    section.queries = dns.count;
    return { section, findings };
  };
  const owner = `_mta-sts.${domain}`;
  const l = await dns.query(owner, 'TXT');
  section.txt = txtStrings(l);
  if (isIndeterminate(l)) {
    section.status = 'indeterminate';
    findings.push(
      finding(F.MTA_STS_LOOKUP_FAILED, `The lookup of ${owner} ended in ${describeFailure(l)}.`, {
        evidence: { lookup: l },
      }),
    );
    return done();
  }
  const records = section.txt.filter((t) => /^v=STSv1/i.test(t.trim()));
  const id = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  if (records.length === 0) {
    section.status = 'missing';
    findings.push(
      finding(F.MTA_STS_MISSING, `${owner} has no "v=STSv1" record.`, {
        remediation: `Serve ${policyUrl} ("version: STSv1", "mode: testing", one "mx:" line per MX host, "max_age: 604800"), then publish ${suggestTxt(owner, `v=STSv1; id=${id}`)}`,
        evidence: { txt: section.txt },
      }),
    );
    return done();
  }
  if (records.length > 1) {
    section.status = 'fail';
    findings.push(
      finding(
        F.MTA_STS_INVALID,
        `${owner} has ${records.length} "v=STSv1" records; senders then ignore MTA-STS (RFC 8461 §3.1).`,
        {
          remediation: `Keep one: ${suggestTxt(owner, `v=STSv1; id=${id}`)}`,
          evidence: { records },
        },
      ),
    );
    return done();
  }
  section.record = records[0]!;
  const txt = parseStsTxt(section.record);
  if (txt.id) section.id = txt.id;
  if (!txt.valid) {
    findings.push(
      finding(F.MTA_STS_INVALID, `The record at ${owner} is invalid: ${txt.errors.join('; ')}.`, {
        remediation: `Use: ${suggestTxt(owner, `v=STSv1; id=${id}`)}`,
        evidence: { record: section.record, errors: txt.errors },
      }),
    );
  }
  if (!fetcher) {
    section.status = txt.valid ? 'skipped' : 'fail';
    return done();
  }
  const res = await fetcher.get(policyUrl);
  section.fetch = res.ok
    ? {
        ok: true,
        status: res.status,
        contentType: res.contentType,
        address: res.address,
        ...(res.location ? { location: res.location } : {}),
        bodyPreview: res.body.slice(0, 2000),
        ...(res.certValidTo ? { certValidTo: res.certValidTo } : {}),
      }
    : res;
  if (res.ok && res.certValidTo && opts.certExpiryWarnDays > 0) {
    const leftMs = Date.parse(res.certValidTo) - (opts.now ?? new Date()).getTime();
    const days = Math.floor(leftMs / 86_400_000);
    if (leftMs > 0 && days < opts.certExpiryWarnDays)
      findings.push(
        finding(
          F.MTA_STS_CERT_EXPIRING,
          `The certificate of mta-sts.${domain} (${res.address}) expires on ${res.certValidTo.slice(0, 10)}, in ${days} day(s) (warning threshold ${opts.certExpiryWarnDays} days). After that, senders cannot refresh the MTA-STS policy; their cached copy lasts at most max_age.`,
          { evidence: { url: policyUrl, certValidTo: res.certValidTo, warnDays: opts.certExpiryWarnDays } },
        ),
      );
  }
  let policyProblem: string | undefined;
  if (!res.ok) policyProblem = `the policy could not be fetched from ${policyUrl} (${res.reason}: ${res.error})`;
  else if (res.status !== 200)
    policyProblem = `${policyUrl} answered HTTP ${res.status}${res.location ? ` (redirect to ${res.location}, which senders must not follow)` : ''}`;
  else if (!/^text\/plain\b/i.test(res.contentType ?? ''))
    policyProblem = `${policyUrl} is served as "${res.contentType ?? 'no content type'}", not text/plain (RFC 8461 §3.3)`;
  if (!policyProblem && res.ok) {
    section.policyText = res.body;
    try {
      section.policy = parseStsPolicy(res.body);
    } catch (e) {
      policyProblem = `the policy file does not parse: ${(e as Error).message}`;
    }
  }
  const hosts = await mxHosts;
  if (policyProblem) {
    section.status = 'fail';
    const example = [
      'version: STSv1',
      'mode: testing',
      ...(hosts.length ? hosts : [`mx.${domain}`]).map((h) => `mx: ${h}`),
      'max_age: 604800',
    ].join('\n');
    findings.push(
      finding(F.MTA_STS_INVALID, `MTA-STS is announced at ${owner}, but ${policyProblem}.`, {
        remediation: `Serve this file at ${policyUrl} over HTTPS with a valid certificate for mta-sts.${domain}, as text/plain:\n${example}`,
        evidence: { fetch: section.fetch },
      }),
    );
    return done();
  }
  const policy = section.policy!;
  if (policy.mode !== 'none' && policy.maxAge !== undefined && policy.maxAge < STS_MAX_AGE_SHORT_S)
    findings.push(
      finding(
        F.MTA_STS_MAX_AGE_SHORT,
        `The MTA-STS policy of ${domain} has max_age: ${policy.maxAge} (${policy.maxAge < 3600 ? `${policy.maxAge} s` : `${Math.floor(policy.maxAge / 3600)} h`}): senders' cached copies expire within a day, so blocking the policy fetch for that long strips the protection. RFC 8461 §3.2 expects weeks or more.`,
        {
          // A short max_age while testing a new policy is common practice; in enforce mode it weakens it.
          severity: policy.mode === 'enforce' ? 'warning' : 'info',
          evidence: { policy },
        },
      ),
    );
  if (policy.mode === 'testing')
    findings.push(
      finding(F.MTA_STS_TESTING, `The MTA-STS policy of ${domain} is in testing mode.`, { evidence: { policy } }),
    );
  if (policy.mode !== 'none') {
    section.mxMatches = hosts.map((host) => {
      const pattern = (policy.mx ?? []).find((p) => stsMxMatches(host, p));
      return { host, matched: !!pattern, ...(pattern ? { pattern } : {}) };
    });
    const bad = section.mxMatches.filter((m) => !m.matched);
    if (bad.length) {
      const fixed = [
        'version: STSv1',
        `mode: ${policy.mode}`,
        ...[...new Set([...(policy.mx ?? []), ...bad.map((b) => b.host)])].map((m) => `mx: ${m}`),
        `max_age: ${policy.maxAge ?? 604800}`,
      ].join('\n');
      findings.push(
        finding(
          F.MTA_STS_MX_MISMATCH,
          `MX host(s) ${bad.map((b) => b.host).join(', ')} match no "mx:" pattern of the policy (${(policy.mx ?? []).join(', ')}); ${policy.mode === 'enforce' ? 'senders enforcing the policy will not deliver to them' : 'in enforce mode, senders would not deliver to them'}.`,
          {
            severity: policy.mode === 'enforce' ? 'error' : 'warning',
            remediation: `Serve this policy at ${policyUrl} and change the id in ${owner} (e.g. ${suggestTxt(owner, `v=STSv1; id=${id}`)}):\n${fixed}`,
            evidence: { mx: section.mxMatches, policy },
          },
        ),
      );
    }
  }
  section.status = findings.some((f) => f.severity === 'error')
    ? 'fail'
    : findings.some((f) => f.severity === 'warning')
      ? 'warn'
      : 'ok';
  return done();
}
