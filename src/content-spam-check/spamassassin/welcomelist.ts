/**
 * SpamAssassin's welcome-list tests on a message (Mail::SpamAssassin::Plugin::WLBLEval, 4.0.1):
 * check_from_in_welcomelist (rule USER_IN_WELCOMELIST, -100),
 * check_from_in_default_welcomelist (USER_IN_DEF_WELCOMELIST, -15) and check_from_in_blocklist
 * (USER_IN_BLOCKLIST, +100) of 60_welcomelist.cf, and on the recipients PerMsgStatus::all_to_addrs
 * gathers check_to_in_welcomelist (USER_IN_WELCOMELIST_TO, -6), check_to_in_more_spam
 * (USER_IN_MORE_SPAM_TO, -20), check_to_in_all_spam (USER_IN_ALL_SPAM_TO, -100) and
 * check_to_in_blocklist (USER_IN_BLOCKLIST_TO, +10); the From-side ones on the
 * From-side addresses PerMsgStatus::all_from_addrs gathers and the relays of the X-Spam-Relays-*
 * pseudo-headers (sa-message.ts). The lists come from a recipient's prefs (welcomelist-prefs.ts):
 * without them nothing here fires. Pure.
 */
import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';
import addressparser from 'nodemailer/lib/addressparser';
import type { SaMessage } from './sa-types';
import type { AddrGlob, RcvdEntry, WelcomelistPrefs } from './welcomelist-prefs';

interface Relay {
  ip: string;
  rdns: string;
  envfrom: string;
}

/** At most this many From-side addresses are tried (SpamAssassin tries all; a From may list thousands). */
const MAX_ADDRS = 50;
/** A longer "address" is no RFC 5321 path (256 octets); it is not tried against the globs. */
const MAX_ADDR_CHARS = 320;

