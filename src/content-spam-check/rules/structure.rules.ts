import { registrableDomain } from '../analysis/url.analysis';
import { domainOf, h, type ContentRule } from './rule.types';

const RFC5322_36 = 'https://www.rfc-editor.org/rfc/rfc5322#section-3.6';
const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
/** RFC 5322 §3.6: fields that may appear at most once. */
const SINGLE = ['from', 'sender', 'reply-to', 'to', 'cc', 'subject', 'date', 'message-id', 'in-reply-to', 'references'];

export const STRUCTURE_RULES: ContentRule[] = [
  {
    code: 'GTUBE',
    area: 'test',
    points: 1000,
    severity: 'critical',
    title: 'GTUBE test string: every spam filter must reject this message',
    remediation:
      'The message carries the Generic Test for Unsolicited Bulk Email; remove it unless you are testing a filter.',
    references: ['https://spamassassin.apache.org/gtube/'],
    test: (f) => (f.raw.includes(GTUBE) ? { detail: 'The body contains the GTUBE signature string.' } : null),
  },
  {
    code: 'FROM_MISSING',
    area: 'structure',
    points: 1.0,
    severity: 'error',
    title: 'No From header',
    remediation: 'Every message must have exactly one From field (RFC 5322 §3.6); set it to your sending address.',
    references: [RFC5322_36],
    test: (f) => (h(f, 'from').length === 0 ? { detail: 'The message has no From header field.' } : null),
  },
  {
    code: 'FROM_MALFORMED',
    area: 'structure',
    points: 1.0,
    severity: 'error',
    title: 'The From address is malformed',
    remediation: 'Write From as `Name <user@example.com>` with a full domain (RFC 5322 §3.4).',
    references: ['https://www.rfc-editor.org/rfc/rfc5322#section-3.4'],
    test: (f) => {
      const raw = h(f, 'from')[0];
      if (raw === undefined) return null;
      const bad = f.from.length === 0 || f.from.some((a) => !/^[^@\s]+@(?=[^@\s]*$)[^@\s]+\.[^@\s]+$/.test(a.address));
      return bad
        ? {
            detail: `From "${raw.slice(0, 200)}" does not hold a valid mailbox.`,
            evidence: { from: raw.slice(0, 500) },
          }
        : null;
    },
  },
  {
    code: 'HEADER_DUPLICATE',
    area: 'structure',
    points: 1.5,
    severity: 'error',
    title: 'A header that must appear once appears several times',
    remediation:
      'RFC 5322 §3.6 allows From, To, Subject, Date, Message-ID and similar fields at most once; receivers (Gmail) reject duplicates.',
    references: [RFC5322_36],
    test: (f) => {
      const dup = SINGLE.filter((k) => h(f, k).length > 1);
      return dup.length
        ? {
            detail: `Repeated header field(s): ${dup.join(', ')}.`,
            evidence: Object.fromEntries(dup.map((k) => [k, h(f, k).slice(0, 5)])),
          }
        : null;
    },
  },
  {
    code: 'DATE_MISSING',
    area: 'structure',
    points: 1.4,
    severity: 'warning',
    title: 'No Date header',
    remediation: 'Add a Date header (RFC 5322 §3.6.1: required); most mail libraries do this for you.',
    references: [RFC5322_36],
    test: (f) => (h(f, 'date').length === 0 ? { detail: 'The message has no Date header field.' } : null),
  },
  {
    code: 'DATE_INVALID',
    area: 'structure',
    points: 1.0,
    severity: 'warning',
    title: 'The Date header cannot be parsed',
    remediation: 'Use the RFC 5322 §3.3 date format, e.g. "Tue, 1 Jul 2025 10:00:00 +0000".',
    references: ['https://www.rfc-editor.org/rfc/rfc5322#section-3.3'],
    test: (f) => {
      const d = h(f, 'date')[0];
      return d !== undefined && Number.isNaN(Date.parse(d.replace(/\([^()]*\)/g, '')))
        ? { detail: `Date "${d.slice(0, 100)}" is not a valid date.` }
        : null;
    },
  },
  {
    code: 'MESSAGE_ID_MISSING',
    area: 'structure',
    points: 0.5,
    severity: 'warning',
    title: 'No Message-ID header',
    remediation: 'Add a Message-ID like <unique@your-domain> (RFC 5322 §3.6.4); Gmail requires it for bulk senders.',
    references: ['https://www.rfc-editor.org/rfc/rfc5322#section-3.6.4'],
    test: (f) => (h(f, 'message-id').length === 0 ? { detail: 'The message has no Message-ID header field.' } : null),
  },
  {
    code: 'SUBJECT_MISSING',
    area: 'structure',
    points: 1.0,
    severity: 'warning',
    title: 'No Subject (or an empty one)',
    remediation: 'Give the message a short, specific Subject.',
    references: ['https://www.rfc-editor.org/rfc/rfc5322#section-3.6.5'],
    test: (f) =>
      f.subject.trim() === ''
        ? { detail: h(f, 'subject').length ? 'The Subject is empty.' : 'The message has no Subject header field.' }
        : null,
  },
  {
    code: 'REPLY_TO_OTHER_DOMAIN',
    area: 'structure',
    points: 0.5,
    severity: 'warning',
    title: 'Reply-To points to another domain than From',
    remediation:
      'Replies going to an unrelated domain is a phishing pattern; use a Reply-To on your own domain when you can.',
    references: ['https://www.rfc-editor.org/rfc/rfc5322#section-3.6.2'],
    test: (f) => {
      const from = registrableDomain(domainOf(f.from[0]?.address) ?? '');
      const other = f.replyTo
        .map((r) => registrableDomain(domainOf(r.address) ?? ''))
        .filter((d) => d && from && d !== from);
      return from && other.length ? { detail: `From is on ${from} but Reply-To goes to ${other.join(', ')}.` } : null;
    },
  },
  {
    code: 'RETURN_PATH_MISALIGNED',
    area: 'structure',
    points: 0.2,
    severity: 'info',
    title: 'The envelope sender (Return-Path) is on another domain than From',
    remediation:
      'SPF then cannot align for DMARC (RFC 7489 §3.1.2); DKIM alignment must carry DMARC. Use a bounce domain under your From domain if you can.',
    references: ['https://www.rfc-editor.org/rfc/rfc7489#section-3.1.2'],
    test: (f) => {
      const env = f.context?.mailFrom ?? h(f, 'return-path')[0]?.replace(/[<>]/g, '').trim();
      const e = registrableDomain(domainOf(env) ?? '');
      const from = registrableDomain(domainOf(f.from[0]?.address) ?? '');
      return e && from && e !== from
        ? { detail: `Envelope sender domain ${e} differs from From domain ${from}.` }
        : null;
    },
  },
  {
    code: 'SUBJECT_FAKE_REPLY',
    area: 'structure',
    points: 1.5,
    severity: 'warning',
    title: 'Subject starts with RE:/FWD: but the message is not a reply',
    remediation:
      'Only use RE:/FWD: on real replies/forwards, which carry In-Reply-To or References (RFC 5322 §3.6.4); filters treat fake ones as deceptive.',
    references: ['https://www.rfc-editor.org/rfc/rfc5322#section-3.6.4'],
    test: (f) =>
      /^\s*(re|fwd?|aw|wg|sv|tr)\s*(?:\[\d+\]\s*)?:/i.test(f.subject) &&
      h(f, 'in-reply-to').length === 0 &&
      h(f, 'references').length === 0
        ? {
            detail: `Subject "${f.subject.slice(0, 80)}" looks like a reply but there is no In-Reply-To or References.`,
          }
        : null,
  },
  {
    code: 'MESSAGE_LARGE',
    area: 'structure',
    points: 0.5,
    severity: 'warning',
    title: 'The message is very large',
    remediation:
      'Many receivers limit messages to 10-25 MB (after base64 growth of about 33%); link to large files instead of attaching them.',
    references: ['https://www.rfc-editor.org/rfc/rfc1870'],
    test: (f) =>
      f.size >= f.settings.largeBytes
        ? { detail: `The message is ${f.size} bytes (warning from ${f.settings.largeBytes}).` }
        : null,
  },
  {
    code: 'HEADER_SYNTAX',
    area: 'structure',
    points: 0.5,
    severity: 'warning',
    title: 'Header lines that are not valid header fields',
    remediation:
      'Every header line must be "Name: value" or a folded continuation (RFC 5322 §2.2), with a blank line before the body.',
    references: ['https://www.rfc-editor.org/rfc/rfc5322#section-2.2'],
    test: (f) =>
      f.header.malformedLines > 0
        ? { detail: `${f.header.malformedLines} line(s) in the header block are not header fields.` }
        : null,
  },
  {
    code: 'HEADERS_EXCESSIVE',
    area: 'structure',
    points: 2.0,
    severity: 'error',
    title: 'An excessive number of header fields',
    remediation: 'Receivers cap header size (Postfix: 102400 bytes, 1000 fields); trim generated headers.',
    references: ['https://www.rfc-editor.org/rfc/rfc5322#section-2.1.1'],
    test: (f) =>
      f.header.total > f.settings.maxHeaders
        ? { detail: `${f.header.total} header fields; only the first ${f.settings.maxHeaders} were inspected.` }
        : null,
  },
  {
    code: 'MIME_VERSION_MISSING',
    area: 'structure',
    points: 0.3,
    severity: 'info',
    title: 'MIME content without a MIME-Version header',
    remediation: 'Add "MIME-Version: 1.0" (RFC 2045 §4) when using Content-Type or Content-Transfer-Encoding.',
    references: ['https://www.rfc-editor.org/rfc/rfc2045#section-4'],
    test: (f) =>
      h(f, 'mime-version').length === 0 &&
      (h(f, 'content-type').length > 0 || h(f, 'content-transfer-encoding').length > 0)
        ? { detail: 'Content-Type is set but MIME-Version is missing.' }
        : null,
  },
  {
    code: 'MIME_BOUNDARY_BROKEN',
    area: 'structure',
    points: 1.0,
    severity: 'error',
    title: 'Broken multipart structure (missing or unbalanced boundaries)',
    remediation:
      'Each multipart needs a boundary parameter, delimiter lines "--boundary" and a closing "--boundary--" (RFC 2046 §5.1.1). Let a MIME library build the message.',
    references: ['https://www.rfc-editor.org/rfc/rfc2046#section-5.1.1'],
    test: (f) => {
      const issues = f.mime.issues.filter((i) =>
        ['unbalanced-boundary', 'boundary-not-found', 'multipart-without-boundary', 'boundary-reused'].includes(i.kind),
      );
      return issues.length
        ? {
            detail: issues
              .slice(0, 3)
              .map((i) => `part ${i.path}: ${i.detail}`)
              .join('; '),
            evidence: issues.slice(0, 20),
          }
        : null;
    },
  },
  {
    code: 'MIME_BAD_CHARSET',
    area: 'structure',
    points: 0.8,
    severity: 'warning',
    title: 'Unknown character set, or text that does not match its declared charset',
    remediation: 'Declare a real charset (utf-8) and encode the text in it; RFC 6532 headers must be valid UTF-8.',
    references: ['https://www.rfc-editor.org/rfc/rfc2046#section-4.1.2'],
    test: (f) => {
      const issues = f.mime.issues.filter((i) => i.kind === 'unknown-charset' || i.kind === 'invalid-utf8');
      const details = issues.slice(0, 3).map((i) => `part ${i.path}: ${i.detail}`);
      if (f.header.invalidUtf8) details.unshift('header fields contain 8-bit bytes that are not UTF-8');
      return details.length ? { detail: details.join('; '), evidence: issues.slice(0, 20) } : null;
    },
  },
  {
    code: 'MIME_TOO_COMPLEX',
    area: 'structure',
    points: 2.0,
    severity: 'error',
    title: 'MIME nesting too deep or too many parts',
    remediation:
      'Legitimate mail nests a few levels (mixed > alternative > related); deep or huge trees are a filter-evasion pattern and get rejected.',
    references: ['https://www.rfc-editor.org/rfc/rfc2046#section-5.1'],
    test: (f) => {
      const issues = f.mime.issues.filter((i) => i.kind === 'too-deep' || i.kind === 'too-many-parts');
      return issues.length
        ? {
            detail: issues.map((i) => i.detail).join('; '),
            evidence: { parts: f.mime.parts, depth: f.mime.maxDepthSeen },
          }
        : null;
    },
  },
  {
    code: 'MIME_PARSE_FAILED',
    area: 'structure',
    points: 1.0,
    severity: 'error',
    title: 'The message could not be parsed as MIME',
    remediation:
      'A standard MIME parser (mailparser) rejected it; receivers will too. Rebuild the message with a mail library.',
    references: ['https://www.rfc-editor.org/rfc/rfc2045'],
    test: (f) => (f.parseError ? { detail: `mailparser: ${f.parseError}` } : null),
  },
];
