import { analyzeObfuscation } from '../analysis/obfuscation.analysis';
import { h, type ContentRule } from './rule.types';

/** Content written so that filters read something else than the reader sees. */
export const OBFUSCATION_RULES: ContentRule[] = [
  {
    code: 'HTML_WORD_OBFUSCATION',
    area: 'html',
    points: 2.0,
    severity: 'error',
    title: 'Words split by invisible HTML markup (SpamAssassin HTML_OBFUSCATE_*)',
    remediation:
      'Remove comments, empty or made-up tags inside words ("VI<!-- -->AGRA"): they only exist to get past word filters, and filters now score the trick itself.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) => {
      if (f.html === undefined) return null;
      const r = analyzeObfuscation(f.html);
      return r.splits >= 3
        ? {
            detail: `${r.splits} words split by invisible markup, e.g. ${r.samples
              .slice(0, 3)
              .map((s) => `"${s}"`)
              .join(', ')}.`,
            evidence: r,
          }
        : null;
    },
  },
  {
    code: 'TEXT_8BIT_UNDECLARED',
    area: 'structure',
    points: 1.0,
    severity: 'warning',
    title: 'Text declared 7-bit ASCII carries 8-bit bytes (SpamAssassin CTE_8BIT_MISMATCH)',
    remediation:
      'Declare the real charset (utf-8) and "Content-Transfer-Encoding: 8bit" or quoted-printable (RFC 2045 §6); undeclared 8-bit text is garbled or hides its content from filters.',
    references: ['https://www.rfc-editor.org/rfc/rfc2045#section-6.2'],
    test: (f) => {
      // RFC 2045 §6.1/§5.2: no Content-Transfer-Encoding means 7bit, no charset means us-ascii.
      const leaf = f.mime.leaves.find(
        (l) =>
          l.contentType.startsWith('text/') &&
          l.disposition !== 'attachment' &&
          (l.transferEncoding === '' || l.transferEncoding === '7bit') &&
          (l.charset === undefined || /^(?:us-ascii|ascii|ansi_x3\.4-1968)$/i.test(l.charset)) &&
          f.raw.subarray(l.start, Math.min(l.end, l.start + 1024 * 1024)).some((b) => b >= 0x80),
      );
      if (!leaf) return null;
      const cte = leaf.transferEncoding || 'none (7bit)';
      return {
        detail: `Part ${leaf.path} (${leaf.contentType}; charset ${leaf.charset ?? 'none (us-ascii)'}; transfer encoding ${cte}) contains 8-bit bytes.`,
        evidence: { header: h(f, 'content-type')[0]?.slice(0, 200) },
      };
    },
  },
];
