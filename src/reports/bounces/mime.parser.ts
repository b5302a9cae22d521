import { linearRegex } from '../../common/text/linear-regex';

/**
 * A small, forgiving MIME walker for bounce messages (RFC 2045/2046). Bounces are often
 * malformed (missing boundaries, wrong charsets, 8-bit text in 7-bit parts), so this never
 * throws: unknown structure degrades to one text part. Input is handled as a binary ("latin1")
 * string so bytes survive until a leaf is decoded with its own charset.
 */
export interface MimePart {
  /** Lower-cased header name -> unfolded raw values, in order. */
  headers: Map<string, string[]>;
  /** "type/subtype", lower-cased; text/plain when absent (RFC 2045 §5.2). */
  contentType: string;
  params: Record<string, string>;
  /** Decoded body text for leaves; the raw body for multiparts. */
  text: string;
  parts: MimePart[];
}

const MAX_DEPTH = 8;
// Linear engine for the header scans: header values are a stranger's, and as backtracking
// searches these are quadratic on a long run of blanks.
const CT_PARAM = linearRegex(/(?:;|\s)\s*([\w*.-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]+)/g);
const LOST_BOUNDARY = linearRegex(/^\s*boundary\s*=\s*"?([^"\r\n;]+)"?/im);
const MAX_PARTS = 200;

export function parseHeaders(block: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  // RFC 5322 §2.2.3: folded lines start with white space.
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const m = /^([!-9;-~]+)\s*:\s?(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1].toLowerCase();
    const list = headers.get(name) ?? [];
    list.push(m[2].trim());
    headers.set(name, list);
  }
  return headers;
}

export function header(part: { headers: Map<string, string[]> }, name: string): string | undefined {
  return part.headers.get(name)?.[0];
}

function parseContentType(value: string | undefined): { type: string; params: Record<string, string> } {
  if (!value) return { type: 'text/plain', params: {} };
  // Folded values sometimes lose their ';' ("text/plain\n   charset=..."): take the first token.
  const typePart = /^\s*([\w.+-]+\/[\w.+-]+)/.exec(value)?.[1] ?? '';
  const params: Record<string, string> = {};
  for (const m of CT_PARAM.matchAll(value)) {
    params[m[1].toLowerCase()] = m[2].replace(/^"|"$/g, '').replace(/\\(.)/g, '$1');
  }
  return { type: typePart.trim().toLowerCase() || 'text/plain', params };
}

function decodeQuotedPrintable(s: string): string {
  return s.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Bytes (as a binary string) -> text in the named charset; unknown charsets fall back to UTF-8. */
export function decodeCharset(binary: string, charset: string | undefined): string {
  const bytes = Buffer.from(binary, 'latin1');
  const cs = (charset ?? 'utf-8').toLowerCase().replace(/^(x-|cs)/, '');
  if (cs === 'us-ascii' || cs === 'ascii') return bytes.toString('latin1');
  try {
    const text = new TextDecoder(cs).decode(bytes);
    // Mislabelled parts (UTF-8 text declared as ISO-2022-JP, say): prefer a clean UTF-8 reading.
    if (text.includes('\uFFFD') && cs !== 'utf-8' && cs !== 'utf8') {
      const utf8 = new TextDecoder('utf-8').decode(bytes);
      if (!utf8.includes('\uFFFD')) return utf8;
    }
    return text;
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** RFC 2047 encoded-words in headers (Subject of Japanese bounces, for instance). */
export function decodeEncodedWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=\s*(?==\?)?/g, (_, cs: string, enc: string, data: string) => {
    const binary =
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('latin1')
        : decodeQuotedPrintable(data.replace(/_/g, ' '));
    return decodeCharset(binary, cs);
  });
}

function decodeBody(body: string, encoding: string | undefined, charset: string | undefined): string {
  const cte = (encoding ?? '').toLowerCase().trim();
  let binary = body;
  if (cte === 'base64') binary = Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1');
  else if (cte === 'quoted-printable') binary = decodeQuotedPrintable(body);
  return decodeCharset(binary, charset);
}

function splitHeaderBody(raw: string): [string, string] {
  const m = /\r?\n\r?\n/.exec(raw);
  if (!m) return [raw, ''];
  return [raw.slice(0, m.index), raw.slice(m.index + m[0].length)];
}

let partBudget = 0;

function parsePart(raw: string, depth: number, defaultType = 'text/plain'): MimePart {
  partBudget++;
  const [head, body] = splitHeaderBody(raw);
  const headers = parseHeaders(head);
  const ctHeader = header({ headers }, 'content-type');
  const { type, params } = ctHeader ? parseContentType(ctHeader) : { type: defaultType, params: {} };
  // A boundary parameter on an unindented line (broken folding) is lost by header parsing.
  if (type.startsWith('multipart/') && !params.boundary) {
    const b = LOST_BOUNDARY.exec(head);
    if (b) params.boundary = b[1];
  }
  const part: MimePart = { headers, contentType: type, params, text: '', parts: [] };
  if (type.startsWith('multipart/') && params.boundary && depth < MAX_DEPTH) {
    part.text = body;
    const delimiter = `--${params.boundary}`;
    const chunks = body.split(
      new RegExp(`^${delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?$`, 'm'),
    );
    // chunks[0] is the preamble; a part after the closing delimiter is the epilogue.
    const childDefault = type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    for (const chunk of chunks.slice(1)) {
      if (partBudget > MAX_PARTS) break;
      const trimmed = chunk.replace(/^\r?\n/, '');
      if (trimmed.trim().length === 0) continue;
      part.parts.push(parsePart(trimmed, depth + 1, childDefault));
    }
    if (part.parts.length === 0) {
      // Boundary declared but never used: read the body as plain text.
      part.contentType = 'text/plain';
      part.text = decodeBody(body, header({ headers }, 'content-transfer-encoding'), params.charset);
    }
    return part;
  }
  const cte = header({ headers }, 'content-transfer-encoding');
  if (type.startsWith('multipart/')) part.contentType = 'text/plain';
  part.text = type === 'message/rfc822' ? decodeBody(body, cte, 'latin1') : decodeBody(body, cte, params.charset);
  return part;
}

/** Parse a whole message; `raw` may be a Buffer or a string. */
export function parseMime(raw: string | Buffer): MimePart {
  partBudget = 0;
  const binary = typeof raw === 'string' ? Buffer.from(raw, 'utf8').toString('latin1') : raw.toString('latin1');
  return parsePart(binary.replace(/^(?:From [^\n]*\n)/, ''), 0);
}

/** Depth-first list of all leaf parts. */
export function leaves(part: MimePart): MimePart[] {
  if (part.parts.length === 0) return [part];
  return part.parts.flatMap(leaves);
}

/** A raw header value (binary string) as text: 8-bit bytes read as UTF-8 when valid, then RFC 2047. */
export function headerText(value: string | undefined): string {
  if (!value) return '';
  let text = value;
  if (/[\x80-\xff]/.test(value)) {
    const utf8 = Buffer.from(value, 'latin1').toString('utf8');
    if (!utf8.includes('\uFFFD')) text = utf8;
  }
  return decodeEncodedWords(text);
}
