import { describe, expect, it } from 'vitest';
import { analyzeObfuscation } from '../../src/content-spam-check/analysis/obfuscation.analysis';
import { parseMailDate, parseReceived } from '../../src/content-spam-check/analysis/received.analysis';
import { analyzeText, PHRASE_LIST_VERSION } from '../../src/content-spam-check/analysis/text.analysis';
import { analyze } from './helpers';

/**
 * The header, Received-chain, recipient and obfuscation rules: each one's positive case is its
 * fixture (test/fixtures/content/<CODE>.eml, asserted by content-fixtures.test.ts); here are the
 * look-alike legitimate messages on which it must stay silent, and the parsers under them.
 */
const HEAD = [
  'From: Bob Sender <bob@sender.example>',
  'To: Ann <ann@receiver.example>',
  'Subject: Minutes of the Monday meeting',
  'Date: Tue, 01 Jul 2025 10:00:00 +0000',
  'Message-ID: <fixture-1@sender.example>',
  'MIME-Version: 1.0',
];
const TEXT = ['Content-Type: text/plain; charset=utf-8', '', 'Hello Ann,', '', 'the minutes are below.', '', 'Bob', ''];

/** A clean message with header lines replaced (same name) or added. */
function mail(extra: string[], body: string[] = TEXT): string {
  const names = new Set(extra.map((l) => l.split(':')[0]!.toLowerCase()));
  return [...extra, ...HEAD.filter((l) => !names.has(l.split(':')[0]!.toLowerCase())), ...body].join('\r\n');
}

async function fired(raw: string): Promise<string[]> {
  return (await analyze(raw)).result.rules.map((r) => r.code);
}

describe('Received parsing (RFC 5321 §4.4)', () => {
  it('reads Postfix, Exim, Sendmail and fetchmail layouts', () => {
    expect(
      parseReceived(
        'from mail.a.example (mail.a.example [192.0.2.1]) by mx.b.example (Postfix) with ESMTPS id X; Tue, 01 Jul 2025 10:00:00 +0000',
      ),
    ).toMatchObject({
      helo: 'mail.a.example',
      rdns: 'mail.a.example',
      ip: '192.0.2.1',
      by: 'mx.b.example',
      protocol: 'ESMTPS',
      authenticated: false,
      date: Date.UTC(2025, 6, 1, 10),
    });
    expect(
      parseReceived(
        'from host.a.example ([192.0.2.2] helo=laptop) by mx.b.example with esmtpsa (Exim 4.96) id Y; Tue, 01 Jul 2025 10:00:00 +0000',
      ),
    ).toMatchObject({
      helo: 'laptop',
      rdns: 'host.a.example',
      ip: '192.0.2.2',
      protocol: 'ESMTPSA',
      authenticated: true,
    });
    expect(
      parseReceived('from x.example (unknown [198.51.100.3]) by mx.b.example (Postfix) with SMTP id Z'),
    ).toMatchObject({ helo: 'x.example', rdns: 'unknown', ip: '198.51.100.3' });
    expect(
      parseReceived(
        'from trna.example (IDENT:nobody@localhost [127.0.0.1]) by trna.example (8.9.3/8.9.3) with ESMTP id S',
      ),
    ).toMatchObject({ rdns: 'localhost', ip: '127.0.0.1' });
    expect(parseReceived('from dogma.example [212.17.35.15] by localhost with IMAP (fetchmail-5.9.0)')).toMatchObject({
      helo: 'dogma.example',
      ip: '212.17.35.15',
      protocol: 'IMAP',
    });
  });

  it('reads dates without a zone as UTC, never as local time (RFC 5322 §3.3)', () => {
    expect(parseMailDate('Fri, 7 Dec 2001 07:01:03')).toEqual({ ms: Date.UTC(2001, 11, 7, 7, 1, 3), hasZone: false });
    expect(parseMailDate('Thu, 6 Dec 2001 09:21:06 -0000 (GMT)')).toMatchObject({ hasZone: true });
    expect(parseMailDate('Mon, 09 Feb 04 23:17:44 GMT')).toMatchObject({ hasZone: true });
  });
});

