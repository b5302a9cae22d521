import { defineFindings } from '../common/finding';

const RFC7208 = 'https://www.rfc-editor.org/rfc/rfc7208';
const RFC7489 = 'https://www.rfc-editor.org/rfc/rfc7489';
const RFC9989 = 'https://www.rfc-editor.org/rfc/rfc9989';
const RFC9990 = 'https://www.rfc-editor.org/rfc/rfc9990';
const RFC6376 = 'https://www.rfc-editor.org/rfc/rfc6376';
const RFC8461 = 'https://www.rfc-editor.org/rfc/rfc8461';

/**
 * The catalog of the `dns` kind. MX codes come from src/mx/mx.findings.ts (the mx engine is
 * reused as the MX section). Remediations here are generic; findings that ask for a record
 * change carry the suggested record text in their own remediation.
 */
export const DNS_FINDINGS = defineFindings('dns', {
  // ---- SPF (RFC 7208)
  SPF_MISSING: {
    severity: 'error',
    area: 'sender_authentication',
    title: 'No SPF record',
    remediation: 'Publish one TXT record starting with "v=spf1" that lists the servers allowed to send for the domain.',
    references: [`${RFC7208}#section-4.5`],
  },
  SPF_MULTIPLE_RECORDS: {
    severity: 'error',
    area: 'sender_authentication',
    title: 'More than one SPF record (permerror)',
    remediation: 'Merge the records into a single "v=spf1" TXT record (RFC 7208 §4.5: two records are a permerror).',
    references: [`${RFC7208}#section-4.5`],
  },
  SPF_SYNTAX_ERROR: {
    severity: 'error',
    area: 'sender_authentication',
    title: 'SPF record has a syntax error (permerror)',
    remediation: 'Fix or remove the invalid terms; receivers treat any syntax error as permerror (RFC 7208 §4.6).',
    references: [`${RFC7208}#section-4.6`, `${RFC7208}#section-12`],
  },
  SPF_TOO_MANY_LOOKUPS: {
    severity: 'error',
    area: 'sender_authentication',
    title: 'SPF needs more than 10 DNS lookups (permerror)',
    remediation:
      'Remove unused include: terms, replace a/mx/ptr with ip4:/ip6: ranges, or ask providers for a lighter include (RFC 7208 §4.6.4).',
    references: [`${RFC7208}#section-4.6.4`],
  },
  SPF_LOOKUPS_NEAR_LIMIT: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'SPF uses 9 or 10 of its 10 DNS lookups',
    remediation: 'One more include (or a provider adding one) will make SPF fail with permerror; trim lookups now.',
    references: [`${RFC7208}#section-4.6.4`],
  },
  SPF_TOO_MANY_VOID_LOOKUPS: {
    severity: 'error',
    area: 'sender_authentication',
    title: 'SPF has more than 2 lookups that return nothing (permerror)',
    remediation: 'Remove terms that point at names with no records (RFC 7208 §4.6.4 void lookup limit).',
    references: [`${RFC7208}#section-4.6.4`],
  },
  SPF_PERMISSIVE_ALL: {
    severity: 'error',
    area: 'sender_authentication',
    title: 'SPF ends in a permissive "all"',
    remediation:
      'End the record with "~all" (or "-all" once every sender is listed); "+all" authorises the whole internet and "?all" says nothing.',
    references: [`${RFC7208}#section-5.1`],
  },
  SPF_NO_ALL: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'SPF has no "all" and no redirect',
    remediation: 'Without "all" the default result is neutral (RFC 7208 §4.7); end the record with "~all" or "-all".',
    references: [`${RFC7208}#section-4.7`],
  },
  SPF_PTR_MECHANISM: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'SPF uses the deprecated "ptr" mechanism',
    remediation:
      'RFC 7208 §5.5 says "ptr" SHOULD NOT be used: it is slow, unreliable, and many receivers skip it. Replace it with ip4:/ip6: or a.',
    references: [`${RFC7208}#section-5.5`],
  },
  SPF_INCLUDE_NOT_FOUND: {
    severity: 'error',
    area: 'sender_authentication',
    title: 'An SPF include points at a name without an SPF record (permerror)',
    remediation:
      'Remove the include or fix its name; an include target with no SPF record is a permerror (RFC 7208 §5.2).',
    references: [`${RFC7208}#section-5.2`],
  },
  SPF_REDIRECT_IGNORED: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'SPF redirect= is ignored because the record has "all"',
    remediation:
      'RFC 7208 §6.1: redirect applies only when no mechanism matched; with "all" it never does. Remove one of them.',
    references: [`${RFC7208}#section-6.1`],
  },
  SPF_MACROS: {
    severity: 'info',
    area: 'sender_authentication',
    title: 'SPF uses macros',
    remediation: 'Terms with macros depend on the sender; their lookups are counted but not followed by this audit.',
    references: [`${RFC7208}#section-7`],
  },
  SPF_LOOKUP_FAILED: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'The SPF lookup did not complete (indeterminate)',
    remediation:
      'A timeout or server failure is not "no record": check the authoritative name servers and run the check again.',
    references: [`${RFC7208}#section-4.4`],
  },
  SPF_SENDER_NOT_AUTHORIZED: {
    severity: 'error',
    area: 'sender_authentication',
    title: 'A sending IP is not authorised by SPF',
    remediation: "Add the address (ip4:/ip6:) or the provider's include to the SPF record.",
    references: [`${RFC7208}#section-4`],
  },

  // ---- DMARC (RFC 9989, which obsoletes RFC 7489; external destinations per RFC 9990)
  DMARC_MISSING: {
    severity: 'error',
    area: 'sender_authentication',
    title: 'No DMARC record',
    remediation: 'Publish a TXT record at _dmarc.<domain>, starting with p=none and a rua= address, then tighten.',
    references: [`${RFC9989}#section-4.10.1`],
  },
  DMARC_MULTIPLE_RECORDS: {
    severity: 'error',
    area: 'sender_authentication',
    title: 'More than one DMARC record',
    remediation:
      'Receivers discard every record when _dmarc has several "v=DMARC1" records (RFC 9989 §4.10); keep one.',
    references: [`${RFC9989}#section-4.10`],
  },
  DMARC_SYNTAX_ERROR: {
    severity: 'error',
    area: 'sender_authentication',
    title: 'DMARC record has invalid tags',
    remediation:
      'Fix the tag values; an invalid p=, sp= or np= value makes receivers distrust the record (RFC 9989 §4.7).',
    references: [`${RFC9989}#section-4.7`],
  },
  DMARC_POLICY_NONE: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'DMARC policy is "none" (monitoring only)',
    remediation: 'Once reports show all legitimate mail passes, move to p=quarantine and then p=reject.',
    references: [`${RFC9989}#section-4.7`],
  },
  DMARC_REMOVED_TAG: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'DMARC record uses a tag RFC 9989 removed (pct, rf, ri)',
    remediation:
      'Drop rf= and ri=; replace pct=0 with t=y and drop any other pct= (RFC 9989 receivers ignore it, RFC 7489 receivers still sample).',
    references: [`${RFC9989}#section-4.7`, `${RFC9989}#appendix-C`],
  },
  DMARC_TESTING_MODE: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'DMARC policy is in testing mode (t=y)',
    remediation: 'Receivers apply the next lower policy while t=y; remove t=y once reports show your mail aligned.',
    references: [`${RFC9989}#section-4.7`],
  },
  DMARC_NO_REPORTING: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'DMARC asks for no aggregate reports (no rua=)',
    remediation: 'Add rua=mailto:... so you see who sends as your domain.',
    references: [`${RFC9989}#section-4.7`, RFC9990],
  },
  DMARC_EXTERNAL_REPORTING_UNAUTHORIZED: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'A report address in another domain has not authorised the reports',
    remediation:
      'The report receiver must publish "v=DMARC1" at <domain>._report._dmarc.<their domain> (RFC 9990 §3), or reports are not sent.',
    references: [`${RFC9990}#section-3`],
  },
  DMARC_SUBDOMAIN_POLICY_WEAKER: {
    severity: 'info',
    area: 'sender_authentication',
    title: 'DMARC subdomain policy (sp=) is weaker than p=',
    remediation:
      'Spoofed subdomains get the weaker sp= policy; set sp= equal to p= unless subdomains are still being migrated.',
    references: [`${RFC9989}#section-4.7`],
  },
  DMARC_INHERITED: {
    severity: 'info',
    area: 'sender_authentication',
    title: 'DMARC policy comes from the organizational domain',
    remediation:
      "The domain has no _dmarc record; receivers apply the organizational domain's record (sp=, or np= if the domain does not exist).",
    references: [`${RFC9989}#section-4.10.1`],
  },
  DMARC_PSD_POLICY: {
    severity: 'info',
    area: 'sender_authentication',
    title: 'DMARC policy comes from a public suffix domain (psd=y)',
    remediation: 'Neither the domain nor its organizational domain publishes DMARC; publish your own policy.',
    references: [`${RFC9989}#section-4.10.1`, `${RFC9989}#section-4.10.2`],
  },
  DMARC_ORG_DOMAIN_DIFFERS_FROM_PSL: {
    severity: 'info',
    area: 'sender_authentication',
    title: 'RFC 9989 and RFC 7489 receivers see different organizational domains',
    remediation:
      'The DNS tree walk and the Public Suffix List disagree; publish psd=n at the intended organizational domain, or a record at the domain itself.',
    references: [`${RFC9989}#section-4.10.2`, `${RFC7489}#section-3.2`],
  },
  DMARC_LOOKUP_FAILED: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'The DMARC lookup did not complete (indeterminate)',
    remediation: 'A timeout or server failure is not "no record": check the name servers and run the check again.',

    references: ['https://www.rfc-editor.org/rfc/rfc7489#section-6.6.3'],
  },

  // ---- DKIM (RFC 6376, RFC 8301, RFC 8463)
  DKIM_NO_SELECTOR_FOUND: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'No DKIM key found at the selectors tried',
    remediation:
      'DKIM selectors cannot be listed from DNS: this does not prove DKIM is absent. Pass your selector (dkimSelectors), or read it from the s= tag of a DKIM-Signature header.',
    references: [`${RFC6376}#section-3.6.2.1`],
  },
  DKIM_SELECTOR_NOT_FOUND: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'A DKIM selector you named has no key record',
    remediation: 'Publish the key at <selector>._domainkey.<domain> or fix the selector name.',
    references: [`${RFC6376}#section-3.6.2.1`],
  },
  DKIM_KEY_INVALID: {
    severity: 'error',
    area: 'sender_authentication',
    title: 'A DKIM key record is invalid',
    remediation:
      'Republish the key record as your signing software prints it: "v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo>".',
    references: [`${RFC6376}#section-3.6.1`],
  },
  DKIM_KEY_WEAK: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'A DKIM RSA key is shorter than recommended',
    remediation: 'RFC 8301 §3.2: verifiers must reject RSA keys below 1024 bits; use 2048 bits.',
    references: ['https://www.rfc-editor.org/rfc/rfc8301#section-3.2'],
  },
  DKIM_KEY_REVOKED: {
    severity: 'info',
    area: 'sender_authentication',
    title: 'A DKIM key is revoked (empty p=)',
    remediation:
      'Signatures with this selector fail (RFC 6376 §3.6.1). Fine for a retired selector; make sure you no longer sign with it.',
    references: [`${RFC6376}#section-3.6.1`],
  },
  DKIM_TESTING_MODE: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'A DKIM key is in testing mode (t=y)',
    remediation:
      'Verifiers may treat signatures as unsigned while t=y is set (RFC 6376 §3.6.1); remove the flag once signing works.',
    references: [`${RFC6376}#section-3.6.1`],
  },
  DKIM_LOOKUP_FAILED: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'A DKIM key lookup did not complete (indeterminate)',
    remediation: 'A timeout or server failure is not "no key": run the check again.',

    references: ['https://www.rfc-editor.org/rfc/rfc6376#section-6.1.2'],
  },

  // ---- Reverse DNS
  PTR_MISSING: {
    severity: 'error',
    area: 'reputation',
    title: 'A mail server address has no reverse DNS (PTR)',
    remediation:
      'Ask the owner of the address block (your hosting provider) to set a PTR record naming the server; many receivers reject mail from addresses without one.',
    references: ['https://www.rfc-editor.org/rfc/rfc1912#section-2.1'],
  },
  PTR_MISMATCH: {
    severity: 'error',
    area: 'reputation',
    title: 'Reverse DNS is not forward-confirmed (FCrDNS)',
    remediation:
      'The PTR name must resolve back to the same address: add an A/AAAA record for the PTR name or change the PTR.',
    references: ['https://www.rfc-editor.org/rfc/rfc8601#section-3'],
  },
  PTR_LOOKUP_FAILED: {
    severity: 'warning',
    area: 'reputation',
    title: 'A reverse DNS lookup did not complete (indeterminate)',
    remediation: "Run the check again; the reverse zone's name servers did not answer.",

    references: ['https://www.rfc-editor.org/rfc/rfc1912#section-2.1'],
  },

  // ---- DNS blocklists (RFC 5782)
  DNSBL_LISTED: {
    severity: 'error',
    area: 'reputation',
    title: 'Listed on a DNS blocklist',
    remediation:
      "Find and stop the cause (compromised account, open relay, bad list hygiene), then request delisting at the list's site.",
    references: ['https://www.rfc-editor.org/rfc/rfc5782'],
  },
  DNSBL_QUERY_REFUSED: {
    severity: 'info',
    area: 'reputation',
    title: 'A blocklist refused to answer our resolver',
    remediation:
      'The list returned an error code (127.255.255.x) meaning the query was blocked (e.g. sent through a public resolver): this is not a listing. Configure DNS_SERVERS with a resolver the list accepts.',
    references: ['https://www.spamhaus.org/faqs/dnsbl-usage/'],
  },

  // ---- Transport security
  MTA_STS_MISSING: {
    severity: 'info',
    area: 'transport_security',
    title: 'No MTA-STS policy',
    remediation:
      'MTA-STS (RFC 8461) makes senders require TLS to your MX. Publish _mta-sts TXT and https://mta-sts.<domain>/.well-known/mta-sts.txt.',
    references: [RFC8461],
  },
  MTA_STS_INVALID: {
    severity: 'error',
    area: 'transport_security',
    title: 'MTA-STS is published but broken',
    remediation:
      'Fix the TXT record or the policy file so they parse (RFC 8461 §3.1, §3.2) and are served over valid HTTPS.',
    references: [`${RFC8461}#section-3`],
  },
  MTA_STS_MX_MISMATCH: {
    severity: 'error',
    area: 'transport_security',
    title: 'An MX host does not match the MTA-STS policy',
    remediation:
      'Senders enforcing the policy will not deliver to MX hosts outside its "mx:" lines; add the host to the policy.',
    references: [`${RFC8461}#section-4.1`],
  },
  MTA_STS_TESTING: {
    severity: 'info',
    area: 'transport_security',
    title: 'MTA-STS is in testing mode',
    remediation: 'Failures are only reported (TLS-RPT), not enforced; switch to mode: enforce when reports are clean.',
    references: [`${RFC8461}#section-5`],
  },
  MTA_STS_CERT_EXPIRING: {
    severity: 'warning',
    area: 'transport_security',
    title: 'The certificate of the MTA-STS policy host expires soon',
    remediation:
      'Renew the certificate of mta-sts.<domain> before it expires. Senders fetch the policy over HTTPS with certificate checks (RFC 8461 §3.3); once it has expired they cannot refresh the policy, and their cached copy runs out after max_age.',
    references: [`${RFC8461}#section-3.3`],
  },
  MTA_STS_MAX_AGE_SHORT: {
    severity: 'warning',
    area: 'transport_security',
    title: 'The MTA-STS policy max_age is very short',
    remediation:
      'Senders cache the policy for max_age seconds; a short max_age lets an attacker who blocks the policy fetch strip TLS as soon as caches expire. RFC 8461 §3.2 expects weeks or more: use max_age: 604800 (a week) or up to 31557600 once in enforce mode.',
    references: [`${RFC8461}#section-3.2`, `${RFC8461}#section-10.3`],
  },
  MTA_STS_LOOKUP_FAILED: {
    severity: 'warning',
    area: 'transport_security',
    title: 'The MTA-STS lookup did not complete (indeterminate)',
    remediation: 'Run the check again.',

    references: ['https://www.rfc-editor.org/rfc/rfc8461#section-3.1'],
  },
  TLSRPT_MISSING: {
    severity: 'info',
    area: 'transport_security',
    title: 'No TLS-RPT record',
    remediation: 'Publish _smtp._tls TXT "v=TLSRPTv1; rua=mailto:..." to receive reports of TLS failures (RFC 8460).',
    references: ['https://www.rfc-editor.org/rfc/rfc8460#section-3'],
  },
  TLSRPT_INVALID: {
    severity: 'warning',
    area: 'transport_security',
    title: 'The TLS-RPT record is invalid',
    remediation: 'Use "v=TLSRPTv1; rua=mailto:tlsrpt@example.com" (RFC 8460 §3).',
    references: ['https://www.rfc-editor.org/rfc/rfc8460#section-3'],
  },
  DANE_TLSA_INVALID: {
    severity: 'error',
    area: 'transport_security',
    title: 'A DANE TLSA record is invalid',
    remediation:
      'Use usage 2 or 3, selector 0 or 1, matching type 1 or 2 with a digest of the right length (RFC 7672 §3.1).',
    references: ['https://www.rfc-editor.org/rfc/rfc7672#section-3.1'],
  },
  DANE_WITHOUT_DNSSEC: {
    severity: 'warning',
    area: 'transport_security',
    title: 'TLSA records are published but not DNSSEC-validated',
    remediation: 'DANE only works for DNSSEC-signed zones (RFC 7672 §2.2); sign the zone or remove the TLSA records.',
    references: ['https://www.rfc-editor.org/rfc/rfc7672#section-2.2'],
  },
  DNSSEC_UNSIGNED: {
    severity: 'info',
    area: 'transport_security',
    title: 'The domain is not DNSSEC-validated',
    remediation:
      'Answers are not authenticated (no AD flag from the resolver); sign the zone at your DNS host to enable DANE and protect MX/SPF answers.',
    references: ['https://www.rfc-editor.org/rfc/rfc4035#section-3.2.3'],
  },
  DNSSEC_SIGNATURE_EXPIRING: {
    severity: 'warning',
    area: 'mail_routing',
    title: 'A DNSSEC signature of the zone expires soon',
    remediation:
      "Re-sign the zone before the RRSIG expiration (check that the signer runs: BIND dnssec-policy / inline-signing, OpenDNSSEC, PowerDNS, or your DNS host's automatic signing; KSK-signed DNSKEY sets signed by hand expire too). After expiry, validating resolvers answer SERVFAIL and mail to the domain stops for their users.",
    references: [
      'https://www.rfc-editor.org/rfc/rfc4034#section-3.1.5',
      'https://www.rfc-editor.org/rfc/rfc4035#section-5.3.1',
    ],
  },
  DNSSEC_SIGNATURE_EXPIRED: {
    severity: 'error',
    area: 'mail_routing',
    title: 'A DNSSEC signature of the zone has expired',
    remediation:
      'Re-sign the zone now (or, if signing cannot be restored quickly, remove the DS record at the parent so resolvers stop validating). Validating resolvers treat expired signatures as bogus and answer SERVFAIL.',
    references: [
      'https://www.rfc-editor.org/rfc/rfc4035#section-5.3.1',
      'https://www.rfc-editor.org/rfc/rfc4034#section-3.1.5',
    ],
  },

  // ---- BIMI
  BIMI_MISSING: {
    severity: 'info',
    area: 'sender_authentication',
    title: 'No BIMI record',
    remediation:
      'Optional: publish default._bimi TXT "v=BIMI1; l=https://.../logo.svg" once DMARC is at quarantine or reject.',

    references: ['https://datatracker.ietf.org/doc/draft-brand-indicators-for-message-identification/'],
  },
  BIMI_INVALID: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'The BIMI record is invalid',
    remediation:
      'Use "v=BIMI1; l=<https URL of an SVG Tiny PS logo>; a=<https URL of a VMC>" (draft-brand-indicators-for-message-identification).',

    references: ['https://datatracker.ietf.org/doc/draft-brand-indicators-for-message-identification/'],
  },
  BIMI_DMARC_TOO_WEAK: {
    severity: 'warning',
    area: 'sender_authentication',
    title: 'DMARC is too weak for BIMI',
    remediation: 'BIMI requires DMARC p=quarantine or p=reject at pct=100 for the domain.',

    references: ['https://datatracker.ietf.org/doc/draft-brand-indicators-for-message-identification/'],
  },
  BIMI_NO_AUTHORITY: {
    severity: 'info',
    area: 'sender_authentication',
    title: 'BIMI record has no certificate (a=)',
    remediation:
      'Large mailbox providers show logos only with a Verified Mark Certificate or Common Mark Certificate in a=.',

    references: ['https://datatracker.ietf.org/doc/draft-brand-indicators-for-message-identification/'],
  },
});

export type DnsFindingCode = keyof typeof DNS_FINDINGS;

/** Standard form of a suggested record inside a remediation; tests parse it back out. */
export function suggestTxt(owner: string, text: string): string {
  // A character-string holds at most 255 octets (RFC 1035 §3.3); longer text is split, and SPF/DKIM
  // verifiers join the strings without spaces (RFC 7208 §3.3, RFC 6376 §3.6.2.2).
  const chunks = text.match(/[\s\S]{1,255}/g) ?? [''];
  return `${owner.replace(/\.$/, '')}. IN TXT ${chunks.map((c) => `"${c}"`).join(' ')}`;
}

/** Reads back the record text of suggestTxt (for tests and for the CLI's "copy" helper). */
export function parseSuggestedTxt(remediation: string): string | null {
  const m = /IN TXT ((?:"[^"]*"\s*)+)/.exec(remediation);
  if (!m) return null;
  return [...m[1]!.matchAll(/"([^"]*)"/g)].map((x) => x[1]).join('');
}
