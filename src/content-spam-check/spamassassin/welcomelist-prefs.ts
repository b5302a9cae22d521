/**
 * A recipient's SpamAssassin welcome- and block-list settings (user_prefs lines), read as SpamAssassin 4.0.1
 * reads them: Mail::SpamAssassin::Conf (the settings and their 3.x `whitelist_*` aliases, "to be
 * removed for 4.1") and Conf::Parser (parse_scores_only's line handling, set_addrlist_value /
 * add_to_addrlist, add_to_addrlist_rcvd, remove_from_addrlist(_rcvd)). Only the family that
 * WLBLEval's check_from_in_welcomelist / check_from_in_default_welcomelist /
 * check_from_in_blocklist and the To-side check_to_in_welcomelist / _more_spam / _all_spam /
 * _blocklist read is accepted;
 * any other setting, and a line SpamAssassin would refuse (or accept but never match, such as a
 * bracketed relay that is not an IP address), is an error naming the line. Pure.
 */
import ipaddr from 'ipaddr.js';

export const WELCOMELIST_SETTINGS = [
  'welcomelist_from',
  'unwelcomelist_from',
  'welcomelist_from_rcvd',
  'def_welcomelist_from_rcvd',
  'unwelcomelist_from_rcvd',
  'welcomelist_allows_relays',
  'blocklist_from',
  'unblocklist_from',
  'welcomelist_to',
  'more_spam_to',
  'all_spam_to',
  'blocklist_to',
] as const;
export type WelcomelistSetting = (typeof WELCOMELIST_SETTINGS)[number];

/** Conf.pm `aliases => [...]`: the SpamAssassin 3.x names (bug 7826 renamed them in 4.0). */
const ALIASES: Record<string, WelcomelistSetting> = {
  whitelist_from: 'welcomelist_from',
  unwhitelist_from: 'unwelcomelist_from',
  whitelist_from_rcvd: 'welcomelist_from_rcvd',
  def_whitelist_from_rcvd: 'def_welcomelist_from_rcvd',
  unwhitelist_from_rcvd: 'unwelcomelist_from_rcvd',
  whitelist_allows_relays: 'welcomelist_allows_relays',
  blacklist_from: 'blocklist_from',
  unblacklist_from: 'unblocklist_from',
  whitelist_to: 'welcomelist_to',
  blacklist_to: 'blocklist_to',
};

/** Bounds of the input (the API validates them; SpamAssassin has none). */
export const PREFS_MAX_LINES = 100;
export const PREFS_MAX_LINE_CHARS = 1000;
/** Addresses (globs) over all lines: each is tried against each From-side address of a message. */
export const PREFS_MAX_ENTRIES = 200;
/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets; a longer glob can only be a mistake. */
export const PREFS_MAX_GLOB_CHARS = 256;

/** A lower-cased glob (`*` any run, `?` one character) and its test on a lower-cased address. */
export interface AddrGlob {
  glob: string;
  test: (lcAddr: string) => boolean;
}
export interface RcvdEntry extends AddrGlob {
  /** The relays allowed for it: an rDNS name or domain, or `[ip]`, `[ip/len]`, `[ip]/len`, `[10.1]`. */
  relays: string[];
}

/** The lists WLBLEval reads, keyed by the lower-cased address as written (Conf::Parser keeps them so). */
export interface WelcomelistPrefs {
  welcomelistFrom: Map<string, AddrGlob>;
  welcomelistFromRcvd: Map<string, RcvdEntry>;
  defWelcomelistFromRcvd: Map<string, RcvdEntry>;
  welcomelistAllowsRelays: Map<string, AddrGlob>;
  /** blocklist_from: USER_IN_BLOCKLIST (+100) when a From-side address matches. */
  blocklistFrom: Map<string, AddrGlob>;
  /**
   * The To-side lists (Conf.pm: no un* command for them), read on the recipients
   * (welcomelist.ts allToAddrs): USER_IN_WELCOMELIST_TO (-6), USER_IN_MORE_SPAM_TO (-20),
   * USER_IN_ALL_SPAM_TO (-100), USER_IN_BLOCKLIST_TO (+10).
   */
  welcomelistTo: Map<string, AddrGlob>;
  moreSpamTo: Map<string, AddrGlob>;
  allSpamTo: Map<string, AddrGlob>;
  blocklistTo: Map<string, AddrGlob>;
}

export interface PrefsLineError {
  /** 0-based index in the lines given. */
  line: number;
  message: string;
}

/** A fixed piece of a glob (between stars) as Shift-And masks: `?` is any character but a newline. */
interface Piece {
  text: string;
  words: number;
  masks: Map<number, Uint32Array>;
  /** The mask of a character the piece does not name (its `?` positions). */
  other: Uint32Array;
}

