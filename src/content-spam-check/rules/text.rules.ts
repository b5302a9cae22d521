import { textSimilarity } from '../analysis/text.analysis';
import type { ContentRule } from './rule.types';

export const TEXT_RULES: ContentRule[] = [
  {
    code: 'SUBJECT_ALL_CAPS',
    area: 'text',
    points: 1.0,
    severity: 'warning',
    title: 'Subject written mostly in capitals',
    remediation: 'Write the Subject in normal sentence case.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) =>
      f.textReport.subjectLetters >= 8 && f.textReport.subjectCapsRatio >= 0.7
        ? { detail: `${Math.round(f.textReport.subjectCapsRatio * 100)}% of the subject's letters are capitals.` }
        : null,
  },
  {
    code: 'BODY_EXCESSIVE_CAPS',
    area: 'text',
    points: 1.0,
    severity: 'warning',
    title: 'Body text written largely in capitals',
    remediation: 'Use capitals sparingly; shouting text is a classic spam sign.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) =>
      f.textReport.bodyLetters >= 100 && f.textReport.bodyCapsRatio >= 0.5
        ? { detail: `${Math.round(f.textReport.bodyCapsRatio * 100)}% of the body's letters are capitals.` }
        : null,
  },
  {
    code: 'SUBJECT_EXCLAMATIONS',
    area: 'text',
    points: 1.0,
    severity: 'warning',
    title: 'Runs of exclamation marks in the subject',
    remediation: 'Drop "!!!" from the Subject.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) =>
      f.textReport.subjectExclamationRun ? { detail: `Subject "${f.subject.slice(0, 80)}" contains "!!!".` } : null,
  },
  {
    code: 'BODY_EXCLAMATIONS',
    area: 'text',
    points: 0.5,
    severity: 'info',
    title: 'Several runs of exclamation marks in the body',
    remediation: 'Replace "!!!" runs with plain punctuation.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) =>
      f.textReport.bodyExclamationRuns >= 2
        ? { detail: `${f.textReport.bodyExclamationRuns} runs of "!!!" in the body.` }
        : null,
  },
  {
    code: 'MONEY_SIGNS',
    area: 'text',
    points: 1.0,
    severity: 'warning',
    title: 'Runs of dollar signs ("$$$")',
    remediation: 'Remove "$$$" runs; they score in every content filter.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) => (f.textReport.moneyRuns > 0 ? { detail: `${f.textReport.moneyRuns} run(s) of "$$$".` } : null),
  },
  {
    code: 'SPAM_PHRASES',
    area: 'text',
    points: 0,
    severity: 'warning',
    title: 'Phrases typical of spam',
    remediation: 'Rephrase the listed wording; points add up per phrase (weights in data/spam-phrases.v2.json).',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) =>
      f.textReport.phraseScore >= 0.5
        ? {
            detail: `${f.textReport.phraseHits.length} spam phrase(s): ${f.textReport.phraseHits
              .slice(0, 8)
              .map((p) => `"${p.phrase}"`)
              .join(', ')}.`,
            points: f.textReport.phraseScore,
            evidence: { hits: f.textReport.phraseHits, listVersion: f.textReport.phraseListVersion },
          }
        : null,
  },
  {
    code: 'HTML_ONLY',
    area: 'html',
    points: 0.7,
    severity: 'warning',
    title: 'HTML without a plain-text alternative',
    remediation: 'Send multipart/alternative with a text/plain part next to the HTML (RFC 2046 §5.1.4).',
    references: ['https://www.rfc-editor.org/rfc/rfc2046#section-5.1.4'],
    test: (f) =>
      f.html !== undefined && !f.hasTextPart
        ? { detail: 'The message has an HTML part and no text/plain part.' }
        : null,
  },
  {
    code: 'HTML_TEXT_MISMATCH',
    area: 'html',
    points: 1.0,
    severity: 'warning',
    title: 'The plain-text part says something else than the HTML',
    remediation:
      'Generate the text part from the same content as the HTML; filters compare them (SpamAssassin MPART_ALT_DIFF).',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) => {
      if (!f.hasTextPart || !f.htmlReport) return null;
      const s = textSimilarity(f.text, f.htmlReport.visibleText);
      return s.wordsA >= 10 && s.wordsB >= 10 && s.similarity < 0.25
        ? {
            detail: `Only ${Math.round(s.similarity * 100)}% of the words are shared between the text and HTML parts.`,
            evidence: s,
          }
        : null;
    },
  },
  {
    code: 'HTML_HIDDEN_TEXT',
    area: 'html',
    points: 1.5,
    severity: 'warning',
    title: 'Hidden text in the HTML (invisible colours, tiny fonts, display:none)',
    remediation:
      'Remove text the reader cannot see; hidden word-stuffing is a spam-filter evasion pattern. A short preheader is fine.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) => {
      const r = f.htmlReport;
      if (!r) return null;
      const visible = r.visibleText.replace(/\s/g, '').length;
      return r.hiddenChars >= 200 || (r.hiddenChars >= 40 && r.hiddenChars > visible * 0.3)
        ? {
            detail: `${r.hiddenChars} hidden characters (${r.hiddenReasons.join(', ')}), e.g. "${r.hiddenSample.trim().slice(0, 80)}".`,
            evidence: { hiddenChars: r.hiddenChars, visibleChars: visible, reasons: r.hiddenReasons },
          }
        : null;
    },
  },
  {
    code: 'HTML_IMAGE_ONLY',
    area: 'html',
    points: 1.8,
    severity: 'warning',
    title: 'Image-only message: images with (almost) no text',
    remediation: 'Add real text; filters cannot read images and score image-only mail as spam.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) => {
      const r = f.htmlReport;
      if (!r) return null;
      const images = r.images.filter((i) => !i.pixel).length;
      const chars =
        r.visibleText.replace(/\s/g, '').length + f.text.replace(/\s/g, '').length * (f.hasTextPart ? 0 : 1);
      return images >= 1 && chars < 50 ? { detail: `${images} image(s) and ${chars} characters of text.` } : null;
    },
  },
  {
    code: 'HTML_IMAGE_HEAVY',
    area: 'html',
    points: 0.8,
    severity: 'info',
    title: 'Image-heavy HTML: little text per image',
    remediation: 'Keep a healthy text-to-image ratio (a few hundred characters of text per image).',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) => {
      const r = f.htmlReport;
      if (!r) return null;
      const images = r.images.filter((i) => !i.pixel).length;
      const chars = r.visibleText.replace(/\s/g, '').length;
      return images >= 3 && chars >= 50 && chars / images < 100
        ? { detail: `${images} images for ${chars} characters of text.` }
        : null;
    },
  },
  {
    code: 'TRACKING_PIXEL_ONLY',
    area: 'html',
    points: 2.0,
    severity: 'warning',
    title: 'The HTML is essentially a tracking pixel',
    remediation: 'A message whose only content is a 1x1 image looks like a probe of the address; send real content.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) => {
      const r = f.htmlReport;
      if (!r || r.trackingPixels === 0) return null;
      const chars = r.visibleText.replace(/\s/g, '').length + (f.hasTextPart ? f.text.replace(/\s/g, '').length : 0);
      return chars < 20 && r.images.every((i) => i.pixel)
        ? {
            detail: `${r.trackingPixels} tracking pixel(s) and ${chars} characters of text.`,
            evidence: r.images.slice(0, 5),
          }
        : null;
    },
  },
];

