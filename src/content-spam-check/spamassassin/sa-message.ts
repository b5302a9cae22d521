/**
 * The views of a message SpamAssassin's rule types read, built from the facts the engine already
 * computed (Mail::SpamAssassin::Message get_rendered_body_text_array / get_decoded_body_text_array /
 * get_uri_list / get_pristine, simplified): strings are byte strings (UTF-8 bytes, one character
 * each), as SpamAssassin sees them with its default `normalize_charset 0`.
 */
import { isIpv4, isPrivateIpv4, receivedHops } from '../analysis/received.analysis';
import type { MessageFacts } from '../rules/rule.types';
import type { SaMessage } from './sa-rules';

const bytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

/** Text of an encoded-word's bytes in its charset (TextDecoder knows the WHATWG set). */
function decodeCharset(data: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset.toLowerCase().split('*', 1)[0]).decode(data);
  } catch {
    return data.toString('latin1');
  }
}

/** RFC 2047 encoded-words of a header value, decoded; the whitespace between two of them dropped. */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  return value
    .replace(/(\?=)[ \t]{1,200}(?==\?)/g, '$1')
    .replace(/=\?([^?\s]{1,60})\?([bBqQ])\?([^?\s]{0,2000})\?=/g, (_, cs: string, enc: string, data: string) => {
      const buf =
        enc.toUpperCase() === 'B'
          ? Buffer.from(data, 'base64')
          : Buffer.from(
              data
                .replace(/_/g, ' ')
                .replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
              'latin1',
            );
      return decodeCharset(buf, cs);
    });
}

/** SpamAssassin's paragraphs: blank lines separate them, other white space runs become one space. */
function paragraphs(text: string): string[] {
  return text
    .split(/\n[ \t\r\f\v]*\n/)
    .map((p) => p.replace(/\s+/g, ' '))
    .filter((p) => p !== '' && p !== ' ');
}

/**
 * SpamAssassin's relay pseudo-headers (Mail::SpamAssassin::Message::Metadata::Received): one
 * "[ ip= rdns= helo= by= ident= envfrom= intl= id= auth= msa= ]" per Received field that names
 * a client IP, newest first. With no trusted_networks set (our spamd's configuration, and the
 * default), the relays from the top down are trusted while their IP is private or they
 * authenticated; the first other one and all below it are untrusted (and external).
 * A mail fetcher's handover (`by localhost with POP3 (fetchmail-6.2.1)`, getmail's `with IMAP`)
 * names no relay, and met while still trusted it restarts the parse: the relays above it are the
 * local delivery of fetched mail, not the message's path (Received.pm found_pop_fetcher_sig).
 */
export function relayHeaders(received: string[]): { name: string; value: string }[] {
  const trusted: string[] = [];
  const untrusted: string[] = [];
  let inTrusted = true;
  for (const hop of receivedHops(received)) {
    // Received.pm parse_received_line: `/with (?:POP3|IMAP)/` (case as written) marks the fetcher.
    if (/with (?:POP3|IMAP)/.test(hop.raw)) {
      if (inTrusted) trusted.length = 0;
      continue;
    }
    if (!hop.ip) continue;
    const ip = hop.ip;
    const rdns = hop.rdns && hop.rdns !== 'unknown' ? hop.rdns : '';
    const envfrom = /envelope-from <?([^\s<>;]{1,300})/i.exec(hop.raw)?.[1] ?? '';
    const id = /\bid <?([^\s<>;]{1,200})/i.exec(hop.raw)?.[1] ?? '';
    const auth = hop.authenticated ? (hop.protocol ?? 'auth') : '';
    const isPrivate = isIpv4(ip) ? isPrivateIpv4(ip) : /^(?:::1$|fe80:|f[cd])/i.test(ip);
    if (inTrusted && !isPrivate && !auth) inTrusted = false;
    const s = `[ ip=${ip} rdns=${rdns} helo=${hop.helo ?? ''} by=${hop.by ?? ''} ident= envfrom=${envfrom} intl=${inTrusted ? 1 : 0} id=${id} auth=${auth} msa=0 ]`;
    (inTrusted ? trusted : untrusted).push(s);
  }
  return [
    { name: 'X-Spam-Relays-Trusted', value: trusted.join(' ') },
    { name: 'X-Spam-Relays-Untrusted', value: untrusted.join(' ') },
    { name: 'X-Spam-Relays-Internal', value: trusted.join(' ') },
    { name: 'X-Spam-Relays-External', value: untrusted.join(' ') },
  ];
}

export function saMessage(f: MessageFacts): SaMessage {
  const headers = f.header.headers
    .filter((h) => !h.key.startsWith('x-spam-relays-'))
    .map((h) => ({
      name: h.name,
      key: h.key,
      value: bytes(decodeWords(h.value)),
      raw: bytes(h.value),
    }));
  for (const r of relayHeaders(f.header.headers.filter((h) => h.key === 'received').map((h) => h.value)))
    headers.push({ name: r.name, key: r.name.toLowerCase(), value: bytes(r.value), raw: bytes(r.value) });
  const html = f.htmlReport?.visibleText ?? '';
  const rendered = [f.text, html].filter((t) => t !== '').join('\n\n');
  const subject = bytes(f.subject.replace(/\r?\n/g, ''));
  const bodyLines = [subject, ...paragraphs(bytes(rendered))];
  const rawText = [f.text, f.html ?? ''].filter((t) => t !== '').join('\n');
  const rawLines = bytes(rawText)
    .split(/\r?\n/)
    .filter((l) => l !== '');
  return {
    headers,
    bodyLines,
    rawLines,
    uris: f.urlReport.urls.map(bytes),
    full: f.raw.toString('latin1'),
  };
}