function piece(text: string): Piece {
  const words = Math.max(1, Math.ceil(text.length / 32));
  const other = new Uint32Array(words);
  for (let j = 0; j < text.length; j++) if (text[j] === '?') other[j >>> 5]! |= 1 << (j & 31);
  const masks = new Map<number, Uint32Array>();
  // Perl's "." (from "?") does not match a newline.
  masks.set(10, new Uint32Array(words));
  for (let j = 0; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (text[j] === '?') continue;
    let m = masks.get(c);
    if (!m) masks.set(c, (m = c === 10 ? new Uint32Array(words) : Uint32Array.from(other)));
    m[j >>> 5]! |= 1 << (j & 31);
  }
  return { text, words, masks, other };
}

/** The piece at exactly position i. */
function pieceAt(p: Piece, s: string, i: number): boolean {
  if (i < 0 || i + p.text.length > s.length) return false;
  for (let k = 0; k < p.text.length; k++) {
    const c = p.text[k]!;
    if (c === '?' ? s.charCodeAt(i + k) === 10 : s[i + k] !== c) return false;
  }
  return true;
}

/** Leftmost start of the piece in s[from, end), or -1: Shift-And, (end - from) x words steps. */
function findPiece(p: Piece, s: string, from: number, end: number): number {
  const k = p.text.length;
  if (k === 0) return from;
  const state = new Uint32Array(p.words);
  const top = (k - 1) >>> 5;
  const bit = 1 << ((k - 1) & 31);
  for (let i = from; i < end; i++) {
    const m = p.masks.get(s.charCodeAt(i)) ?? p.other;
    let carry = 1;
    for (let w = 0; w < p.words; w++) {
      const v = state[w]!;
      state[w] = ((v << 1) | carry) & m[w]!;
      carry = v >>> 31;
    }
    if (state[top]! & bit) return i - k + 1;
  }
  return -1;
}

/**
 * Conf::Parser add_to_addrlist: lower-case; NUL, backslash and "(" become "_" ("paranoia"); "?"
 * is one character and a run of "*" any run; everything else literal; the whole address must
 * match. Matched without a regex: the first and last pieces in place, the ones between stars
 * leftmost first (bit-parallel, so a glob costs its length / 32 per address character).
 */