describe('rules stay silent on legitimate look-alikes', () => {
  it('a dated Date with a zone, written within 3 hours of the first relay', async () => {
    const codes = await fired(
      mail([
        'Received: from mail.sender.example (mail.sender.example [192.0.2.10]) by mx.receiver.example (Postfix) with ESMTPS id A; Tue, 01 Jul 2025 08:00:30 +0000',
      ]),
    );
    expect(codes).not.toContain('DATE_IN_FUTURE');
    expect(codes).not.toContain('DATE_NO_TIMEZONE');
  });

  it("webmail (with HTTP) and authenticated submission from a bare IP are the user's own client", async () => {
    const codes = await fired(
      mail([
        'Received: from mx.sender.example (mx.sender.example [192.0.2.10]) by mx.receiver.example (Postfix) with ESMTPS id B; Tue, 01 Jul 2025 10:00:01 +0000',
        'Received: from 203.0.113.5 (SquirrelMail authenticated user bob) by sender.example with HTTP; Tue, 01 Jul 2025 10:00:00 -0000',
        'Received: from 203.0.113.6 (cm-203-0-113-6.cable.isp.example [203.0.113.6]) by smtp.sender.example with ESMTPSA id C; Tue, 01 Jul 2025 10:00:00 +0000',
      ]),
    );
    expect(codes.filter((c) => c.startsWith('RCVD_'))).toEqual([]);
  });

  it('a provider-named HELO confirmed by reverse DNS, an address literal, a static host on a cable network', async () => {
    const codes = await fired(
      mail([
        'Received: from yahoo.com (mta7.yahoo.com [198.51.100.70]) by mx.receiver.example (Postfix) with ESMTP id D; Tue, 01 Jul 2025 10:00:01 +0000',
        'Received: from [192.0.2.9] (mail.sender.example [192.0.2.9]) by mx.receiver.example (Postfix) with ESMTP id E; Tue, 01 Jul 2025 10:00:01 +0000',
        'Received: from pop.bloor.cable.isp.example (pop.bloor.cable.isp.example [203.0.113.80]) by mx.receiver.example with ESMTP id F; Tue, 01 Jul 2025 10:00:01 +0000',
        'Received: from localhost (localhost [127.0.0.1]) by mx.receiver.example (Postfix) with ESMTP id G; Tue, 01 Jul 2025 10:00:01 +0000',
      ]),
    );
    expect(codes.filter((c) => c.startsWith('RCVD_'))).toEqual([]);
  });

  it("real Outlook Express Message-IDs, a UUID Message-ID, and a display name with the sender's own address", async () => {
    const oe = await fired(
      mail(['X-Mailer: Microsoft Outlook Express 6.00.2800.1106', 'Message-ID: <000301c21009$256f5ac0$190863d9@ppp>']),
    );
    expect(oe).not.toContain('MUA_FORGED_OUTLOOK');
    const other = await fired(
      mail([
        'From: "bob@sender.example" <bob@sender.example>',
        'Message-ID: <8F0B2C1D-0A57-4E1B-9A83-0F3C7C6E1D22@sender.example>',
      ]),
    );
    expect(other).not.toContain('FROM_DISPLAY_NAME_SPOOF');
    expect(other).not.toContain('MSGID_RATWARE');
  });

  it('ordinary numbers in a subject, 14 visible recipients, one mailbox name at two domains', async () => {
    const to = Array.from({ length: 12 }, (_, i) => `person${i}@receiver.example`).join(', ');
    const codes = await fired(
      mail([`Subject: Order 48213 shipped - invoice 2025-07`, `To: ${to}`, 'Cc: info@one.example, info@two.example']),
    );
    expect(codes).not.toContain('SUBJECT_TRACKING_ID');
    expect(codes).not.toContain('RECIPIENTS_MANY');
    expect(codes).not.toContain('RECIPIENTS_SIMILAR');
  });

  it('UTF-8 text declared as such, with 8-bit bytes', async () => {
    const codes = await fired(
      mail(
        [],
        ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', 'Caf\u00e9 at noon.', ''],
      ),
    );
    expect(codes).not.toContain('TEXT_8BIT_UNDECLARED');
  });
});

describe('HTML word obfuscation', () => {
  it('counts invisible splitters inside words', () => {
    expect(
      analyzeObfuscation('mi<himum>ll<himum>ion V<? x >IA<?xml y>GR</nothing>A 10<b></b>0% ou<!-- c -->r G</>UA')
        .splits,
    ).toBe(8);
  });
  it('does not count formatting, line breaks, word-break hints or "<" as text', () => {
    const r = analyzeObfuscation(
      '<b>S</b>ale Hello<br>World super<wbr>califragilistic OPPO<>RTUNITY OPPO< >RTUNITY OPPO< foo >RTUNITY <span>A</span>B',
    );
    expect(r.splits).toBe(0);
  });
});

describe(`phrase list ${PHRASE_LIST_VERSION}: pattern families`, () => {
  const hits = (s: string) => analyzeText('', s).phraseHits.map((h) => h.phrase);
  it.each([
    ['Cheap V1AGRA here', 'viagra'],
    ['buy via.gra', 'viagra'],
    ['C1a115 is a spammy way to write Cialis', 'cialis'],
    ['L3VITRA', 'levitra'],
    ['V1c0d1n', 'vicodin'],
    ['No prescription needed!', 'no prescription'],
    ["meds without a doctor's prescription", 'without prescription'],
    ['You have been specially selected', 'you have been'],
  ])('"%s" hits the %s family', (text, label) => {
    expect(hits(text).some((p) => p.startsWith(label))).toBe(true);
  });
  it('fires on an "ADV:" subject tag only at the start of the subject', () => {
    expect(analyzeText('ADV: your new house', '').phraseHits.map((h) => h.phrase)).toContain('ADV: subject tag');
    expect(analyzeText('Re: the ADV: tag', '').phraseHits.map((h) => h.phrase)).not.toContain('ADV: subject tag');
  });
  it.each([
    'The social isolation study',
    'special items via Grande Avenue',
    'Note: prescription renewals are on Monday',
    'a valid xanadu trip',
    'my evaluation',
  ])('stays silent on "%s"', (text) => {
    expect(hits(text)).toEqual([]);
  });
});