const RELAY = /\[ ip=(\S*) rdns=(\S*) helo=\S* by=\S* ident=\S* envfrom=(\S*) /g;

/** The relays of X-Spam-Relays-Trusted / -Untrusted, newest first, as Received.pm lists them. */
function relays(msg: SaMessage, which: 'trusted' | 'untrusted'): Relay[] {
  const v = msg.headers.find((h) => h.key === `x-spam-relays-${which}`)?.value ?? '';
  return [...v.matchAll(RELAY)].map((m) => ({ ip: m[1]!, rdns: m[2]!.toLowerCase(), envfrom: m[3]! }));
}

/** The addresses of every field named `key` (SpamAssassin 4's `get('Name:addr')` in list context). */
function addrs(msg: SaMessage, key: string, firstOnly = false): string[] {
  const fields = msg.headers.filter((h) => h.key === key);
  return (firstOnly ? fields.slice(0, 1) : fields).flatMap((h) =>
    addressparser(h.raw, { flatten: true })
      .map((a) => ('address' in a ? (a.address ?? '') : ''))
      .filter((a) => a !== ''),
  );
}

/** get('ALL') =~ /^Received:.*?^Name:/smi: a field `key` stands below some Received field. */
function belowReceived(msg: SaMessage, key: string): boolean {
  const firstReceived = msg.headers.findIndex((h) => h.key === 'received');
  return firstReceived >= 0 && msg.headers.some((h, i) => i > firstReceived && h.key === key);
}

/**
 * PerMsgStatus::get_envelope_from without `envelope_sender_header`: the envelope-from the
 * relay that handed the message in recorded (the first untrusted relay, else the oldest trusted
 * one); else X-Envelope-From, Envelope-Sender or Return-Path when no Received field stands above
 * them (a list may have changed the envelope since); X-Sender with a fetchmail hop ends the search.
 */
export function envelopeFrom(msg: SaMessage): string | undefined {
  const untrusted = relays(msg, 'untrusted');
  const trusted = relays(msg, 'trusted');
  const lastHop = untrusted[0] ?? trusted[trusted.length - 1];
  // sa-message.ts writes envfrom= empty when the field names none (Received.pm: undef).
  if (lastHop && lastHop.envfrom.indexOf('@') > 0) return lastHop.envfrom;
  const xSender = addrs(msg, 'x-sender', true)[0];
  if (xSender?.includes('@') && msg.headers.some((h) => h.key === 'received' && h.value.includes('(fetchmail')))
    return undefined;
  const xEnvelopeFrom = addrs(msg, 'x-envelope-from', true)[0];
  if (xEnvelopeFrom !== undefined) return belowReceived(msg, 'x-envelope-from') ? undefined : xEnvelopeFrom;
  for (const key of ['envelope-sender', 'return-path']) {
    const a = addrs(msg, key, true)[0];
    if (a !== undefined && !belowReceived(msg, key)) return a;
  }
  return undefined;
}

/**
 * PerMsgStatus::all_from_addrs: the first Resent-From when there is one (bug 672), else From,
 * Envelope-Sender, Resent-Sender, X-Envelope-From and the envelope-from, runs of dots squeezed
 * (bug 3366), each once.
 */
export function allFromAddrs(msg: SaMessage): string[] {
  const resent = addrs(msg, 'resent-from', true);
  const list = resent.length
    ? resent
    : [
        ...addrs(msg, 'from'),
        ...addrs(msg, 'envelope-sender'),
        ...addrs(msg, 'resent-sender'),
        ...addrs(msg, 'x-envelope-from'),
        ...[envelopeFrom(msg) ?? ''].filter((a) => a !== ''),
      ].map((a) => a.replace(/\.{2,}/g, '.'));
  return [...new Set(list)].filter((a) => a.length <= MAX_ADDR_CHARS).slice(0, MAX_ADDRS);
}

/** Headers PerMsgStatus::all_to_addrs reads after the Received "for" clauses, in its order. */
const TO_FIELDS = [
  'to',
  'apparently-to',
  'delivered-to',
  'envelope-recipients',
  'apparently-resent-to',
  'x-envelope-to',
  'envelope-to',
  'x-delivered-to',
  'x-original-to',
  'x-rcpt-to',
  'x-real-to',
  'cc',
];

/** Util::is_fqdn_valid($host, 1): two or more labels of 1-63 [a-z0-9_-], no "_" in the last two. */
function isFqdnValid(host: string): boolean {
  // Trailing dots removed (a loop: /\.+$/ is quadratic on a run of dots that does not end the name).
  let end = host.length;
  while (end > 0 && host[end - 1] === '.') end--;
  const h = host.slice(0, end).toLowerCase();
  if (h.length > 253) return false;
  const labels = h.split('.');
  if (labels.length < 2) return false;
  return labels.every(
    (l, i) =>
      l.length >= 1 &&
      l.length <= 63 &&
      /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/.test(l) &&
      (i < labels.length - 2 || !l.includes('_')),
  );
}

/**
 * all_to_addrs's `/ for <?(\S+\@(\S+?))>?;/` on one Received value, without a backtracking
 * regex (a run of "@" with no ";" after it costs that one quadratic time): the first " for "
 * whose following run of non-space characters holds, after an optional "<", a local part, the
 * last "@" that has a ";" two or more characters after it, and the domain up to the first such
 * ";" (less a ">" just before it). Linear: each run is read a constant number of times.
 */
export function receivedFor(value: string): { address: string; domain: string } | undefined {
  for (let i = value.indexOf(' for '); i >= 0; i = value.indexOf(' for ', i + 1)) {
    let end = i + 5;
    while (end < value.length && !/\s/.test(value[end]!)) end++;
    const token = value.slice(i + 5, end);
    for (const t of token.startsWith('<') ? [token.slice(1), token] : [token]) {
      const lastSemi = t.lastIndexOf(';');
      if (lastSemi < 3) continue;
      const at = t.lastIndexOf('@', lastSemi - 2);
      if (at < 1) continue;
      const semi = t.indexOf(';', at + 2);
      const domain = t.slice(at + 1, t[semi - 1] === '>' && semi - 1 >= at + 2 ? semi - 1 : semi);
      return { address: `${t.slice(0, at)}@${domain}`, domain };
    }
  }
  return undefined;
}

/**
 * PerMsgStatus::all_to_addrs (4.0.1): the addresses of the first Resent-To and Resent-Cc fields
 * when there is one; else the "for" recipients of the three newest Received fields whose domain
 * is a valid FQDN, then every address of To, Apparently-To, Delivered-To, Envelope-Recipients,
 * Apparently-Resent-To, X-Envelope-To, Envelope-To, X-Delivered-To, X-Original-To, X-Rcpt-To,
 * X-Real-To and Cc; duplicates dropped, first kept. Bounded like allFromAddrs.
 */
export function allToAddrs(msg: SaMessage): string[] {
  const resent = [...addrs(msg, 'resent-to', true), ...addrs(msg, 'resent-cc', true)];
  let list = resent;
  if (!resent.length) {
    const received = msg.headers.filter((h) => h.key === 'received').slice(0, 3);
    const forAddrs: string[] = [];
    for (const h of received) {
      const m = receivedFor(h.value);
      if (m && isFqdnValid(domainToASCII(m.domain) || m.domain)) forAddrs.push(m.address);
    }
    list = [...forAddrs, ...TO_FIELDS.flatMap((key) => addrs(msg, key))];
  }
  return [...new Set(list)].filter((a) => a.length <= MAX_ADDR_CHARS).slice(0, MAX_ADDRS);
}

/** WLBLEval _check_welcomelist: the address as written in the list, or one of its globs. */
function inList(list: Map<string, AddrGlob>, lcAddr: string): boolean {
  if (list.has(lcAddr)) return true;
  for (const g of list.values()) if (g.test(lcAddr)) return true;
  return false;
}

/** An IPv4-compatible IPv6 address (::a.b.c.d) as IPv4, as NetAddr::IP compares them. */
function comparable(ip: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  if (ip.kind() === 'ipv6') {
    const p = (ip as ipaddr.IPv6).parts;
    if (p.slice(0, 6).every((x) => x === 0)) return ipaddr.fromByteArray((ip as ipaddr.IPv6).toByteArray().slice(12));
  }
  return ip;
}

/** WLBLEval _check_welcomelist_rcvd, matching by IP: `[192.0.2.1]`, `[192.0.2]`, `[192.0.2.0/24]`, `[2001:db8::]/32`. */
function relayIpMatches(bracketed: RegExpExecArray, relayIp: string): boolean {
  const wl = bracketed[1]! + (bracketed[2] ?? '');
  if (relayIp === '') return false;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(wl)) return wl === relayIp;
  // A classful IPv4 prefix (backward compatibility): "10.1" covers 10.1.*.*.
  if (/^[\d.]+$/.test(wl)) {
    let end = wl.length;
    while (end > 0 && wl[end - 1] === '.') end--;
    return relayIp.startsWith(`${wl.slice(0, end)}.`);
  }
  try {
    const [net, len] = wl.includes('/') ? ipaddr.parseCIDR(wl) : [ipaddr.parse(wl), -1];
    const ip = comparable(ipaddr.parse(relayIp));
    const range = comparable(net);
    // comparable() moved an IPv4-compatible IPv6 network to IPv4: its length loses the 96 bits.
    const bits = len < 0 ? (range.kind() === 'ipv4' ? 32 : 128) : net.kind() !== range.kind() ? len - 96 : len;
    return ip.kind() === range.kind() && bits >= 0 && ip.match(range, bits);
  } catch {
    return false;
  }
}