export function addrGlob(written: string): AddrGlob {
  const glob = written.toLowerCase().replace(/[\0\\(]/g, '_');
  const pieces = glob.split(/\*+/).map(piece);
  const test = (s: string): boolean => {
    const first = pieces[0]!;
    if (pieces.length === 1) return s.length === glob.length && pieceAt(first, s, 0);
    const last = pieces[pieces.length - 1]!;
    const end = s.length - last.text.length;
    if (end < first.text.length || !pieceAt(first, s, 0) || !pieceAt(last, s, end)) return false;
    let pos = first.text.length;
    for (let i = 1; i < pieces.length - 1; i++) {
      const at = findPiece(pieces[i]!, s, pos, end);
      if (at < 0) return false;
      pos = at + pieces[i]!.text.length;
    }
    return true;
  };
  return { glob, test };
}

/** A control character other than tab (a newline would put two settings in one line). */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/** Why a `welcomelist_from_rcvd` relay parameter can never match, or undefined when it can. */
function badRelay(relay: string): string | undefined {
  const m = /^\[(.*)\](\/\d{1,3})?$/s.exec(relay);
  if (!m) return relay.includes('[') || relay.includes(']') ? 'an IP address goes in brackets: [192.0.2.1]' : undefined;
  const ip = m[1]! + (m[2] ?? '');
  if (/^[\d.]+$/.test(ip)) {
    // A dotted quad, or a classful prefix ("10.1", "10.1."): 1-4 octets of at most 255.
    const octets = (ip.endsWith('.') ? ip.slice(0, -1) : ip).split('.');
    const ok = octets.length <= 4 && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
    return ok ? undefined : `${relay} is not an IPv4 address or prefix`;
  }
  try {
    if (ip.includes('/')) ipaddr.parseCIDR(ip);
    else ipaddr.parse(ip);
    return undefined;
  } catch {
    return `${relay} is not an IP address or network`;
  }
}

/** The settings that add each address of their line to one list (Conf.pm $CONF_TYPE_ADDRLIST). */
const ADDRESS_LISTS: Partial<
  Record<WelcomelistSetting, Exclude<keyof WelcomelistPrefs, 'welcomelistFromRcvd' | 'defWelcomelistFromRcvd'>>
> = {
  welcomelist_from: 'welcomelistFrom',
  welcomelist_allows_relays: 'welcomelistAllowsRelays',
  blocklist_from: 'blocklistFrom',
  welcomelist_to: 'welcomelistTo',
  more_spam_to: 'moreSpamTo',
  all_spam_to: 'allSpamTo',
  blocklist_to: 'blocklistTo',
};

/**
 * Read prefs lines in order (a later `unwelcomelist_*` removes what an earlier line added, a later
 * add puts it back). Blank lines and `#` comments are skipped as SpamAssassin skips them.
 */
export function parseWelcomelistPrefs(lines: readonly string[]): { prefs: WelcomelistPrefs; errors: PrefsLineError[] } {
  const prefs: WelcomelistPrefs = {
    welcomelistFrom: new Map(),
    welcomelistFromRcvd: new Map(),
    defWelcomelistFromRcvd: new Map(),
    welcomelistAllowsRelays: new Map(),
    blocklistFrom: new Map(),
    welcomelistTo: new Map(),
    moreSpamTo: new Map(),
    allSpamTo: new Map(),
    blocklistTo: new Map(),
  };
  const errors: PrefsLineError[] = [];
  let entries = 0;
  lines.forEach((text, line) => {
    const fail = (message: string) => errors.push({ line, message });
    if (typeof text !== 'string') return fail('must be a string');
    if (text.length > PREFS_MAX_LINE_CHARS) return fail(`is longer than ${PREFS_MAX_LINE_CHARS} characters`);
    if (hasControl(text)) return fail('contains a control character (one setting per line)');
    // Conf::Parser: a "#" not after a backslash starts a comment; "\#" is a "#"; then trim.
    const hash = /(?<!\\)#/.exec(text);
    const body = (hash ? text.slice(0, hash.index) : text).replace(/\\#/g, '#').trim();
    if (body === '') return;
    const [word, ...values] = body.split(/\s+/);
    // The setting name is lower-cased and its dashes read as underscores.
    const key = word!.toLowerCase().replace(/-/g, '_');
    const setting = (WELCOMELIST_SETTINGS as readonly string[]).includes(key)
      ? (key as WelcomelistSetting)
      : ALIASES[key];
    if (!setting)
      return fail(
        `"${word!.slice(0, 60)}" is not a welcome- or block-list setting (accepted: ${WELCOMELIST_SETTINGS.join(', ')}, or their whitelist_/blacklist_ spellings)`,
      );
    if (values.length === 0) return fail(`${key}: missing value`);
    const tooLong = values.find((v) => v.length > PREFS_MAX_GLOB_CHARS);
    if (tooLong !== undefined)
      return fail(`${key}: "${tooLong.slice(0, 40)}..." is longer than ${PREFS_MAX_GLOB_CHARS} characters`);
    const rcvd = setting === 'welcomelist_from_rcvd' || setting === 'def_welcomelist_from_rcvd';
    // Conf.pm: the _rcvd settings take exactly an address and a relay (/^\S+\s+\S+$/).
    if (rcvd && values.length !== 2)
      return fail(
        `${key}: give an address and a relay (rDNS name or [IP]), e.g. "${key} *@example.com mail.example.com"`,
      );
    if (rcvd) {
      const why = badRelay(values[1]!);
      if (why) return fail(`${key}: ${why}`);
    }
    const adds = ADDRESS_LISTS[setting] ? values.length : rcvd ? 1 : 0;
    if (entries + adds > PREFS_MAX_ENTRIES) return fail(`more than ${PREFS_MAX_ENTRIES} addresses in all`);
    entries += adds;
    const addTo = ADDRESS_LISTS[setting];
    if (addTo) {
      // add_to_addrlist: each address (glob) of the line, keyed as written, lower-cased.
      for (const v of values) prefs[addTo].set(v.toLowerCase(), addrGlob(v));
      return;
    }
    switch (setting) {
      case 'unwelcomelist_from':
        // remove_from_addrlist: the address as written (lower-cased), not what it matches.
        for (const v of values) prefs.welcomelistFrom.delete(v.toLowerCase());
        break;
      case 'unblocklist_from':
        for (const v of values) prefs.blocklistFrom.delete(v.toLowerCase());
        break;
      case 'welcomelist_from_rcvd':
      case 'def_welcomelist_from_rcvd': {
        const list = setting === 'welcomelist_from_rcvd' ? prefs.welcomelistFromRcvd : prefs.defWelcomelistFromRcvd;
        const addr = values[0]!.toLowerCase();
        const relay = values[1]!.toLowerCase();
        // add_to_addrlist_rcvd: a second line for the same address adds a relay to it.
        const known = list.get(addr);
        if (known) known.relays.push(relay);
        else list.set(addr, { ...addrGlob(values[0]!), relays: [relay] });
        break;
      }
      case 'unwelcomelist_from_rcvd':
        // Conf.pm: removes the address from both _rcvd lists.
        for (const v of values) {
          prefs.welcomelistFromRcvd.delete(v.toLowerCase());
          prefs.defWelcomelistFromRcvd.delete(v.toLowerCase());
        }
        break;
      default:
        // The address lists (ADDRESS_LISTS), added above.
        break;
    }
  });
  return { prefs, errors };
}
