import { linearRegex } from '../../common/text/linear-regex';
import providerData from '../data/mail-providers.v1.json';
import { isIpv4, isPrivateIpv4, isSmtpHop, receivedHops, type ReceivedHop } from '../analysis/received.analysis';
import { registrableDomain } from '../analysis/url.analysis';
import { h, type ContentRule, type MessageFacts } from './rule.types';

/**
 * The Received chain (RFC 5321 §4.4): what each receiving MTA recorded about the client that
 * handed it the message. Only hops over SMTP count (webmail "with HTTP", local delivery and
 * POP/IMAP fetches are the user's own software); authenticated submissions (ESMTPA/ESMTPSA,
 * RFC 3848) are skipped too. A message composed for a pre-send check has no Received fields, so
 * these rules only speak about mail that has already travelled.
 */
const FAKE_HELO = new Set([...providerData.providers, ...providerData.placeholders].map((d) => d.toLowerCase()));
/**
 * Residential/DHCP naming (SpamAssassin 20_fake_helo_tests.cf __HELO_DYNAMIC_DHCP): a pool keyword
 * followed by digit groups, as in cm-104-67.cable.example or dsl-10-2.example. A keyword without
 * digit groups ("pop.cable.example.com") is a static host.
 */
// Linear-time engine: as a backtracking search this is cubic on a long name of "-cm-" and digits.
const DYNAMIC = linearRegex(
  /(?:^|[.-])(?:cm|catv|docsis|cable|dsl|adsl|dhcp|cpe|node|ppp|pppoe|dialup|dial|dyn|dynamic|pool)[a-z]*\d*[.-]\S*?\d+[^\d\s]+\d+/i,
);

function smtpHops(f: MessageFacts): ReceivedHop[] {
  return receivedHops(h(f, 'received')).filter((x) => isSmtpHop(x) && !x.authenticated);
}

const show = (x: ReceivedHop) => x.raw.slice(0, 160);

export const RECEIVED_RULES: ContentRule[] = [
  {
    code: 'RCVD_NUMERIC_HELO',
    area: 'structure',
    points: 1.2,
    severity: 'warning',
    title:
      'A relay greeted with a bare IP address instead of a host name (SpamAssassin RCVD_NUMERIC_HELO, RCVD_DOUBLE_IP_SPAM)',
    remediation:
      "RFC 5321 §4.1.1.1 wants the client's host name in HELO/EHLO, or an address literal in brackets ([192.0.2.1], §4.1.3); a bare IP is typical of spam bots. Give the sending host a name.",
    references: ['https://www.rfc-editor.org/rfc/rfc5321#section-4.1.3'],
    test: (f) => {
      const hit = smtpHops(f).find((x) => isIpv4(x.helo));
      if (!hit) return null;
      // "from 192.0.2.1 by 198.51.100.7" (both sides bare IPs) is a bulk tool's fingerprint.
      const double = isIpv4(hit.by);
      return {
        detail: `${double ? 'HELO and receiving host are both bare IPs' : 'Bare IP HELO'}: "${show(hit)}".`,
        points: double ? 2.0 : 1.2,
      };
    },
  },
  {
    code: 'RCVD_FORGED_HELO',
    area: 'structure',
    points: 2.0,
    severity: 'error',
    title:
      "A relay greeted as a big mail provider's bare domain from another network (SpamAssassin RCVD_FAKE_HELO_DOTCOM)",
    remediation:
      'Provider servers greet with full host names; a HELO of just "yahoo.com" from an address whose reverse DNS is elsewhere is forged. Greet with your own host name.',
    references: ['https://www.rfc-editor.org/rfc/rfc5321#section-4.1.1.1'],
    test: (f) => {
      const hit = smtpHops(f).find(
        (x) =>
          x.helo &&
          FAKE_HELO.has(x.helo) &&
          x.rdns !== undefined &&
          (x.rdns === 'unknown' || registrableDomain(x.rdns) !== registrableDomain(x.helo)),
      );
      return hit ? { detail: `HELO ${hit.helo} from ${hit.rdns} [${hit.ip ?? '?'}].` } : null;
    },
  },
  {
    code: 'RCVD_NO_RDNS',
    area: 'structure',
    points: 1.0,
    severity: 'warning',
    title: 'A relay on a public IP had no reverse DNS (SpamAssassin RDNS_NONE)',
    remediation:
      'The receiving MTA logged "unknown": the client IP has no PTR record. Gmail and others reject or junk such senders; ask the IP\'s owner for a PTR that resolves back (FCrDNS).',
    references: ['https://www.rfc-editor.org/rfc/rfc8601#section-3'],
    test: (f) => {
      const hit = smtpHops(f).find(
        (x) => x.rdns === 'unknown' && x.ip !== undefined && isIpv4(x.ip) && !isPrivateIpv4(x.ip),
      );
      return hit ? { detail: `No reverse DNS for ${hit.ip}: "${show(hit)}".` } : null;
    },
  },
  {
    code: 'RCVD_DYNAMIC_HELO',
    area: 'structure',
    points: 1.0,
    severity: 'warning',
    title: 'A relay greeted with a residential/dynamic host name (SpamAssassin HELO_DYNAMIC_*)',
    remediation:
      "Mail sent straight from cable/DSL/dial-up address pools is what botnets do; send through your provider's submission server (port 587) instead.",
    references: ['https://spamassassin.apache.org/old/tests_3_3_x.html'],
    test: (f) => {
      const hit = smtpHops(f).find((x) => x.helo && !isIpv4(x.helo) && DYNAMIC.test(x.helo));
      return hit ? { detail: `HELO ${hit.helo}: "${show(hit)}".` } : null;
    },
  },
];