/**
 * WLBLEval _check_welcomelist_rcvd: 1 when the address matches an entry and the relay that handed
 * the message in (the first untrusted relay; all trusted ones only when none is untrusted, bug
 * 4425) matches that entry's relay (rDNS equal to or below the name, or the IP); -1 when an entry
 * matches the address but no relay does (a possible forgery) unless welcomelist_allows_relays
 * names the address; else 0. rDNS only: the HELO name is not compared.
 */
function inRcvdList(
  msg: SaMessage,
  list: Map<string, RcvdEntry>,
  allows: Map<string, AddrGlob>,
  addr: string,
): 1 | 0 | -1 {
  const untrusted = relays(msg, 'untrusted');
  const trusted = relays(msg, 'trusted');
  if (untrusted.length + trusted.length === 0) return 0;
  const candidates = untrusted.length ? [untrusted[0]!] : trusted;
  const lc = addr.toLowerCase();
  let forged = false;
  for (const entry of list.values()) {
    if (!entry.test(lc)) continue;
    for (const relay of entry.relays) {
      const bracketed = /^\[(.*)\](\/\d{1,3})?$/s.exec(relay);
      for (const r of candidates) {
        const hit = bracketed ? relayIpMatches(bracketed, r.ip) : r.rdns === relay || r.rdns.endsWith(`.${relay}`);
        if (hit) return 1;
      }
      forged = true;
    }
  }
  if (!forged) return 0;
  // allows_relays is read as globs only (WLBLEval: `values %{$wlist}`).
  for (const g of allows.values()) if (g.test(lc)) return 0;
  return -1;
}

