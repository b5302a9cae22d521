import { finding, type Finding } from '../common/finding';
import type { DnsResolver } from '../infra/dns/resolver.port';
import { countingResolver, type SectionStatus } from './dns.common';
import { DNS_FINDINGS as F, suggestTxt } from './dns.findings';
import { evaluateSpf, type SpfNode, type SpfResult } from './spf.eval';
import { formatSpf, parseSpf, type SpfMechanism, type SpfTerm } from './spf.parser';

export interface SpfIpEvaluation {
  ip: string;
  result: SpfResult;
  reason: string;
  lookups: number;
  voidLookups: number;
  /** The second opinion of mailauth's evaluator, when one is wired (see SpfCheckOptions). */
  crossCheck?: { engine: string; result: string };
}

export interface SpfSection {
  status: SectionStatus;
  domain: string;
  /** The selected SPF record (raw text), if exactly one. */
  record?: string;
  /** Every TXT record at the domain, SPF or not, as published. */
  txt: string[];
  /** §4.6.4 counts along the longest evaluation path. */
  lookups: { dnsMechanisms: number; limit: number; void: number; voidLimit: number; exact: boolean };
  /** DNS queries this section made. */
  queries: number;
  tree: SpfNode;
  macroTerms: string[];
  evaluations: SpfIpEvaluation[];
}

export interface SpfCheckOptions {
  sendingIps?: string[];
  /** Optional second evaluator (mailauth) for the sending IPs; its result is shown, ours decides. */
  crossCheck?: (ip: string, domain: string) => Promise<{ engine: string; result: string } | undefined>;
}

function* walk(node: SpfNode): Generator<SpfNode> {
  yield node;
  for (const t of node.terms) if (t.child) yield* walk(t.child);
}

function mech(terms: SpfTerm[]): SpfMechanism[] {
  return terms.filter((t): t is SpfMechanism => t.type === 'mechanism');
}

/** Insert terms before the record's `all` (or at the end), keeping the rest as published. */
function withTerms(terms: SpfTerm[], add: string[], allFallback = '~all'): string {
  const out = terms.map((t) => t.raw);
  const allIdx = terms.findIndex((t) => t.type === 'mechanism' && t.name === 'all');
  if (allIdx >= 0) out.splice(allIdx, 0, ...add);
  else out.push(...add, ...(terms.some((t) => t.type === 'modifier' && t.name === 'redirect') ? [] : [allFallback]));
  return formatSpf(out.map((raw) => ({ raw })));
}

function ipTerm(ip: string): string {
  return ip.includes(':') ? `ip6:${ip}` : `ip4:${ip}`;
}

/**
 * The SPF section: the audit walk (tree, counts, lint) plus check_host() for each sending IP.
 */
