import { defineFindings } from '../common/finding';

/**
 * Finding codes the explainer, bounce and log analysers speak. The SMTP_* and TLS_* codes are the
 * probe's own (issue 4) so an explained reply and a live diagnosis name a cause the same way;
 * the rest cover what only a reply text, a bounce or a log reveals.
 */
const RFC3463 = 'https://www.rfc-editor.org/rfc/rfc3463';
const RFC5321 = 'https://www.rfc-editor.org/rfc/rfc5321';
const RFC7372 = 'https://www.rfc-editor.org/rfc/rfc7372';

export const REPORTS_FINDINGS = defineFindings('reports', {
  SMTP_RECIPIENT_MOVED: {
    severity: 'error',
    area: 'server_behaviour',
    title: 'The recipient has moved or the mailbox owner changed',
    remediation: 'Ask the recipient for the new address and update your records.',
    references: [RFC3463, 'https://www.rfc-editor.org/rfc/rfc7293'],
  },
  SMTP_RECIPIENT_SYNTAX_INVALID: {
    severity: 'error',
    area: 'server_behaviour',
    title: 'The recipient address is syntactically invalid',
    remediation: 'Correct the address (local-part@domain, no spaces or stray brackets).',
    references: [RFC5321],
  },
  SMTPUTF8_NOT_SUPPORTED: {
    severity: 'error',
    area: 'server_behaviour',
    title: 'Internationalised (UTF-8) addresses or headers are not accepted',
    remediation: 'Use an ASCII address for this recipient or a server that supports SMTPUTF8 (RFC 6531).',
    references: ['https://www.rfc-editor.org/rfc/rfc6531'],
  },
  MESSAGE_CONVERSION_FAILED: {
    severity: 'error',
    area: 'server_behaviour',
    title: 'The message needed a conversion that failed or was not allowed',
    remediation: 'Send 7-bit safe content (quoted-printable or base64) or to a server announcing 8BITMIME.',
    references: [RFC3463],
  },
  SMTP_CONNECTION_FAILED: {
    severity: 'warning',
    area: 'mail_routing',
    title: 'The receiving server could not be reached',
    remediation: 'Check that the MX answers on port 25 and that outbound port 25 is open on your side.',
    references: [RFC5321],
  },
  SMTP_NOT_ACCEPTING_MAIL: {
    severity: 'error',
    area: 'mail_routing',
    title: 'The host does not accept mail',
    remediation: "The receiving host declares it takes no mail (RFC 7504 521); check the recipient domain's MX.",
    references: ['https://www.rfc-editor.org/rfc/rfc7504'],
  },
  DELIVERY_EXPIRED: {
    severity: 'warning',
    area: 'server_behaviour',
    title: 'Delivery gave up after retrying too long',
    remediation: 'Find why earlier attempts failed (connection, greylisting, rate limits) in the logs of this message.',
    references: [RFC3463],
  },
  SMTP_TOO_MANY_RECIPIENTS: {
    severity: 'warning',
    area: 'server_behaviour',
    title: 'Too many recipients in one transaction',
    remediation: 'Send fewer recipients per message (RFC 5321 §4.5.3.1.8 requires servers to accept 100).',
    references: [RFC5321 + '#section-4.5.3.1.8'],
  },
  SMTP_RATE_LIMITED: {
    severity: 'warning',
    area: 'server_behaviour',
    title: 'The receiver is rate limiting your mail',
    remediation: 'Retry with backoff, lower the sending rate and check complaint rates and reputation.',

    references: ['https://www.rfc-editor.org/rfc/rfc3463#section-3.8'],
  },
  MESSAGE_VIRUS_DETECTED: {
    severity: 'error',
    area: 'reputation',
    title: 'The message was rejected as malware, phishing or for a blocked attachment',
    remediation: 'Scan the attachment, avoid executable and macro attachments and share files as links.',

    references: ['https://www.rfc-editor.org/rfc/rfc3463#section-3.7'],
  },
  MESSAGE_CONTENT_REJECTED: {
    severity: 'error',
    area: 'reputation',
    title: 'The message content was refused',
    remediation: "Check the message format and attachments against the receiver's rules.",
    references: [RFC3463],
  },
  COMPLAINT_REPORTED: {
    severity: 'warning',
    area: 'reputation',
    title: 'A recipient reported the message (feedback loop)',
    remediation: 'Stop mailing the complaining recipient and review how they were subscribed.',
    references: ['https://www.rfc-editor.org/rfc/rfc5965'],
  },
  SENDER_IP_BLOCKED: {
    severity: 'error',
    area: 'reputation',
    title: 'The receiver blocks the sending IP in its own list',
    remediation: "Use the provider's delisting or sender-support form after fixing the cause.",

    references: ['https://www.rfc-editor.org/rfc/rfc3463#section-3.8'],
  },
  SENDER_REPUTATION_POOR: {
    severity: 'error',
    area: 'reputation',
    title: "The receiver refused mail because of the sender's reputation",
    remediation: 'Authenticate properly, send only wanted mail and check reputation tools (Postmaster Tools, SNDS).',

    references: ['https://www.rfc-editor.org/rfc/rfc3463#section-3.8'],
  },
  SMTP_POLICY_REJECTED: {
    severity: 'error',
    area: 'server_behaviour',
    title: 'The receiver refused the message by local policy',
    remediation: "Read the reply text for the policy and ask the recipient's postmaster if unclear.",
    references: [RFC3463],
  },
  SMTP_HELO_REJECTED: {
    severity: 'error',
    area: 'server_behaviour',
    title: 'The receiver rejected the HELO/EHLO name',
    remediation: 'Use a fully qualified host name in HELO that resolves to the sending IP.',
    references: [RFC5321 + '#section-4.1.1.1'],
  },
  MESSAGE_TOO_LARGE: {
    severity: 'error',
    area: 'server_behaviour',
    title: 'The message is too large for the receiver',
    remediation: 'Send large files as links; respect the SIZE the server announces.',
    references: ['https://www.rfc-editor.org/rfc/rfc1870'],
  },
  TLS_REQUIRETLS_UNSUPPORTED: {
    severity: 'error',
    area: 'transport_security',
    title: 'REQUIRETLS was requested but a hop does not support it',
    remediation: 'Deliver without REQUIRETLS or through servers that support it (RFC 8689).',
    references: ['https://www.rfc-editor.org/rfc/rfc8689'],
  },
  RECIPIENT_DOMAIN_NOT_FOUND: {
    severity: 'error',
    area: 'mail_routing',
    title: 'The recipient domain does not exist or has no mail route',
    remediation: 'Check the domain for typos and its MX records.',
    references: [RFC5321 + '#section-5.1'],
  },
  RECIPIENT_DOMAIN_NULL_MX: {
    severity: 'error',
    area: 'mail_routing',
    title: 'The recipient domain accepts no mail (null MX)',
    remediation: 'The domain publishes "MX 0 ." (RFC 7505); stop mailing it.',
    references: ['https://www.rfc-editor.org/rfc/rfc7505'],
  },
  SENDER_DOMAIN_INVALID: {
    severity: 'error',
    area: 'sender_authentication',
    title: 'The sender address or domain was refused (does not resolve or cannot be verified)',
    remediation: 'Make sure the envelope sender domain has MX or A records and the address accepts bounces.',
    references: [RFC3463],
  },
  SENDER_DOMAIN_NULL_MX: {
    severity: 'error',
    area: 'sender_authentication',
    title: 'The sender domain publishes a null MX',
    remediation: 'A domain that sends mail must be able to receive bounces; remove the null MX (RFC 7505 §4.2).',
    references: ['https://www.rfc-editor.org/rfc/rfc7505#section-4.2'],
  },
  SENDER_ADDRESS_INVALID: {
    severity: 'error',
    area: 'sender_authentication',
    title: 'The sender address is syntactically invalid',
    remediation: 'Fix the envelope sender (MAIL FROM) address.',
    references: [RFC3463],
  },
  SMTP_ROUTING_FAILED: {
    severity: 'warning',
    area: 'mail_routing',
    title: 'The message could not be routed (directory or DNS failure)',
    remediation: "Check the recipient domain's MX and the receiver's directory service.",
    references: [RFC3463],
  },
  SMTP_ROUTING_LOOP: {
    severity: 'error',
    area: 'mail_routing',
    title: 'A mail routing loop was detected',
    remediation: 'Check MX and forwarding configuration: the message came back to a server it had passed.',
    references: [RFC3463],
  },
  SENDER_AUTH_FAILED: {
    severity: 'error',
    area: 'sender_authentication',
    title: 'Sender authentication (SPF/DKIM/DMARC) failed at the receiver',
    remediation: 'Run the DNS audit of the sender domain; publish SPF and sign with DKIM aligned with From:.',
    references: [RFC7372],
  },
  SENDER_SPF_FAILED: {
    severity: 'error',
    area: 'sender_authentication',
    title: 'SPF failed at the receiver',
    remediation: "Add the sending IP or service to the domain's SPF record.",
    references: [RFC7372, 'https://www.rfc-editor.org/rfc/rfc7208'],
  },
  SENDER_DKIM_FAILED: {
    severity: 'error',
    area: 'sender_authentication',
    title: 'DKIM failed or was missing at the receiver',
    remediation: 'Sign with DKIM for the From: domain and check the published key.',
    references: [RFC7372, 'https://www.rfc-editor.org/rfc/rfc6376'],
  },
  SENDER_DMARC_FAILED: {
    severity: 'error',
    area: 'sender_authentication',
    title: "The receiver enforced the sender domain's DMARC policy",
    remediation: 'Make SPF or DKIM pass with a domain aligned to the From: header.',
    references: ['https://www.rfc-editor.org/rfc/rfc7489'],
  },
  SENDER_REVERSE_DNS_FAILED: {
    severity: 'error',
    area: 'reputation',
    title: 'The sending IP has no valid reverse DNS',
    remediation: 'Set a PTR record for the IP whose name resolves back to it (FCrDNS).',
    references: [RFC7372],
  },
  SENDER_ARC_FAILED: {
    severity: 'error',
    area: 'sender_authentication',
    title: 'ARC validation failed',
    remediation: "An intermediary's ARC seal did not validate (RFC 8617); check the forwarding service.",
    references: ['https://www.rfc-editor.org/rfc/rfc8617'],
  },
  SMTP_REMOTE_ERROR: {
    severity: 'warning',
    area: 'server_behaviour',
    title: 'The receiving server reported a local error',
    remediation: 'Usually temporary; retry. If permanent, contact the receiving postmaster.',
    references: [RFC5321],
  },
  SMTP_REMOTE_SYSTEM_FULL: {
    severity: 'warning',
    area: 'server_behaviour',
    title: 'The receiving system is out of storage',
    remediation: 'Retry later; the receiver has to fix its storage.',
    references: [RFC3463],
  },
  SMTP_REMOTE_MISCONFIGURED: {
    severity: 'warning',
    area: 'server_behaviour',
    title: 'The receiving system is misconfigured',
    remediation: 'Contact the receiving postmaster.',
    references: [RFC3463],
  },
  SMTP_FEATURE_UNSUPPORTED: {
    severity: 'warning',
    area: 'server_behaviour',
    title: 'The receiving system lacks a requested feature',
    remediation: 'Send without the extension (e.g. DSN, SMTPUTF8) or through another route.',
    references: [RFC3463],
  },
  SMTP_LIST_EXPANSION_FAILED: {
    severity: 'warning',
    area: 'server_behaviour',
    title: 'Mailing list expansion failed',
    remediation: 'Contact the list owner.',
    references: [RFC3463],
  },
  AUTO_REPLY: {
    severity: 'info',
    area: 'server_behaviour',
    title: 'An automatic reply (vacation or out-of-office), not a bounce',
    remediation: 'Nothing to fix; do not treat auto-replies as bounces.',
    references: ['https://www.rfc-editor.org/rfc/rfc3834'],
  },
  SMTP_ACCEPTED: {
    severity: 'info',
    area: 'server_behaviour',
    title: 'Accepted: the reply reports success',
    remediation: 'Nothing to fix.',
    references: [RFC5321],
  },
  SMTP_UNCLASSIFIED: {
    severity: 'warning',
    area: 'server_behaviour',
    title: 'Unclassified reply',
    remediation: 'Read the full reply; contact the receiving postmaster if it persists.',
    references: [RFC5321],
  },

  // ---- What receivers report back (DMARC aggregate reports, RFC 9990; TLS-RPT, RFC 8460), joined to the checks
  DMARC_REPORT_SOURCE_NOT_IN_SPF: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'A source sending your mail is not in your SPF record',
    remediation:
      "If the source is yours (or a provider's), add its ip4:/ip6: or the provider's include to SPF, or make sure it signs with aligned DKIM; if not, it is spoofing.",
    references: ['https://www.rfc-editor.org/rfc/rfc9990', 'https://www.rfc-editor.org/rfc/rfc7208#section-4'],
  },
  DMARC_REPORT_SELECTOR_NOT_SWEPT: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'A DKIM selector seen in reports was not in the DNS audit',
    remediation: 'The next dns audit of the domain checks this selector; make sure its key is published and strong.',
    references: ['https://www.rfc-editor.org/rfc/rfc9990', 'https://www.rfc-editor.org/rfc/rfc6376#section-3.6.2'],
  },
  TLSRPT_REPORTED_FAILURES: {
    severity: 'warning',
    area: 'transport_security',
    title: 'Receivers report TLS failures reaching your MX',
    remediation:
      'Fix the reported cause on that MX (certificate, STARTTLS, MTA-STS policy) and compare with the probe.',
    references: ['https://www.rfc-editor.org/rfc/rfc8460#section-4.3'],
  },
  DMARC_POLICY_NEXT_STEP: {
    severity: 'info',
    area: 'sender_authentication',
    title: 'Next DMARC policy step, from the reports',
    remediation: 'Move none -> quarantine -> reject when the aligned pass rate of your own mail allows it.',
    references: ['https://www.rfc-editor.org/rfc/rfc9989#section-4.7'],
  },
});

export type ReportsFindingCode = keyof typeof REPORTS_FINDINGS;
