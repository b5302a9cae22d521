import table from './data/mta-vulnerabilities.v1.json';
import type { Classification } from './classify';

/**
 * MTA software and version from what the server says about itself (the 220 banner and the EHLO
 * greeting), and the known remotely exploitable flaws of that version from a versioned data table
 * (data/mta-vulnerabilities.v1.json, with CVE references). Written here because no maintained
 * library fingerprints SMTP banners; the patterns are the products' own default greetings. Both
 * the name and the version are claims the administrator can change or hide, and distributions
 * backport fixes without changing the version, so a match is reported as what the banner says,
 * never as a fact about the server.
 */

export interface MtaSoftware {
  name: string;
  version?: string;
  /** Where it was read: the banner or the EHLO greeting. */
  source: 'banner' | 'ehlo';
  /** The text it was read from. */
  evidence: string;
}

interface VulnerabilityEntry {
  software: string;
  affectedFrom?: string;
  fixedIn: string;
  cves: string[];
  summary: string;
  references: string[];
}

export const MTA_VULNERABILITIES = table as { version: number; updated: string; entries: VulnerabilityEntry[] };

/** Product patterns, most specific first; the version group is optional where products hide it. */
const PATTERNS: { name: string; re: RegExp }[] = [
  { name: 'Exim', re: /\bExim\s+(\d+(?:\.\d+){0,3})/i },
  { name: 'Exim', re: /\bExim\b/i },
  { name: 'Postfix', re: /\bPostfix(?:\s+(\d+(?:\.\d+){0,3}))?\b/i },
  { name: 'Sendmail', re: /\bSendmail\s+(\d+(?:\.\d+){0,3})/i },
  { name: 'Sendmail', re: /\bSendmail\b/i },
  { name: 'OpenSMTPD', re: /\bOpenSMTPD(?:\s+(\d+(?:\.\d+){0,3}))?/i },
  { name: 'Haraka', re: /\bHaraka(?:[/\s]+(\d+(?:\.\d+){0,3}))?/i },
  { name: 'Microsoft Exchange', re: /\bMicrosoft ESMTP MAIL Service\b(?:.*?\bVersion:?\s*(\d+(?:\.\d+){0,3}))?/i },
  { name: 'Microsoft Exchange', re: /\bMicrosoft Exchange\b(?:.*?\bVersion:?\s*(\d+(?:\.\d+){0,3}))?/i },
  { name: 'qmail', re: /\bqmail\b/i },
  { name: 'MDaemon', re: /\bMDaemon(?:\s+(?:PRO\s+)?v?(\d+(?:\.\d+){0,3}))?/i },
  { name: 'hMailServer', re: /\bhMailServer\b/i },
  { name: 'Courier', re: /\bCourier\s+mail\s+server\b/i },
];

/** The software named by the banner, else by the EHLO greeting (first match). */
export function identifyMta(banner: string | undefined, ehloGreeting: string | undefined): MtaSoftware | undefined {
  for (const [source, text] of [
    ['banner', banner],
    ['ehlo', ehloGreeting],
  ] as const) {
    if (!text) continue;
    const line = text.slice(0, 512);
    for (const p of PATTERNS) {
      const m = p.re.exec(line);
      if (m) return { name: p.name, ...(m[1] ? { version: m[1] } : {}), source, evidence: line };
    }
  }
  return undefined;
}

/** Numeric comparison of dotted versions ("4.94.2" vs "4.94"); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** The table entries whose range covers the announced version. */
export function knownFlaws(sw: MtaSoftware): VulnerabilityEntry[] {
  if (!sw.version) return [];
  const v = sw.version;
  return MTA_VULNERABILITIES.entries.filter(
    (e) =>
      e.software === sw.name &&
      compareVersions(v, e.fixedIn) < 0 &&
      (!e.affectedFrom || compareVersions(v, e.affectedFrom) >= 0),
  );
}

/** Findings for the probe: what the server announces, and the flaws of that version, if any. */
export function softwareIssues(sw: MtaSoftware | undefined): Classification[] {
  if (!sw) return [];
  const said = `The ${sw.source === 'banner' ? 'banner' : 'EHLO greeting'} announces ${sw.name}${sw.version ? ` ${sw.version}` : ''} ("${sw.evidence.slice(0, 120)}")`;
  const flaws = knownFlaws(sw);
  const out: Classification[] = [
    {
      code: 'SMTP_SOFTWARE_ANNOUNCED',
      transient: false,
      cause: `${said}. Announcing the software and version helps attackers pick exploits.`,
    },
  ];
  if (flaws.length)
    out.push({
      code: 'SMTP_SOFTWARE_VULNERABLE',
      transient: false,
      cause: `${said}; versions before ${flaws.map((f) => `${f.fixedIn} (${f.cves.join(', ')}: ${f.summary})`).join('; before ')}. If the version is accurate, the server is exposed; distribution packages often carry the fixes under the old number, so check the package changelog (table v${MTA_VULNERABILITIES.version}, ${MTA_VULNERABILITIES.updated}).`,
      remediation: `Upgrade ${sw.name} to ${flaws
        .map((f) => f.fixedIn)
        .sort(compareVersions)
        .at(
          -1,
        )} or later (or confirm your distribution's package has the fixes for ${flaws.flatMap((f) => f.cves).join(', ')}), and stop announcing the version in the banner.`,
    });
  return out;
}