export async function checkSpf(
  domain: string,
  resolver: DnsResolver,
  opts: SpfCheckOptions = {},
): Promise<{ section: SpfSection; findings: Finding[] }> {
  const dns = countingResolver(resolver);
  const findings: Finding[] = [];
  const audit = await evaluateSpf(domain, { resolver: dns });
  const root = audit.tree;
  const owner = domain;
  const section: SpfSection = {
    status: 'ok',
    domain,
    txt: root.txt,
    tree: root,
    queries: 0,
    macroTerms: [],
    evaluations: [],
    lookups: { dnsMechanisms: audit.lookups, limit: 10, void: audit.voidLookups, voidLimit: 2, exact: true },
  };
  const done = () => {
    section.queries = dns.count;
    return { section, findings };
  };

  if (root.status === 'servfail' || root.status === 'timeout' || root.status === 'refused' || root.status === 'error') {
    section.status = 'indeterminate';
    findings.push(
      finding(F.SPF_LOOKUP_FAILED, `The TXT lookup for ${domain} ended in ${root.status}: ${root.error ?? ''}`.trim(), {
        evidence: { status: root.status, error: root.error },
      }),
    );
    return done();
  }
  const sendingTerms = (opts.sendingIps ?? []).map(ipTerm);
  if (root.spfRecords.length === 0) {
    section.status = 'missing';
    const suggestion = formatSpf([...sendingTerms, 'mx', '~all'].map((raw) => ({ raw })));
    findings.push(
      finding(
        F.SPF_MISSING,
        `${domain} publishes no TXT record starting with "v=spf1" (${root.status === 'nxdomain' ? 'the name does not exist' : `${root.txt.length} other TXT record(s)`}).`,
        {
          remediation: `Publish: ${suggestTxt(owner, suggestion)} (list every service that sends as ${domain}; a domain that sends no mail should publish "v=spf1 -all").`,
          evidence: { txt: root.txt },
        },
      ),
    );
    return done();
  }
  if (root.spfRecords.length > 1) {
    section.status = 'fail';
    const seen = new Set<string>();
    const merged: string[] = [];
    let all = '~all';
    for (const r of root.spfRecords) {
      for (const t of parseSpf(r).terms) {
        if (t.type === 'mechanism' && t.name === 'all') {
          all = t.raw;
          continue;
        }
        if (!seen.has(t.raw.toLowerCase())) {
          seen.add(t.raw.toLowerCase());
          merged.push(t.raw);
        }
      }
    }
    findings.push(
      finding(
        F.SPF_MULTIPLE_RECORDS,
        `${domain} publishes ${root.spfRecords.length} SPF records; receivers return permerror.`,
        {
          remediation: `Replace them with one record: ${suggestTxt(owner, formatSpf([...merged, all].map((raw) => ({ raw }))))}`,
          evidence: { records: root.spfRecords },
        },
      ),
    );
    return done();
  }
  section.record = root.spfRecords[0]!;
  const parsed = parseSpf(section.record);
  section.macroTerms = parsed.terms.filter((t) => t.hasMacro).map((t) => t.raw);

  for (const node of walk(root)) {
    if (node.syntaxErrors.length) {
      const own = node === root;
      findings.push(
        finding(
          F.SPF_SYNTAX_ERROR,
          `The SPF record of ${node.domain} has ${node.syntaxErrors.length} syntax error(s): ${node.syntaxErrors.join('; ')}.`,
          {
            ...(own
              ? {
                  remediation: `Remove or fix the invalid terms, e.g.: ${suggestTxt(owner, withTerms(parsed.terms, []))}`,
                }
              : {
                  remediation: `The record of ${node.domain} is not yours to edit: ask its owner to fix it, or remove the include.`,
                }),
            evidence: { domain: node.domain, record: node.spfRecords[0], errors: node.syntaxErrors },
          },
        ),
      );
    }
    for (const t of node.terms) {
      if (
        !t.child ||
        t.child.spfRecords.length > 0 ||
        t.child.status === 'timeout' ||
        t.child.status === 'servfail' ||
        t.child.status === 'refused' ||
        t.child.status === 'error'
      )
        continue;
      const inRoot = node === root;
      const without = parsed.terms.filter((x) => x.raw !== t.raw);
      findings.push(
        finding(
          F.SPF_INCLUDE_NOT_FOUND,
          `"${t.raw}" in the record of ${node.domain} points at ${t.target}, which has no SPF record (${t.child.status}).`,
          {
            remediation: inRoot
              ? `Fix the name, or remove the term: ${suggestTxt(owner, withTerms(without, []))}`
              : `The broken include is inside ${node.domain}'s record: ask its owner to fix it.`,
            evidence: { term: t.raw, target: t.target, status: t.child.status, txt: t.child.txt },
          },
        ),
      );
    }
    if (node.terms.some((t) => /^[+?~-]?ptr(:|$)/i.test(t.raw))) {
      const isRoot = node === root;
      findings.push(
        finding(F.SPF_PTR_MECHANISM, `The SPF record of ${node.domain} uses "ptr".`, {
          ...(isRoot
            ? {
                remediation: `Replace ptr with the servers' ip4:/ip6: addresses; without it: ${suggestTxt(
                  owner,
                  withTerms(
                    parsed.terms.filter((x) => !(x.type === 'mechanism' && x.name === 'ptr')),
                    [],
                  ),
                )}`,
              }
            : {}),
          evidence: { domain: node.domain, record: node.spfRecords[0] },
        }),
      );
    }
  }

  if (audit.lookups > 10) {
    section.status = 'fail';
    const perRecord = [...walk(root)].map((n) => ({ domain: n.domain, lookups: n.lookups }));
    // A safe first step: a/mx/ptr in the root record replaced by the addresses they resolve to.
    const replaceable = mech(parsed.terms).filter(
      (m) => (m.name === 'a' || m.name === 'mx' || m.name === 'ptr') && !m.hasMacro,
    );
    findings.push(
      finding(
        F.SPF_TOO_MANY_LOOKUPS,
        `Evaluating the SPF record of ${domain} takes ${audit.lookups} DNS-mechanism lookups; the limit is 10, so receivers return permerror at "${audit.limitExceeded?.at}" in ${audit.limitExceeded?.domain}.`,
        {
          ...(replaceable.length
            ? {
                remediation: `Each a/mx/ptr costs a lookup: replace ${replaceable.map((m) => `"${m.raw}"`).join(', ')} with the ip4:/ip6: ranges they stand for, and remove includes you no longer use. ${F.SPF_TOO_MANY_LOOKUPS.remediation}`,
              }
            : {}),
          evidence: { lookups: audit.lookups, limitExceededAt: audit.limitExceeded, perRecord },
        },
      ),
    );
  } else if (audit.lookups >= 9) {
    findings.push(
      finding(
        F.SPF_LOOKUPS_NEAR_LIMIT,
        `The SPF record of ${domain} uses ${audit.lookups} of 10 DNS-mechanism lookups.`,
        { evidence: { lookups: audit.lookups } },
      ),
    );
  }
  if (audit.voidLookups > 2) {
    section.status = 'fail';
    const voids = [...walk(root)].flatMap((n) =>
      n.terms.filter((t) => t.void).map((t) => ({ domain: n.domain, term: t.raw, target: t.target })),
    );
    const rootVoid = new Set(root.terms.filter((t) => t.void).map((t) => t.raw));
    findings.push(
      finding(
        F.SPF_TOO_MANY_VOID_LOOKUPS,
        `${audit.voidLookups} lookups in the SPF tree of ${domain} return no records (limit 2): ${voids.map((v) => `"${v.term}" in ${v.domain}`).join(', ')}.`,
        {
          ...(rootVoid.size
            ? {
                remediation: `Remove the terms that point at nothing: ${suggestTxt(
                  owner,
                  withTerms(
                    parsed.terms.filter((t) => !rootVoid.has(t.raw)),
                    [],
                  ),
                )}`,
              }
            : {}),
          evidence: { voidLookups: audit.voidLookups, voids },
        },
      ),
    );
  }

  // The record whose `all` decides: follow redirect= while the record has no `all` (§6.1).
  let decisive = root;
  const hasAll = (n: SpfNode) =>
    n.spfRecords[0] !== undefined && mech(parseSpf(n.spfRecords[0]).terms).some((m) => m.name === 'all');
  while (!hasAll(decisive)) {
    const r = decisive.terms.find((t) => /^redirect=/i.test(t.raw) && t.child && t.child.spfRecords.length === 1);
    if (!r?.child) break;
    decisive = r.child;
  }
  const allTerm = decisive.spfRecords[0]
    ? mech(parseSpf(decisive.spfRecords[0]).terms).find((m) => m.name === 'all')
    : undefined;
  if (parsed.redirect && mech(parsed.terms).some((m) => m.name === 'all')) {
    findings.push(
      finding(
        F.SPF_REDIRECT_IGNORED,
        `The SPF record of ${domain} has both "all" and "${parsed.redirect.raw}"; the redirect is never used.`,
        {
          remediation: `Keep one of them, e.g.: ${suggestTxt(owner, formatSpf(parsed.terms.filter((t) => t !== parsed.redirect)))}`,
          evidence: { record: section.record },
        },
      ),
    );
  }
  if (allTerm && (allTerm.qualifier === '+' || allTerm.qualifier === '?')) {
    const fixed = parseSpf(decisive.spfRecords[0]!).terms.map((t) => (t.raw === allTerm.raw ? { raw: '~all' } : t));
    const ownRecord = decisive === root;
    findings.push(
      finding(
        F.SPF_PERMISSIVE_ALL,
        `The SPF record of ${decisive.domain} ends in "${allTerm.raw}", which ${allTerm.qualifier === '+' ? 'authorises every host on the internet' : 'gives no verdict for unlisted hosts'}.`,
        {
          severity: allTerm.qualifier === '+' ? 'error' : 'warning',
          remediation:
            ownRecord || decisive.domain.endsWith(`.${domain}`) || decisive.domain === domain
              ? `Use: ${suggestTxt(decisive.domain, formatSpf(fixed))}`
              : `The permissive "all" comes from the redirect target ${decisive.domain}; end your own record with "~all" instead of redirecting, or ask its owner.`,
          evidence: { domain: decisive.domain, record: decisive.spfRecords[0] },
        },
      ),
    );
  } else if (!allTerm && !(decisive !== root) && !parsed.redirect) {
    findings.push(
      finding(
        F.SPF_NO_ALL,
        `The SPF record of ${domain} has neither "all" nor "redirect=": unlisted senders get "neutral".`,
        {
          remediation: `Add "~all" at the end: ${suggestTxt(owner, withTerms(parsed.terms, [], '~all'))}`,
          evidence: { record: section.record },
        },
      ),
    );
  }
  if (section.macroTerms.length || [...walk(root)].some((n) => n.terms.some((t) => t.unresolved === 'macro'))) {
    section.lookups.exact = false;
    const terms = [...walk(root)].flatMap((n) =>
      n.terms.filter((t) => t.unresolved === 'macro').map((t) => `${t.raw} (${n.domain})`),
    );
    findings.push(
      finding(
        F.SPF_MACROS,
        `The SPF tree of ${domain} uses macros: ${terms.join(', ')}. Their targets depend on the sender, so nested lookups behind them are not counted.`,
        { evidence: { terms } },
      ),
    );
  }

  for (const ip of opts.sendingIps ?? []) {
    const ev = await evaluateSpf(domain, { resolver: dns, ip, sender: `postmaster@${domain}`, helo: domain });
    const item: SpfIpEvaluation = {
      ip,
      result: ev.result,
      reason: ev.reason,
      lookups: ev.lookups,
      voidLookups: ev.voidLookups,
    };
    const cc = await opts.crossCheck?.(ip, domain).catch(() => undefined);
    if (cc) item.crossCheck = cc;
    section.evaluations.push(item);
    if (ev.result !== 'pass' && ev.result !== 'temperror') {
      findings.push(
        finding(F.SPF_SENDER_NOT_AUTHORIZED, `check_host(${ip}, ${domain}) = ${ev.result}: ${ev.reason}.`, {
          severity: ev.result === 'fail' || ev.result === 'permerror' ? 'error' : 'warning',
          remediation: `Authorise the address: ${suggestTxt(owner, withTerms(parsed.terms, [ipTerm(ip)]))}`,
          evidence: item,
        }),
      );
    }
  }
  if (section.status === 'ok' && findings.some((f) => f.severity === 'error')) section.status = 'fail';
  else if (section.status === 'ok' && findings.some((f) => f.severity === 'warning')) section.status = 'warn';
  return done();
}
