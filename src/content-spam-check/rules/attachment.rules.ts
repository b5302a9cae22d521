import type { AttachmentReport } from '../analysis/attachment.analysis';
import type { ContentRule, MessageFacts } from './rule.types';

const name = (a: AttachmentReport) => a.filename ?? `(unnamed ${a.contentType})`;
function pick(f: MessageFacts, pred: (a: AttachmentReport) => string | false | undefined) {
  const hits = f.attachments.map((a) => [a, pred(a)] as const).filter(([, why]) => why);
  return hits.length
    ? {
        detail: hits
          .slice(0, 5)
          .map(([a, why]) => `${name(a)}: ${why}`)
          .join('; '),
        evidence: hits.slice(0, 20).map(([a]) => a),
      }
    : null;
}

export const ATTACHMENT_RULES: ContentRule[] = [
  {
    code: 'ATTACHMENT_EXECUTABLE',
    area: 'attachments',
    // Refused by policy, not scored as spam (was 5.0 points): see ContentRule.blocks.
    points: 0,
    blocks: true,
    severity: 'critical',
    title: 'Executable or script attachment',
    remediation:
      'Gmail, Microsoft 365 and most gateways reject programs and scripts (.exe .scr .js .vbs .bat .cmd .jar .iso ...). Share them through a download link.',
    references: ['https://support.google.com/mail/answer/6590'],
    test: (f) => pick(f, (a) => a.executable && `executable type (${a.extension ? `.${a.extension}` : a.magic})`),
  },
  {
    code: 'ATTACHMENT_DOUBLE_EXTENSION',
    area: 'attachments',
    points: 3.0,
    severity: 'error',
    title: 'Attachment name disguises its real extension',
    remediation: 'Names like "invoice.pdf.exe" or right-to-left tricks are malware tells; name files plainly.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) => pick(f, (a) => a.doubleExtension),
  },
  {
    code: 'ATTACHMENT_OFFICE_MACRO',
    area: 'attachments',
    points: 2.5,
    severity: 'error',
    title: 'Office document with macros',
    remediation:
      'Macros in mailed documents are blocked by Office and many gateways; send a macro-free .docx/.xlsx or a PDF.',
    references: ['https://learn.microsoft.com/en-us/deployoffice/security/internet-macros-blocked'],
    test: (f) => pick(f, (a) => a.macro),
  },
  {
    code: 'ARCHIVE_CONTAINS_EXECUTABLE',
    area: 'attachments',
    // Refused by policy, not scored as spam (was 4.0 points): see ContentRule.blocks.
    points: 0,
    blocks: true,
    severity: 'error',
    title: 'Archive attachment holding executables or scripts',
    remediation: 'Executables inside .zip files are blocked like bare ones; use a download link.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) =>
      pick(f, (a) => !!a.archive?.executables.length && `contains ${a.archive.executables.slice(0, 5).join(', ')}`),
  },
  {
    code: 'ARCHIVE_BOMB',
    area: 'attachments',
    // Refused by policy, not scored as spam (was 5.0 points): see ContentRule.blocks.
    points: 0,
    blocks: true,
    severity: 'critical',
    title: 'Archive shaped like a decompression bomb',
    remediation:
      'The archive expands to an absurd size or nests archives deeply; gateways quarantine it. Send the data in a normal archive.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) => pick(f, (a) => a.archive?.bomb),
  },
  {
    code: 'ARCHIVE_ENCRYPTED',
    area: 'attachments',
    points: 1.5,
    severity: 'warning',
    title: 'Password-protected archive',
    remediation:
      'Encrypted archives cannot be scanned, so filters treat them as suspect (a common malware carrier). Share through an authenticated link.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) => pick(f, (a) => a.archive?.encrypted && 'entries are encrypted'),
  },
  {
    code: 'ATTACHMENT_TYPE_MISMATCH',
    area: 'attachments',
    points: 1.5,
    severity: 'warning',
    title: 'Attachment content differs from its declared type',
    remediation:
      'The file name / Content-Type must match the real content (magic bytes); mismatches look like disguised malware.',
    references: ['https://www.rfc-editor.org/rfc/rfc2046'],
    test: (f) => pick(f, (a) => a.typeMismatch),
  },
];
