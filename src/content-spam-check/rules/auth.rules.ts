import type { ContentRule } from './rule.types';

const RFC6376 = 'https://www.rfc-editor.org/rfc/rfc6376';
const RFC7208 = 'https://www.rfc-editor.org/rfc/rfc7208#section-2.6';
const RFC7489 = 'https://www.rfc-editor.org/rfc/rfc7489#section-6.3';

/** DMARC failure points follow the domain owner's policy (RFC 7489 §6.3 p=). */
const DMARC_POINTS: Record<string, number> = { reject: 3.0, quarantine: 1.5, none: 0.5 };

export const AUTH_RULES: ContentRule[] = [
  {
    code: 'DKIM_VALID',
    area: 'authentication',
    points: -0.1,
    severity: 'info',
    title: 'Valid DKIM signature',
    remediation: 'Nothing to fix.',
    references: [RFC6376],
    test: (f) => {
      const ok = f.auth?.dkim.filter((d) => d.result === 'pass') ?? [];
      return ok.length
        ? {
            detail: `Valid signature(s) by ${ok.map((d) => `${d.domain}${d.aligned ? ' (aligned with From)' : ''}`).join(', ')}.`,
          }
        : null;
    },
  },
  {
    code: 'DKIM_INVALID',
    area: 'authentication',
    points: 1.0,
    severity: 'error',
    title: 'A DKIM signature does not verify',
    remediation:
      'Check the selector record in DNS and that nothing rewrites the message after signing (footers, line wrapping).',
    references: [RFC6376],
    test: (f) => {
      const bad =
        f.auth?.dkim.filter(
          (d) => d.result === 'fail' || d.result === 'permerror' || d.result === 'neutral' || d.result === 'policy',
        ) ?? [];
      return bad.length
        ? {
            detail: bad
              .map(
                (d) =>
                  `${d.domain}${d.selector ? ` s=${d.selector}` : ''}: ${d.result}${d.comment ? ` (${d.comment})` : ''}`,
              )
              .join('; '),
            evidence: bad,
          }
        : null;
    },
  },
  {
    code: 'DKIM_MISSING',
    area: 'authentication',
    points: 0.3,
    severity: 'warning',
    title: 'The message is not DKIM-signed',
    remediation: 'Sign outgoing mail with DKIM for your From domain; Gmail and Yahoo require it for bulk senders.',
    references: [RFC6376],
    test: (f) => (f.auth && f.auth.dkim.length === 0 && !f.auth.error ? { detail: 'No DKIM-Signature header.' } : null),
  },
  {
    code: 'AUTH_TEMPERROR',
    area: 'authentication',
    points: 0,
    severity: 'warning',
    title: 'Authentication could not be completed (DNS timeout or failure)',
    remediation:
      'The verdict for this part is indeterminate; retry, and check the DNS servers of the signing and sending domains.',
    references: ['https://www.rfc-editor.org/rfc/rfc8601#section-2.7.1'],
    test: (f) => {
      const a = f.auth;
      if (!a) return null;
      const parts = [
        ...a.dkim.filter((d) => d.result === 'temperror').map((d) => `DKIM ${d.domain}`),
        ...(a.spf?.result === 'temperror' ? ['SPF'] : []),
        ...(a.dmarc?.result === 'temperror' ? ['DMARC'] : []),
        ...(a.arc.result === 'temperror' ? ['ARC'] : []),
        ...(a.error ? [`mailauth: ${a.error}`] : []),
      ];
      return parts.length ? { detail: `Indeterminate: ${parts.join(', ')}.` } : null;
    },
  },
  {
    code: 'SPF_PASS',
    area: 'authentication',
    points: -0.1,
    severity: 'info',
    title: 'SPF passes for the envelope sender',
    remediation: 'Nothing to fix.',
    references: [RFC7208],
    test: (f) =>
      f.auth?.spf?.result === 'pass'
        ? { detail: `${f.context?.clientIp} is permitted by the SPF record of ${f.auth.spf.domain}.` }
        : null,
  },
  {
    code: 'SPF_FAIL',
    area: 'authentication',
    points: 1.0,
    severity: 'error',
    title: 'SPF fails: the sending IP is not authorised',
    remediation: "Add the sending IP or your provider's include: to the SPF record of the envelope sender domain.",
    references: [RFC7208],
    test: (f) =>
      f.auth?.spf && ['fail', 'permerror'].includes(f.auth.spf.result)
        ? {
            detail: `SPF ${f.auth.spf.result} for ${f.auth.spf.domain} from ${f.context?.clientIp}${f.auth.spf.comment ? `: ${f.auth.spf.comment}` : ''}.`,
          }
        : null,
  },
  {
    code: 'SPF_SOFTFAIL',
    area: 'authentication',
    points: 0.7,
    severity: 'warning',
    title: 'SPF softfail: the sending IP is probably not authorised',
    remediation: "Add the sending IP or your provider's include: to the SPF record.",
    references: [RFC7208],
    test: (f) =>
      f.auth?.spf?.result === 'softfail'
        ? { detail: `SPF softfail for ${f.auth.spf.domain} from ${f.context?.clientIp}.` }
        : null,
  },
  {
    code: 'DMARC_FAIL',
    area: 'authentication',
    points: 0,
    severity: 'error',
    title: 'DMARC fails: neither SPF nor DKIM aligns with the From domain',
    remediation:
      'Sign with DKIM as your From domain (d=) or send with an envelope sender under it, so one of them aligns (RFC 7489 §3.1).',
    references: [RFC7489],
    test: (f) => {
      const d = f.auth?.dmarc;
      if (!d || d.result !== 'fail' || d.evaluated !== 'full') return null;
      return {
        detail: `DMARC fails for ${d.domain} with policy ${d.policy ?? 'none'}.`,
        points: DMARC_POINTS[d.policy ?? 'none'] ?? 0.5,
        evidence: d,
      };
    },
  },
  {
    code: 'FROM_DOMAIN_NO_DMARC',
    area: 'authentication',
    points: 0.3,
    severity: 'warning',
    title: 'The From domain publishes no DMARC record',
    remediation:
      'Publish at least "_dmarc.<domain> TXT v=DMARC1; p=none; rua=mailto:..." (required by Gmail/Yahoo for bulk senders).',
    references: ['https://www.rfc-editor.org/rfc/rfc7489#section-6.1'],
    test: (f) =>
      f.auth?.dmarc && f.auth.dmarc.result === 'none' && !f.auth.dmarc.record
        ? { detail: `No DMARC record for ${f.auth.dmarc.domain ?? f.auth.headerFrom.join(', ')}.` }
        : null,
  },
  {
    code: 'ARC_INVALID',
    area: 'authentication',
    points: 0.5,
    severity: 'warning',
    title: 'The ARC chain does not validate',
    remediation: 'An intermediary sealed the message but the chain is broken (RFC 8617 §5.2); receivers ignore it.',
    references: ['https://www.rfc-editor.org/rfc/rfc8617#section-5.2'],
    test: (f) =>
      f.auth && f.auth.arc.result === 'fail'
        ? {
            detail: `ARC chain (i=${f.auth.arc.instances}) fails${f.auth.arc.comment ? `: ${f.auth.arc.comment}` : ''}.`,
          }
        : null,
  },
];
