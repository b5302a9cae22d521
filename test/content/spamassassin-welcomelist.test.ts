import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRuleSet, shippedRuleSet, type SaMessage } from '../../src/content-spam-check/spamassassin/sa-rules';
import {
  allFromAddrs,
  allToAddrs,
  envelopeFrom,
  receivedFor,
  welcomelistState,
} from '../../src/content-spam-check/spamassassin/welcomelist';
import {
  addrGlob,
  parseWelcomelistPrefs,
  type WelcomelistPrefs,
} from '../../src/content-spam-check/spamassassin/welcomelist-prefs';
import { analyze, SA_FIXTURES, saRuleNames, welcomelistFromTPrefs } from './helpers';

/**
 * SpamAssassin's welcome lists (WLBLEval check_from_in_welcomelist / check_from_in_default_welcomelist)
 * from a recipient's prefs. The first block is a port of SpamAssassin 4.0.1's t/welcomelist_from.t:
 * its tstprefs, and its patterns / anti-patterns on t/data/nice/008-015 (our ham/008-015).
 */

/** t/welcomelist_from.t's tstprefs (test/fixtures/spamassassin/welcomelist_from.prefs, comments included). */
const WELCOMELIST_FROM_T_PREFS = welcomelistFromTPrefs();

function prefsOf(lines: string[]): WelcomelistPrefs {
  const { prefs, errors } = parseWelcomelistPrefs(lines);
  expect(errors).toEqual([]);
  return prefs;
}

/** The welcome-list family of rules that fired on a fixture (FORGED_IN_* are not rules in 4.0.1's files). */
async function listHits(file: string, lines: string[] | undefined): Promise<string[]> {
  const raw = readFileSync(join(SA_FIXTURES, file));
  const { findings } = await analyze(raw, {}, undefined, lines ? { filterPrefs: prefsOf(lines) } : {});
  return saRuleNames(findings)
    .filter((n) => /WELCOMELIST|WHITELIST/.test(n))
    .sort();
}

describe("port of SpamAssassin's t/welcomelist_from.t", () => {
  // Tests 1-12: welcomelist_from (008), welcomelist_from_rcvd (009), its second relay (010).
  // Tests 13-20: def_welcomelist_from_rcvd (011) and its second relay (012).
  // Tests 21-32: welcomelist_allows_relays welcomes nobody (013), unwelcomelist_from (014),
  // unwelcomelist_from_rcvd (015): nothing fires.
  const expected: Record<string, string[]> = {
    'ham/008.eml': ['USER_IN_WELCOMELIST'],
    'ham/009.eml': ['USER_IN_WELCOMELIST'],
    'ham/010.eml': ['USER_IN_WELCOMELIST'],
    'ham/011.eml': ['USER_IN_DEF_WELCOMELIST'],
    'ham/012.eml': ['USER_IN_DEF_WELCOMELIST'],
    'ham/013.eml': [],
    'ham/014.eml': [],
    'ham/015.eml': [],
  };
  for (const [file, rules] of Object.entries(expected))
    it(`${file}: ${rules.join(', ') || 'no welcome-list rule'}`, async () => {
      expect(await listHits(file, WELCOMELIST_FROM_T_PREFS)).toEqual(rules);
    });

  it('without prefs no welcome-list rule fires on any of them', async () => {
    for (const file of Object.keys(expected)) expect(await listHits(file, undefined), file).toEqual([]);
  });

  it('014 and 015 are welcomed by their Return-Path once unwelcomelist_from_rcvd is gone (measured with spamassassin -p)', async () => {
    // `spamassassin -L -t -p` with these prefs: both score -7.7 with USER_IN_DEF_WELCOMELIST: the
    // envelope sender (Return-Path mumble@example.com, above every Received field) is a From-side
    // address, and mail1.example.com is below example.com.
    const lines = WELCOMELIST_FROM_T_PREFS.filter((l) => !l.startsWith('unwelcomelist_from_rcvd'));
    expect(await listHits('ham/014.eml', lines)).toEqual(['USER_IN_DEF_WELCOMELIST']);
    expect(await listHits('ham/015.eml', lines)).toEqual(['USER_IN_DEF_WELCOMELIST']);
  });

  it('the forged spam fixtures (spam/012-013) are not welcomed', async () => {
    expect(await listHits('spam/012.eml', WELCOMELIST_FROM_T_PREFS)).toEqual([]);
    expect(await listHits('spam/013.eml', WELCOMELIST_FROM_T_PREFS)).toEqual([]);
  });

  it('the finding says why a listed sender got no welcome-list points', async () => {
    const raw = readFileSync(join(SA_FIXTURES, 'spam/012.eml'));
    const { findings } = await analyze(raw, {}, undefined, { filterPrefs: prefsOf(WELCOMELIST_FROM_T_PREFS) });
    const f = findings.find((x) => x.code === 'SPAMASSASSIN_RULES')!;
    expect(f.detail).toMatch(
      /welcomelist_from_rcvd has an entry for .*foo@example\.com.*mail1\.paypal\.com \[80\.8\.136\.186\]/,
    );
  });
});

