import { defineFindings, type FindingDefinition } from '../../common/finding';
import { ATTACHMENT_RULES } from './attachment.rules';
import { AUTH_RULES } from './auth.rules';
import { BULK_RULES, type ComplianceRule } from './bulk.rules';
import { HEADER_FORGERY_RULES } from './header-forgery.rules';
import { OBFUSCATION_RULES } from './obfuscation.rules';
import { RECEIVED_RULES } from './received.rules';
import { RECIPIENT_RULES } from './recipient.rules';
import { SPAMASSASSIN_RULES } from './spamassassin.rules';
import type { ContentRule } from './rule.types';
import { STRUCTURE_RULES } from './structure.rules';
import { LINK_RULES, TEXT_RULES } from './text.rules';

/** The registry: every scoring rule, in report order. Adding a rule = adding an entry here. */
export const CONTENT_RULES: readonly ContentRule[] = [
  ...STRUCTURE_RULES,
  ...HEADER_FORGERY_RULES,
  ...RECEIVED_RULES,
  ...RECIPIENT_RULES,
  ...TEXT_RULES,
  ...OBFUSCATION_RULES,
  ...LINK_RULES,
  ...ATTACHMENT_RULES,
  ...AUTH_RULES,
  ...SPAMASSASSIN_RULES,
];
export const COMPLIANCE_RULES: readonly ComplianceRule[] = BULK_RULES;

/** Findings that are not scoring rules. */
export const CONTENT_META_FINDINGS = defineFindings('content', {
  SPAM_ENGINE_UNAVAILABLE: {
    severity: 'info',
    area: null,
    title: 'A configured spam engine (spamd / rspamd) did not answer',
    remediation: 'Check SPAMD_URL / RSPAMD_URL and that the daemon runs; our own score is unaffected.',

    references: ['https://spamassassin.apache.org/full/4.0.x/doc/spamd.html'],
  },
});

function toDefinition(r: ContentRule | ComplianceRule): FindingDefinition {
  return {
    code: r.code,
    module: 'content',
    severity: r.severity,
    // Content rules score a message, not a domain's mail health.
    area: null,
    title: r.title,
    remediation: r.remediation,
    ...(r.references ? { references: r.references } : {}),
  };
}

export const CONTENT_FINDINGS: FindingDefinition[] = [
  ...CONTENT_RULES.map(toDefinition),
  ...COMPLIANCE_RULES.map(toDefinition),
  ...Object.values(CONTENT_META_FINDINGS),
];

const codes = CONTENT_FINDINGS.map((d) => d.code);
const dup = codes.find((c, i) => codes.indexOf(c) !== i);
if (dup) throw new Error(`content: duplicate rule code ${dup}`);
