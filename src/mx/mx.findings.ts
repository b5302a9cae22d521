import { defineFindings } from '../common/finding';

const RFC5321_MX = 'https://www.rfc-editor.org/rfc/rfc5321#section-5.1';

export const MX_FINDINGS = defineFindings('mx', {
  MX_MISSING: {
    severity: 'critical',
    area: 'mail_routing',
    title: 'No MX record and no address to fall back on',
    remediation: 'Publish an MX record pointing at your mail server, e.g. "example.com. 3600 IN MX 10 mx.example.com."',
    references: [RFC5321_MX],
  },
  MX_IMPLICIT: {
    severity: 'warning',
    area: 'mail_routing',
    title: "No MX record: mail goes to the domain's own address (implicit MX)",
    remediation:
      'Senders fall back to the A/AAAA record (RFC 5321 §5.1). Publish an explicit MX record so routing is deliberate.',
    references: [RFC5321_MX],
  },
  MX_NULL: {
    severity: 'info',
    area: 'mail_routing',
    title: 'Null MX: the domain declares that it accepts no mail',
    remediation:
      'Nothing to fix if the domain should not receive mail. If it should, replace "MX 0 ." with real MX records.',
    references: ['https://www.rfc-editor.org/rfc/rfc7505'],
  },
  MX_NULL_MIXED: {
    severity: 'error',
    area: 'mail_routing',
    title: 'Null MX published together with other MX records',
    remediation:
      'RFC 7505 §3 says a null MX must be the only MX record. Remove either "MX 0 ." or the other MX records.',
    references: ['https://www.rfc-editor.org/rfc/rfc7505#section-3'],
  },
  MX_TARGET_UNRESOLVABLE: {
    severity: 'error',
    area: 'mail_routing',
    title: 'An MX target has no A or AAAA record',
    remediation: 'Add an A (and/or AAAA) record for the MX host, or point the MX at a host that has one.',
    references: [RFC5321_MX],
  },
  MX_TARGET_CNAME: {
    severity: 'warning',
    area: 'mail_routing',
    title: 'An MX target is a CNAME',
    remediation:
      'RFC 2181 §10.3: an MX must point at a name with address records, not at an alias. Point the MX at the canonical name.',
    references: ['https://www.rfc-editor.org/rfc/rfc2181#section-10.3'],
  },
  MX_TARGET_IP_LITERAL: {
    severity: 'error',
    area: 'mail_routing',
    title: 'An MX target is an IP address, not a host name',
    remediation:
      'MX records must name a host (RFC 1035 §3.3.9); create an A record such as "mx.example.com" for the address and point the MX at it.',
    references: ['https://www.rfc-editor.org/rfc/rfc1035#section-3.3.9'],
  },
  MX_SINGLE_HOST: {
    severity: 'info',
    area: 'mail_routing',
    title: 'Only one MX host',
    remediation: 'Mail queues at senders while your only MX is down; a second MX at another site adds resilience.',

    references: ['https://www.rfc-editor.org/rfc/rfc5321#section-5.1'],
  },
  MX_DUPLICATE_PRIORITY: {
    severity: 'info',
    area: 'mail_routing',
    title: 'Several MX records share a priority',
    remediation: 'Equal priorities spread load between hosts (RFC 5321 §5.1); nothing to fix if that is intended.',

    references: ['https://www.rfc-editor.org/rfc/rfc5321#section-5.1'],
  },
  MX_LOOKUP_FAILED: {
    severity: 'warning',
    area: 'mail_routing',
    title: 'The MX lookup did not complete (timeout or server failure)',
    remediation:
      'The result is indeterminate, not "missing". Check that the domain\'s authoritative name servers answer, then run the check again.',

    references: ['https://www.rfc-editor.org/rfc/rfc5321#section-5.1'],
  },
  DOMAIN_NOT_FOUND: {
    severity: 'critical',
    area: 'mail_routing',
    title: 'The domain does not exist (NXDOMAIN)',
    remediation: 'Check the spelling, and that the domain is registered and delegated to working name servers.',

    references: ['https://www.rfc-editor.org/rfc/rfc8020'],
  },
  MX_ALL_UNREACHABLE: {
    severity: 'critical',
    area: 'mail_routing',
    title: 'No MX host can be reached: mail to the domain cannot be delivered',
    remediation:
      'Make at least one MX host resolve to an address and accept connections on port 25 (RFC 5321 §5.1); senders queue the mail and bounce it after a few days.',
    references: [RFC5321_MX],
  },
  DOMAIN_DNS_FAILING: {
    severity: 'critical',
    area: 'mail_routing',
    title: 'Every name server of the domain fails (SERVFAIL): mail to it cannot be delivered',
    remediation:
      "The domain's MX, SOA and NS queries all end in SERVFAIL, which is what resolvers answer for a lame delegation (the parent's NS records point at servers that do not serve the zone) or broken DNSSEC. Check the delegation at the registrar and that each listed name server answers for the zone.",
    references: [
      'https://www.rfc-editor.org/rfc/rfc1034#section-4.2.2',
      'https://www.rfc-editor.org/rfc/rfc8499#section-7',
    ],
  },
});