const hdr = (name: string, value: string) => ({ name, key: name.toLowerCase(), value, raw: value });
const relay = (ip: string, rdns: string, envfrom = '') =>
  `[ ip=${ip} rdns=${rdns} helo=${rdns} by=mx.example.net ident= envfrom=${envfrom} intl=0 id=A1 auth= msa=0 ]`;
function message(headers: [string, string][], untrusted: string[] = [], trusted: string[] = []): SaMessage {
  return {
    headers: [
      ...headers.map(([n, v]) => hdr(n, v)),
      hdr('X-Spam-Relays-Trusted', trusted.join(' ')),
      hdr('X-Spam-Relays-Untrusted', untrusted.join(' ')),
    ],
    bodyLines: [''],
    rawLines: [],
    uris: [],
    full: '',
  };
}
function fired(msg: SaMessage, lines: string[]): string[] {
  return runRuleSet(shippedRuleSet(), msg, { prefs: prefsOf(lines) })
    .hits.map((h) => h.name)
    .filter((n) => n.startsWith('USER_IN_'));
}

describe('welcome-list semantics (Conf::Parser, WLBLEval, PerMsgStatus)', () => {
  it('60_welcomelist.cf compiles as Debian runs it: the 4.0 names carry the scores, no deprecated metas', () => {
    const set = shippedRuleSet();
    expect(set.byName.get('USER_IN_WELCOMELIST')?.score).toBe(-100);
    expect(set.byName.get('USER_IN_DEF_WELCOMELIST')?.score).toBe(-15);
    expect(set.byName.has('USER_IN_WHITELIST')).toBe(false);
    expect(set.natives.map((n) => n.name)).toEqual(
      expect.arrayContaining(['USER_IN_WELCOMELIST', 'USER_IN_DEF_WELCOMELIST']),
    );
  });

  it('globs: case-insensitive, * any run, ? one character, nothing else special', () => {
    const g = (glob: string, addr: string) => addrGlob(glob).test(addr.toLowerCase());
    expect(g('*@Example.COM', 'Joe@example.com')).toBe(true);
    expect(g('*@*.example.com', 'a@mail.example.com')).toBe(true);
    expect(g('*@*.example.com', 'a@example.com')).toBe(false);
    expect(g('j?e@example.com', 'joe@example.com')).toBe(true);
    expect(g('j?e@example.com', 'jooe@example.com')).toBe(false);
    expect(g('joe@example.com', 'joeXexample.com')).toBe(false);
    expect(g('a.b@example.com', 'aXb@example.com')).toBe(false);
    expect(g('**@x.org', '@x.org')).toBe(true);
    expect(g('a*b*c', 'abbbc')).toBe(true);
    expect(g('a*b*c', 'acb')).toBe(false);
    expect(g('*', '')).toBe(true);
    expect(g('*x?z*', 'axyzb')).toBe(true);
    expect(g('*x?z*', 'axzb')).toBe(false);
    expect(g('a*?b?*c', 'aXbYc')).toBe(true);
    expect(g('a*?b?*c', 'abc')).toBe(false);
  });

  it('reads the 3.x names, dashes, comments and blank lines as SpamAssassin does', () => {
    const { prefs, errors } = parseWelcomelistPrefs([
      '# my list',
      '',
      'Whitelist-From  a@example.com b@example.com  # two',
      'def_whitelist_from_rcvd *@example.org mail.example.org',
      'def_whitelist_from_rcvd *@example.org [192.0.2.0/24]',
      'whitelist_allows_relays *@example.org',
      'unwhitelist_from b@example.com',
    ]);
    expect(errors).toEqual([]);
    expect([...prefs.welcomelistFrom.keys()]).toEqual(['a@example.com']);
    expect(prefs.defWelcomelistFromRcvd.get('*@example.org')?.relays).toEqual(['mail.example.org', '[192.0.2.0/24]']);
    expect([...prefs.welcomelistAllowsRelays.keys()]).toEqual(['*@example.org']);
  });

  it('refuses other settings and malformed lines, naming the line', () => {
    const bad = (line: string) => parseWelcomelistPrefs(['welcomelist_from ok@example.com', line]).errors;
    expect(bad('required_score 1')).toEqual([
      { line: 1, message: expect.stringMatching(/not a welcome- or block-list setting/) },
    ]);
    // The auth lists are not read (no rule of ours runs them): refused, not silently ignored.
    expect(bad('welcomelist_auth *@example.com')[0]?.message).toMatch(/not a welcome- or block-list setting/);
    expect(bad('blocklist_from')[0]?.message).toMatch(/missing value/);
    expect(bad('welcomelist_from')[0]?.message).toMatch(/missing value/);
    expect(bad('welcomelist_from_rcvd a@example.com')[0]?.message).toMatch(/an address and a relay/);
    expect(bad('welcomelist_from_rcvd a@example.com b.example c.example')[0]?.message).toMatch(
      /an address and a relay/,
    );
    expect(bad('welcomelist_from_rcvd a@example.com [not-an-ip]')[0]?.message).toMatch(/not an IP/);
    expect(bad('welcomelist_from_rcvd a@example.com [192.0.2.0/99]')[0]?.message).toMatch(/not an IP/);
    expect(bad('welcomelist_from_rcvd a@example.com [192.0.2.256]')[0]?.message).toMatch(/not an IPv4/);
    expect(bad('welcomelist_from_rcvd a@example.com [1.2.3.4.5]')[0]?.message).toMatch(/not an IPv4/);
    expect(bad('welcomelist_from_rcvd a@example.com [10.1.]')).toEqual([]);
    expect(bad('welcomelist_from_rcvd a@example.com [192.0.2.0]/24')).toEqual([]);
    expect(bad('welcomelist_from_rcvd a@example.com 192.0.2.1]')[0]?.message).toMatch(/in brackets/);
    expect(bad('welcomelist_from a@example.com\nscore X 1')[0]?.message).toMatch(/control character/);
    expect(bad(`welcomelist_from ${'a'.repeat(300)}@example.com`)[0]?.message).toMatch(/longer than 256/);
    expect(bad('x'.repeat(1001))[0]?.message).toMatch(/longer than 1000/);
    const many = Array.from(
      { length: 5 },
      () => `welcomelist_from ${Array.from({ length: 50 }, (_, i) => `u${i}@e.x`).join(' ')}`,
    );
    expect(parseWelcomelistPrefs(many).errors).toEqual([{ line: 4, message: 'more than 200 addresses in all' }]);
  });

  it('un* lines remove the entry as written, in order; a later line adds it back', () => {
    const from: [string, string][] = [['From', 'Joe <joe@example.com>']];
    expect(fired(message(from), ['welcomelist_from *@example.com', 'unwelcomelist_from joe@example.com'])).toEqual([
      'USER_IN_WELCOMELIST',
    ]);
    expect(fired(message(from), ['welcomelist_from *@example.com', 'unwelcomelist_from *@EXAMPLE.com'])).toEqual([]);
    expect(
      fired(message(from), [
        'welcomelist_from *@example.com',
        'unwelcomelist_from *@example.com',
        'welcomelist_from joe@*',
      ]),
    ).toEqual(['USER_IN_WELCOMELIST']);
  });

  it('_rcvd: the first untrusted relay by rDNS (not HELO) or IP; trusted relays only when none is untrusted', () => {
    const from: [string, string][] = [['From', 'a@example.com']];
    const via = (untrusted: string[], trusted: string[] = []) => message(from, untrusted, trusted);
    const rcvd = (relaySpec: string) => [`welcomelist_from_rcvd *@example.com ${relaySpec}`];
    expect(fired(via([relay('192.0.2.7', 'out.mail.example.com')]), rcvd('example.com'))).toEqual([
      'USER_IN_WELCOMELIST',
    ]);
    expect(fired(via([relay('192.0.2.7', 'out.mail.example.com')]), rcvd('mail.example.com'))).toEqual([
      'USER_IN_WELCOMELIST',
    ]);
    expect(fired(via([relay('192.0.2.7', 'notexample.com')]), rcvd('example.com'))).toEqual([]);
    // SpamAssassin compares lc_rdns only: a HELO of example.com with no rDNS is no match (checked with spamassassin -p).
    expect(fired(via([relay('192.0.2.7', '').replace('helo= ', 'helo=example.com ')]), rcvd('example.com'))).toEqual(
      [],
    );
    // Only the first untrusted relay counts; a matching one further down is too easy to forge.
    expect(
      fired(
        via([relay('198.51.100.1', 'spam.example.net'), relay('192.0.2.7', 'mail.example.com')]),
        rcvd('example.com'),
      ),
    ).toEqual([]);
    expect(fired(via([relay('192.0.2.7', 'x.example.net')]), rcvd('[192.0.2.7]'))).toEqual(['USER_IN_WELCOMELIST']);
    expect(fired(via([relay('192.0.2.7', 'x.example.net')]), rcvd('[192.0.2]'))).toEqual(['USER_IN_WELCOMELIST']);
    expect(fired(via([relay('192.0.2.7', 'x.example.net')]), rcvd('[192.0.2.0/24]'))).toEqual(['USER_IN_WELCOMELIST']);
    expect(fired(via([relay('192.0.2.7', 'x.example.net')]), rcvd('[192.0.2.0]/28'))).toEqual(['USER_IN_WELCOMELIST']);
    expect(fired(via([relay('192.0.2.77', 'x.example.net')]), rcvd('[192.0.2.0/28]'))).toEqual([]);
    expect(fired(via([relay('192.0.2.77', 'x.example.net')]), rcvd('[192.0.2.7]'))).toEqual([]);
    expect(fired(via([relay('2001:db8:1234::25', 'x.example.net')]), rcvd('[2001:db8:1234::/48]'))).toEqual([
      'USER_IN_WELCOMELIST',
    ]);
    expect(fired(via([relay('2001:db8:1235::25', 'x.example.net')]), rcvd('[2001:db8:1234::]/48'))).toEqual([]);
    // All trusted (an authenticated submission, a private network): any trusted relay may match.
    expect(
      fired(
        via([], [relay('10.0.0.2', 'gw.internal.example'), relay('10.0.0.9', 'mail.example.com')]),
        rcvd('example.com'),
      ),
    ).toEqual(['USER_IN_WELCOMELIST']);
    expect(fired(via([]), rcvd('example.com'))).toEqual([]);
  });

  it('all_from_addrs: Resent-From first, else From, Envelope-Sender, Resent-Sender, X-Envelope-From and the envelope', () => {
    const addrs = (headers: [string, string][], untrusted: string[] = []) =>
      allFromAddrs(message(headers, untrusted)).sort();
    expect(addrs([['From', '"x@evil.example" <a@example.com>']])).toEqual(['a@example.com']);
    expect(addrs([['From', 'a@example.com, b@example.org']])).toEqual(['a@example.com', 'b@example.org']);
    expect(
      addrs([
        ['Resent-From', 'r@example.net'],
        ['From', 'a@example.com'],
      ]),
    ).toEqual(['r@example.net']);
    expect(
      addrs([
        ['From', 'a@example..com'],
        ['Resent-Sender', 'rs@example.net'],
      ]),
    ).toEqual(['a@example.com', 'rs@example.net']);
    // get_envelope_from: the first untrusted relay's envelope-from wins over Return-Path.
    expect(
      envelopeFrom(
        message([['Return-Path', '<rp@example.com>']], [relay('192.0.2.7', 'm.example', 'env@example.com')]),
      ),
    ).toBe('env@example.com');
    expect(envelopeFrom(message([['Return-Path', '<rp@example.com>']], [relay('192.0.2.7', 'm.example')]))).toBe(
      'rp@example.com',
    );
    // A Return-Path below a Received field may be a list's new envelope: not used.
    expect(
      envelopeFrom(
        message(
          [
            ['Received', 'from a by b'],
            ['Return-Path', '<rp@example.com>'],
          ],
          [relay('192.0.2.7', 'm.example')],
        ),
      ),
    ).toBeUndefined();
    expect(
      addrs(
        [
          ['From', 'a@example.com'],
          ['Return-Path', '<rp@example.com>'],
        ],
        [relay('192.0.2.7', 'm.example')],
      ),
    ).toEqual(['a@example.com', 'rp@example.com']);
  });

  it('stays cheap on hostile prefs and addresses: no dearer than globs that never match there', () => {
    // 198 globs (the bound is 200) whose pieces can match at every position of 300-character
    // addresses, against 50 such addresses (the most tried): the naive piece search's worst case.
    // The baseline, measured in the same run: globs of the same shape and length whose letters
    // never occur in those addresses, which a naive search rejects at the first character. The
    // bit-parallel search reads each address once per glob in both cases, so their ratio stays
    // near 1; a naive search makes it 50 and more (4.4 s against 86 ms when measured).
    const globsOf = (letter: string) => (i: number) => `*${`${letter}?`.repeat(60)}b${i}*`;
    const linesOf = (glob: (i: number) => string) =>
      Array.from({ length: 66 }, (_, l) => `welcomelist_from ${glob(3 * l)} ${glob(3 * l + 1)} ${glob(3 * l + 2)}`);
    const hostile = prefsOf(linesOf(globsOf('a')));
    const baseline = prefsOf(linesOf(globsOf('c')));
    expect(hostile.welcomelistFrom.size).toBe(198);
    const from = Array.from({ length: 60 }, (_, i) => `${'a'.repeat(300)}${i}@x`).join(', ');
    const msg = () => message([['From', from]], [relay('192.0.2.7', 'm.example')]);
    expect(allFromAddrs(msg())).toHaveLength(50);
    expect(runRuleSet(shippedRuleSet(), msg(), { prefs: hostile }).hits.map((h) => h.name)).not.toContain(
      'USER_IN_WELCOMELIST',
    );
    // Best of three of each, interleaved; a fresh message each time (the state is cached per message).
    const time = (prefs: WelcomelistPrefs) => {
      const m = msg();
      const started = performance.now();
      expect(welcomelistState(m, prefs).welcomelist).toBe(0);
      return performance.now() - started;
    };
    let h = Infinity;
    let b = Infinity;
    for (let i = 0; i < 3; i++) {
      h = Math.min(h, time(hostile));
      b = Math.min(b, time(baseline));
    }
    console.log(`hostile welcome lists: ${h.toFixed(1)} ms; baseline ${b.toFixed(1)} ms; ratio ${(h / b).toFixed(2)}`);
    expect(h / b).toBeLessThan(5);
  });

  it('blocklist_from: USER_IN_BLOCKLIST (+100) on any From-side address, un* and the 3.x name as for the welcome lists', () => {
    const from: [string, string][] = [['From', 'Joe <joe@spammer.example>']];
    expect(fired(message(from), ['blocklist_from *@spammer.example'])).toEqual(['USER_IN_BLOCKLIST']);
    expect(fired(message(from), ['Blacklist-From *@SPAMMER.example'])).toEqual(['USER_IN_BLOCKLIST']);
    expect(fired(message(from), ['blocklist_from *@other.example'])).toEqual([]);
    expect(fired(message(from), ['blocklist_from *@spammer.example', 'unblocklist_from *@spammer.example'])).toEqual(
      [],
    );
    // Not a relay test: a block-listed Resent-From or envelope sender counts as well.
    expect(
      fired(
        message([
          ['From', 'a@good.example'],
          ['Resent-From', 'x@spammer.example'],
        ]),
        ['blocklist_from x@spammer.example'],
      ),
    ).toEqual(['USER_IN_BLOCKLIST']);
    // Both lists name the sender: both rules fire, as in SpamAssassin (+100 and -100).
    expect(
      fired(message(from), ['welcomelist_from joe@spammer.example', 'blocklist_from *@spammer.example']).sort(),
    ).toEqual(['USER_IN_BLOCKLIST', 'USER_IN_WELCOMELIST']);
    const set = shippedRuleSet();
    expect(set.byName.get('USER_IN_BLOCKLIST')?.score).toBe(100);
    // Entries count toward the bound of 200 addresses like the welcome lists'.
    const many = Array.from(
      { length: 5 },
      () => `blocklist_from ${Array.from({ length: 50 }, (_, i) => `u${i}@e.x`).join(' ')}`,
    );
    expect(parseWelcomelistPrefs(many).errors).toEqual([{ line: 4, message: 'more than 200 addresses in all' }]);
  });

  it('To-side lists: all_to_addrs (Resent-To/-Cc first, else Received "for" of the three newest, To...Cc) and their scores', () => {
    const set = shippedRuleSet();
    expect(
      ['USER_IN_WELCOMELIST_TO', 'USER_IN_MORE_SPAM_TO', 'USER_IN_ALL_SPAM_TO', 'USER_IN_BLOCKLIST_TO'].map(
        (n) => set.byName.get(n)?.score,
      ),
    ).toEqual([-6, -20, -100, 10]);
    const to: [string, string][] = [
      ['To', 'Ann <ann@example.com>'],
      ['Cc', 'bob@example.org, "Cy" <cy@example.net>'],
    ];
    expect(allToAddrs(message(to))).toEqual(['ann@example.com', 'bob@example.org', 'cy@example.net']);
    expect(fired(message(to), ['welcomelist_to ann@example.com'])).toEqual(['USER_IN_WELCOMELIST_TO']);
    expect(fired(message(to), ['more_spam_to *@example.org'])).toEqual(['USER_IN_MORE_SPAM_TO']);
    expect(fired(message(to), ['all_spam_to cy@*'])).toEqual(['USER_IN_ALL_SPAM_TO']);
    expect(fired(message(to), ['Blacklist_To *@EXAMPLE.net'])).toEqual(['USER_IN_BLOCKLIST_TO']);
    expect(fired(message(to), ['whitelist_to nobody@example.com'])).toEqual([]);
    // Resent-To / Resent-Cc (the first of each) replace every other source.
    const resent: [string, string][] = [...to, ['Resent-To', 'rs@example.com'], ['Resent-To', 'later@example.com']];
    expect(allToAddrs(message(resent))).toEqual(['rs@example.com']);
    expect(fired(message(resent), ['welcomelist_to ann@example.com'])).toEqual([]);
    // Received "for": the three newest fields only, bracketed or not, the domain a valid FQDN.
    const rcvd = (n: number, forClause: string): [string, string] => [
      'Received',
      `from h${n}.example (h${n}.example [192.0.2.${n}]) by mx.example.net with ESMTP id X${n}${forClause}; Mon, 1 Jan 2024 00:00:0${n} +0000`,
    ];
    const viaReceived = message([
      rcvd(1, ' for <one@example.com>'),
      rcvd(2, ' for two@example.com'),
      rcvd(3, ' for <jm@localhost>'),
      rcvd(4, ' for <four@example.com>'),
      ['To', 'list@example.org'],
    ]);
    expect(allToAddrs(viaReceived)).toEqual(['one@example.com', 'two@example.com', 'list@example.org']);
  });

  it('receivedFor reads what / for <?(\\S+\\@(\\S+?))>?;/ matches, on 20,000 random lines', () => {
    // The Perl pattern (JavaScript's engine backtracks the same way on it), on short lines where
    // its backtracking costs nothing, against the linear reading.
    const re = / for <?(\S+@(\S+?))>?;/;
    const alphabet = [' ', ' for ', ' for <', '<', '>', '@', ';', 'a', 'b.c', '\t', 'x@y;'];
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let matched = 0;
    for (let i = 0; i < 20_000; i++) {
      let line = '';
      for (let k = 0, n = 1 + rnd(12); k < n; k++) line += alphabet[rnd(alphabet.length)];
      const m = re.exec(line);
      const ours = receivedFor(line);
      expect(ours, JSON.stringify(line)).toEqual(m ? { address: m[1], domain: m[2] } : undefined);
      if (m) matched++;
    }
    expect(matched).toBeGreaterThan(1000); // the lines exercise the match, not only its absence
  });

  it('the finding says a block-listed sender is why the message scores', async () => {
    const raw = readFileSync(join(SA_FIXTURES, 'ham/008.eml'));
    const { result, findings } = await analyze(raw, {}, undefined, {
      filterPrefs: prefsOf(['blocklist_from *@example.com']),
    });
    const f = findings.find((x) => x.code === 'SPAMASSASSIN_RULES')!;
    expect(f.detail).toMatch(/^\d+ SpamAssassin rule\(s\), [\d.]+ points: USER_IN_BLOCKLIST \(100\)/);
    expect(f.detail).toMatch(/on the recipient's blocklist_from: USER_IN_BLOCKLIST adds 100 points\./);
    expect(result.isSpam).toBe(true);
    expect(result.score).toBeGreaterThanOrEqual(100);
  });
});