/** -1: an address matches a _rcvd entry but the relay does not (SpamAssassin's "forged"). */
export type ListState = 1 | 0 | -1;

export interface WelcomelistState {
  /** The From-side addresses tried (all_from_addrs). */
  addresses: string[];
  /** The relay a _rcvd entry is compared with (the first untrusted one), as "rdns [ip]". */
  relay?: string;
  /** WLBLEval's from_in_welcomelist: welcomelist_from or welcomelist_from_rcvd. */
  welcomelist: ListState;
  /** from_in_default_welcomelist: def_welcomelist_from_rcvd. */
  defaultWelcomelist: ListState;
  /** check_from_in_blocklist: a From-side address matches blocklist_from (no relay is read). */
  blocklist: boolean;
  /** The recipients (allToAddrs), read only when a To-side list has an entry. */
  toAddresses: string[];
  /** check_to_in_welcomelist, _more_spam, _all_spam, _blocklist: a recipient is on that list. */
  welcomelistTo: boolean;
  moreSpamTo: boolean;
  allSpamTo: boolean;
  blocklistTo: boolean;
}

const states = new WeakMap<SaMessage, WeakMap<WelcomelistPrefs, WelcomelistState>>();

/**
 * WLBLEval _check_from_in_welcomelist and _check_from_in_default_welcomelist, once per message
 * and prefs: for each From-side address in turn, 1 as soon as one is listed (welcomelist_from, or a
 * _rcvd entry with its relay); else -1 if some address matched a _rcvd entry on another relay (and
 * welcomelist_allows_relays does not name it); else 0. USER_IN_WELCOMELIST and
 * USER_IN_DEF_WELCOMELIST fire on 1; -1 is what check_forged_in_(default_)welcomelist read (no
 * shipped 4.0.1 rule uses them; we report it as the answer to "why is my listed sender not welcome").
 */
export function welcomelistState(msg: SaMessage, prefs: WelcomelistPrefs): WelcomelistState {
  let byPrefs = states.get(msg);
  const known = byPrefs?.get(prefs);
  if (known) return known;
  const addresses = allFromAddrs(msg);
  let welcomelist: ListState = 0;
  for (const a of addresses) {
    const wh = inList(prefs.welcomelistFrom, a.toLowerCase())
      ? 1
      : inRcvdList(msg, prefs.welcomelistFromRcvd, prefs.welcomelistAllowsRelays, a);
    if (wh === 1) {
      welcomelist = 1;
      break;
    }
    if (wh === -1) welcomelist = -1;
  }
  let defaultWelcomelist: ListState = 0;
  for (const a of addresses) {
    const wh = inRcvdList(msg, prefs.defWelcomelistFromRcvd, prefs.welcomelistAllowsRelays, a);
    if (wh === 1) {
      defaultWelcomelist = 1;
      break;
    }
    if (wh === -1) defaultWelcomelist = -1;
  }
  const blocklist = addresses.some((a) => inList(prefs.blocklistFrom, a.toLowerCase()));
  const toLists = [prefs.welcomelistTo, prefs.moreSpamTo, prefs.allSpamTo, prefs.blocklistTo];
  const toAddresses = toLists.some((l) => l.size > 0) ? allToAddrs(msg) : [];
  const onTo = (list: Map<string, AddrGlob>) => toAddresses.some((a) => inList(list, a.toLowerCase()));
  const untrusted = relays(msg, 'untrusted');
  const relay = untrusted[0] ?? relays(msg, 'trusted')[0];
  const state: WelcomelistState = {
    addresses,
    ...(relay ? { relay: `${relay.rdns || '(no rDNS)'} [${relay.ip}]` } : {}),
    welcomelist,
    defaultWelcomelist,
    blocklist,
    toAddresses,
    welcomelistTo: onTo(prefs.welcomelistTo),
    moreSpamTo: onTo(prefs.moreSpamTo),
    allSpamTo: onTo(prefs.allSpamTo),
    blocklistTo: onTo(prefs.blocklistTo),
  };
  if (!byPrefs) states.set(msg, (byPrefs = new WeakMap()));
  byPrefs.set(prefs, state);
  return state;
}