export const LINK_RULES: ContentRule[] = [
  {
    code: 'LINK_TEXT_DOMAIN_MISMATCH',
    area: 'links',
    points: 2.0,
    severity: 'error',
    title: 'A link shows one domain but leads to another',
    remediation: 'Make the visible URL and the href the same domain; the mismatch is the signature of phishing.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) => {
      const m = f.htmlReport?.mismatchedLinks ?? [];
      return m.length
        ? {
            detail: m
              .slice(0, 3)
              .map((l) => `text "${l.text.slice(0, 60)}" (${l.textDomain}) -> ${l.hrefDomain}`)
              .join('; '),
            evidence: m.slice(0, 10),
          }
        : null;
    },
  },
  {
    code: 'URL_SHORTENER',
    area: 'links',
    points: 1.0,
    severity: 'warning',
    title: 'Links through public URL shorteners',
    remediation: 'Link to your own domain; shorteners hide the destination and are widely abused.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) =>
      f.urlReport.shorteners.length
        ? {
            detail: `Shortened link(s): ${f.urlReport.shorteners.slice(0, 3).join(', ')}.`,
            evidence: f.urlReport.shorteners.slice(0, 20),
          }
        : null,
  },
  {
    code: 'URL_RAW_IP',
    area: 'links',
    points: 1.5,
    severity: 'warning',
    title: 'Links to a raw IP address',
    remediation: 'Link to a host name on your domain, never to a bare IP address.',
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) =>
      f.urlReport.rawIp.length
        ? {
            detail: `IP-address link(s): ${f.urlReport.rawIp.slice(0, 3).join(', ')}.`,
            evidence: f.urlReport.rawIp.slice(0, 20),
          }
        : null,
  },
];
