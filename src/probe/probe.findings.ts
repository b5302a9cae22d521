import { defineFindings } from '../common/finding';

const RFC5321 = 'https://www.rfc-editor.org/rfc/rfc5321';
const RFC3463 = 'https://www.rfc-editor.org/rfc/rfc3463';
const RFC3207 = 'https://www.rfc-editor.org/rfc/rfc3207';
const RFC4954 = 'https://www.rfc-editor.org/rfc/rfc4954';
const RFC8314 = 'https://www.rfc-editor.org/rfc/rfc8314';
const RFC8996 = 'https://www.rfc-editor.org/rfc/rfc8996';

/**
 * The probe's catalog. Each entry's remediation speaks to the person who runs the mail server
 * (or who sends to it); the finding's `detail` adds what this server actually said.
 */
export const PROBE_FINDINGS = defineFindings('probe', {
  // --- recipients and mailboxes (RFC 3463 §3.2, §3.3) ---
  SMTP_RECIPIENT_UNKNOWN: {
    severity: 'error',
    area: 'server_behaviour',
    title: 'The server says the recipient does not exist',
    remediation:
      'Check the address for typos. If it should exist, create the mailbox or alias on the receiving server, or fix its recipient map / directory lookup.',
    references: [`${RFC3463}#section-3.2`],
  },
  SMTP_MAILBOX_FULL: {
    severity: 'warning',
    area: 'server_behaviour',
    title: "The recipient's mailbox is full (over quota)",
    remediation:
      'The recipient must delete mail or get a larger quota; senders will retry a 452 for a while, a 552 bounces.',
    references: [`${RFC3463}#section-3.3`],
  },
  SMTP_MAILBOX_UNAVAILABLE: {
    severity: 'error',
    area: 'server_behaviour',
    title: 'The mailbox is unavailable',
    remediation:
      "The server refused the mailbox without saying exactly why (disabled, locked, or a policy). Ask the receiving server's administrator what the reply text means.",
    references: [`${RFC5321}#section-4.2.3`],
  },
  SMTP_SENDER_REJECTED: {
    severity: 'error',
    area: 'server_behaviour',
    title: 'The server rejected the envelope sender (MAIL FROM)',
    remediation:
      'The sender address or its domain is refused: make sure the sender domain exists and has MX or A records, and that the address is allowed on this server.',
    references: [`${RFC3463}#section-3.2`],
  },
  // --- protocol ---
  SMTP_SYNTAX_ERROR: {
    severity: 'error',
    area: 'server_behaviour',
    title: 'The server rejected a command as a syntax or parameter error',
    remediation:
      'A 500/501/5.5.x reply means the command or its parameters were not accepted (for example a malformed address or an unsupported ESMTP parameter). Check the addresses and the HELO name given to the probe.',
    references: [`${RFC5321}#section-4.2.2`],
  },
  SMTP_PROTOCOL_VIOLATION: {
    severity: 'error',
    area: 'server_behaviour',
    title: "The server's replies break the SMTP protocol",
    remediation:
      'Something on the path answers with non-SMTP data, oversized or malformed replies. Check for a proxy, firewall "SMTP fixup" or a non-mail service on this port.',
    references: [`${RFC5321}#section-4.2`],
  },
  // --- authentication (RFC 4954) ---
  SMTP_AUTH_FAILED: {
    severity: 'error',
    area: 'server_behaviour',
    title: 'Authentication failed: the credentials were refused',
    remediation:
      'Check the user name and password. Many providers require an app password or OAuth instead of the account password, or SMTP AUTH to be enabled for the mailbox.',
    references: [`${RFC4954}#section-6`],
  },
  SMTP_AUTH_NOT_OFFERED: {
    severity: 'error',
    area: 'server_behaviour',
    title: 'The server does not offer authentication here',
    remediation:
      'Authenticated submission normally lives on port 587 (STARTTLS) or 465 (implicit TLS), not on port 25. Use the submission port, or enable SASL authentication on this listener.',
    references: [RFC4954, RFC8314],
  },
  SMTP_AUTH_BEFORE_TLS: {
    severity: 'warning',
    area: 'transport_security',
    title: 'Authentication is offered before TLS',
    remediation:
      'Passwords could be sent in clear text. Offer AUTH only after STARTTLS (Postfix: smtpd_tls_auth_only = yes; Exim: auth_advertise_hosts = ${if eq{$tls_in_cipher}{}{}{*}}).',
    references: [`${RFC4954}#section-4`, `${RFC8314}#section-3`],
  },
  SMTP_AUTH_REQUIRED: {
    severity: 'error',
    area: 'server_behaviour',
    title: 'The server requires authentication for this',
    remediation:
      'The server only accepts this from authenticated clients. Give credentials (auth) when you probe a submission server, or probe the MX on port 25 for inbound mail.',
    references: [`${RFC4954}#section-6`],
  },
  SMTP_TLS_REQUIRED: {
    severity: 'error',
    area: 'transport_security',
    title: 'The server requires TLS before this command',
    remediation:
      'Issue STARTTLS first. If STARTTLS is not advertised at all, the server is misconfigured: it demands TLS it does not offer.',
    references: [RFC3207],
  },
  // --- connection ---
  SMTP_CONNECTION_REFUSED: {
    severity: 'error',
    area: 'mail_routing',
    title: 'The connection was refused (nothing listens on this port)',
    remediation:
      'Start the mail server or make it listen on this address and port (Postfix: inet_interfaces / master.cf; Exim: daemon_smtp_ports), and check that no firewall sends TCP resets.',
    references: [`${RFC5321}#section-3.1`],
  },
  SMTP_CONNECT_TIMEOUT: {
    severity: 'error',
    area: 'mail_routing',
    title: 'The connection timed out: likely a firewall or a blocked port',
    remediation:
      'No answer at all usually means a firewall drops the packets, or the hosting provider blocks the port (many block outbound or inbound port 25). Open the port in the firewall and ask the provider to unblock it.',

    references: ['https://www.rfc-editor.org/rfc/rfc5321#section-4.5.3.2'],
  },
  SMTP_CONNECTION_DROPPED: {
    severity: 'error',
    area: 'server_behaviour',
    title: 'The server closed the connection in the middle of the dialogue',
    remediation:
      'The server (or something in front of it) hung up. Check its logs at the time of the probe for a crash, a resource limit, or a policy that disconnects clients (for example 421 4.4.2 or postscreen).',
    references: [`${RFC5321}#section-3.8`],
  },
  SMTP_COMMAND_TIMEOUT: {
    severity: 'error',
    area: 'server_behaviour',
    title: 'The server stopped answering a command',
    remediation:
      'The server accepted the connection but did not reply to a command within the time bound. It may be overloaded, stuck on a slow DNS or policy lookup, or tarpitting the client.',
    references: [`${RFC5321}#section-4.5.3.2`],
  },
  SMTP_BANNER_TIMEOUT: {
    severity: 'error',
    area: 'mail_routing',
    title: 'The server accepted the connection but sent no greeting (tarpit)',
    remediation:
      "No 220 banner arrived in time. A tarpit or a deliberate greet pause (postscreen) delays the banner; a hung server sends none. Check the server's load and its greeting delay settings.",
    references: [`${RFC5321}#section-4.5.3.2.1`],
  },
  SMTP_BANNER_REJECTED: {
    severity: 'error',
    area: 'reputation',
    title: 'The server refused the session at connect (554 banner)',
    remediation:
      'A 554 greeting means "no SMTP service here" for this client (RFC 5321 §3.1), usually because the client\'s IP address is blocked. Read the reply text for the block list or policy named.',
    references: [`${RFC5321}#section-3.1`],
  },
  SMTP_SERVICE_UNAVAILABLE: {
    severity: 'error',
    area: 'server_behaviour',
    title: 'The server says the service is temporarily unavailable (421)',
    remediation:
      'The server is shutting down, overloaded or in maintenance. Try again later; if it persists, check the server.',
    references: [`${RFC5321}#section-3.8`],
  },
  SMTP_TOO_MANY_CONNECTIONS: {
    severity: 'warning',
    area: 'server_behaviour',
    title: 'The server limits connections or rate from this client',
    remediation:
      'The server throttles (421 4.4.5, 4.7.0 rate limits). Senders retry later; if legitimate mail is slowed, raise the per-client connection or rate limits (Postfix: smtpd_client_connection_count_limit / anvil).',
    references: [`${RFC3463}#section-3.5`],
  },
  SMTP_GREYLISTED: {
    severity: 'info',
    area: 'server_behaviour',
    title: 'Greylisted: the server asks first-time senders to retry later',
    remediation:
      'Normal behaviour of greylisting: a real MTA retries and gets through after a few minutes. If mail is delayed too long, whitelist the sending servers or shorten the greylisting delay.',

    references: ['https://www.rfc-editor.org/rfc/rfc6647'],
  },
  SMTP_SPAM_REJECTED: {
    severity: 'error',
    area: 'reputation',
    title: 'Rejected as spam or by reputation (block list, policy)',
    remediation:
      'The receiving server blocks this sender or IP address for reputation. Check the sending IP on the block lists named in the reply, request delisting, and make sure SPF, DKIM, DMARC and reverse DNS are correct.',
    references: [`${RFC3463}#section-3.8`],
  },
  SMTP_RELAY_DENIED: {
    severity: 'error',
    area: 'server_behaviour',
    title: 'Relaying denied: this server does not accept mail for that domain',
    remediation:
      "The server is not a destination for the recipient's domain and will not relay for unauthenticated clients. Send to the domain's own MX, or authenticate on the submission port to relay.",
    references: [`${RFC5321}#section-3.6.2`],
  },
  SMTP_OPEN_RELAY: {
    severity: 'critical',
    area: 'server_behaviour',
    title: 'Open relay: the server accepts mail for outside domains from anyone',
    remediation:
      'Spammers will abuse it within hours and your IP will be block-listed. Only accept mail for your own domains or from authenticated users (Postfix: smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination; Exchange: remove "Anonymous users" from the receive connector\'s relay permission).',
    references: [`${RFC5321}#section-7.1`, 'https://www.rfc-editor.org/rfc/rfc2505'],
  },
  SMTP_SLOW_RESPONSE: {
    severity: 'warning',
    area: 'server_behaviour',
    title: 'The server answers slowly',
    remediation:
      'Replies took longer than expected. Slow greetings are often deliberate (postscreen greet pause, tarpitting); slow replies to RCPT usually come from slow DNS, block-list or policy lookups on the server.',
    references: [`${RFC5321}#section-4.5.3.2`],
  },
  SMTP_BANNER_HOSTNAME_MISMATCH: {
    severity: 'info',
    area: 'server_behaviour',
    title: 'The greeting host name does not match the reverse DNS',
    remediation:
      "Make the name in the 220 banner (Postfix: myhostname; Exim: smtp_active_hostname) the same as the PTR record of the server's IP, and make that name resolve back to the IP (forward-confirmed reverse DNS).",
    references: [`${RFC5321}#section-4.3.1`],
  },
  SMTP_ESMTP_NOT_SUPPORTED: {
    severity: 'warning',
    area: 'server_behaviour',
    title: 'The server does not support EHLO (ESMTP)',
    remediation:
      'Without EHLO there is no STARTTLS, SIZE, 8BITMIME or AUTH. Use a mail server that supports ESMTP (RFC 5321).',
    references: [`${RFC5321}#section-4.1.1.1`],
  },
  SMTP_SOFTWARE_ANNOUNCED: {
    severity: 'info',
    area: 'server_behaviour',
    title: 'The server announces its software',
    remediation:
      'Optional: a banner without product and version gives attackers less to go on (Postfix: smtpd_banner = $myhostname ESMTP; Exim: smtp_banner; Sendmail: SmtpGreetingMessage).',
    references: [`${RFC5321}#section-4.3.1`],
  },
  SMTP_SOFTWARE_VULNERABLE: {
    severity: 'warning',
    area: 'server_behaviour',
    title: 'The announced MTA version has known remotely exploitable flaws',
    remediation:
      'Upgrade the MTA to a fixed release (or confirm that your distribution package carries the fixes) and keep it updated; then hide the version from the banner.',
    references: ['https://nvd.nist.gov/'],
  },
  // --- TLS ---
  TLS_NOT_OFFERED: {
    severity: 'warning',
    area: 'transport_security',
    title: 'STARTTLS is not offered: mail to this server travels unencrypted',
    remediation:
      'Enable STARTTLS with a valid certificate (Postfix: smtpd_tls_cert_file, smtpd_tls_key_file, smtpd_tls_security_level = may).',
    references: [RFC3207],
  },
  TLS_HANDSHAKE_FAILED: {
    severity: 'error',
    area: 'transport_security',
    title: 'The TLS handshake failed',
    remediation:
      'The server offers TLS but the handshake did not complete: check the certificate and key files are readable and match, the enabled protocols and ciphers, and the server logs at the time of the probe.',
    references: [RFC3207],
  },
  TLS_CERT_EXPIRED: {
    severity: 'error',
    area: 'transport_security',
    title: 'The TLS certificate has expired (or is not valid yet)',
    remediation: 'Renew the certificate (for example with certbot) and reload the mail server so it uses the new file.',
    references: ['https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5'],
  },
  TLS_CERT_EXPIRING_SOON: {
    severity: 'warning',
    area: 'transport_security',
    title: 'The TLS certificate expires soon',
    remediation:
      'Renew the certificate before it expires (certbot renews 30 days ahead when its timer runs) and reload the mail server; after expiry, senders that verify certificates (MTA-STS, DANE, submission clients) will fail.',
    references: ['https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5'],
  },
  TLS_CERT_UNTRUSTED: {
    severity: 'warning',
    area: 'transport_security',
    title: 'The TLS certificate is not signed by a trusted authority',
    remediation:
      "Use a certificate from a public CA (Let's Encrypt is free) and serve the full chain (Postfix: smtpd_tls_chain_files or a fullchain.pem in smtpd_tls_cert_file).",

    references: ['https://www.rfc-editor.org/rfc/rfc5280#section-6'],
  },
  TLS_CERT_HOSTNAME_MISMATCH: {
    severity: 'warning',
    area: 'transport_security',
    title: 'The TLS certificate does not name this host',
    remediation: 'Get a certificate whose Subject Alternative Names include the MX host name senders connect to.',
    references: ['https://www.rfc-editor.org/rfc/rfc6125'],
  },
  TLS_PROTOCOL_OUTDATED: {
    severity: 'warning',
    area: 'transport_security',
    title: 'The server negotiates an outdated TLS version (TLS 1.0/1.1)',
    remediation:
      'TLS 1.0 and 1.1 are deprecated (RFC 8996). Enable TLS 1.2 and 1.3 (Postfix: smtpd_tls_protocols = >=TLSv1.2 for submission; keep the MX lenient only if needed).',
    references: [RFC8996],
  },
  TLS_WEAK_KEY: {
    severity: 'warning',
    area: 'transport_security',
    title: "The certificate's key is too small",
    remediation: 'Use an RSA key of at least 2048 bits or an ECDSA P-256 key.',

    references: ['https://www.rfc-editor.org/rfc/rfc9325'],
  },
  // --- targets and safety ---
  TARGET_NOT_ALLOWED: {
    severity: 'error',
    area: 'server_behaviour',
    title: 'The target address is not allowed for probing',
    remediation:
      'The probe only connects to public internet addresses and allowed ports. An operator can allow a private range with PROBE_ALLOWED_CIDRS or a port with PROBE_ALLOWED_PORTS.',

    references: [
      'https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html',
    ],
  },
  SMTP_HOST_UNRESOLVABLE: {
    severity: 'error',
    area: 'mail_routing',
    title: 'The mail host name has no address',
    remediation: 'Add an A (and/or AAAA) record for the host, or correct the host name.',

    references: ['https://www.rfc-editor.org/rfc/rfc5321#section-5.1'],
  },
  SMTP_DNS_FAILED: {
    severity: 'warning',
    area: 'mail_routing',
    title: "The host's address lookup did not complete",
    remediation:
      "The result is indeterminate: the name servers did not answer (timeout or SERVFAIL). Check the domain's DNS, then run the probe again.",

    references: ['https://www.rfc-editor.org/rfc/rfc5321#section-5.1'],
  },
  SMTP_PROBE_LIMITED: {
    severity: 'warning',
    area: 'server_behaviour',
    title: 'The probe was not run: too many recent probes to this server',
    remediation: 'smtp-doctor limits how often it connects to one server. Run the check again in a moment.',

    references: ['https://www.rfc-editor.org/rfc/rfc5321#section-4.5.4.1'],
  },
});

export type ProbeFindingCode = keyof typeof PROBE_FINDINGS;
