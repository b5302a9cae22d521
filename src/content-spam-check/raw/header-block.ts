/**
 * Our own reading of a header block (RFC 5322 §2.2), because mailparser merges duplicates and
 * gives up on huge blocks. Bounded: at most `maxHeaders` fields are kept; the rest are only
 * counted, so 100k header lines cost one linear scan and no per-field objects.
 */
export interface RawHeader {
  /** Field name as written. */
  name: string;
  /** Lower-cased name. */
  key: string;
  /** Unfolded value (RFC 5322 §2.2.3: CRLF followed by WSP is removed), trimmed. */
  value: string;
}

export interface HeaderBlock {
  headers: RawHeader[];
  /** Fields seen, including the ones not kept. */
  total: number;
  truncated: boolean;
  /** Lines that are neither a field nor a continuation (RFC 5322 §2.2: name ":" value). */
  malformedLines: number;
  /** Offset of the body in the input (after the blank line), or input length if none. */
  bodyOffset: number;
  /** No blank line separates header and body. */
  missingSeparator: boolean;
  /** 8-bit bytes in header values that are not valid UTF-8 (RFC 6532 allows UTF-8 only). */
  invalidUtf8: boolean;
}

const FIELD = /^([\x21-\x39\x3b-\x7e]+)[ \t]*:/;

export function findHeaderEnd(buf: Buffer, start = 0, end = buf.length): { headerEnd: number; bodyOffset: number } {
  // The first empty line ends the header. A message may use bare LF (common in files on disk).
  let i = start;
  // An empty header (body starts at once) is a blank first line.
  if (buf[i] === 0x0a) return { headerEnd: i, bodyOffset: i + 1 };
  if (buf[i] === 0x0d && buf[i + 1] === 0x0a) return { headerEnd: i, bodyOffset: i + 2 };
  while (i < end) {
    const nl = buf.indexOf(0x0a, i);
    if (nl < 0 || nl >= end) return { headerEnd: end, bodyOffset: end };
    const next = nl + 1;
    if (buf[next] === 0x0a) return { headerEnd: next, bodyOffset: next + 1 };
    if (buf[next] === 0x0d && buf[next + 1] === 0x0a) return { headerEnd: next, bodyOffset: next + 2 };
    i = next;
  }
  return { headerEnd: end, bodyOffset: end };
}

export function parseHeaderBlock(buf: Buffer, opts: { maxHeaders: number; start?: number; end?: number }): HeaderBlock {
  const start = opts.start ?? 0;
  const end = opts.end ?? buf.length;
  const { headerEnd, bodyOffset } = findHeaderEnd(buf, start, end);
  const block: HeaderBlock = {
    headers: [],
    total: 0,
    truncated: false,
    malformedLines: 0,
    bodyOffset,
    missingSeparator: bodyOffset >= end && headerEnd >= end,
    invalidUtf8: false,
  };
  const bytes = buf.subarray(start, headerEnd);
  let current: { name: string; parts: string[] } | null = null;
  const flush = () => {
    if (!current) return;
    if (block.headers.length < opts.maxHeaders) {
      block.headers.push({
        name: current.name,
        key: current.name.toLowerCase(),
        value: current.parts.join('').replace(/\s+/g, ' ').trim(),
      });
    } else block.truncated = true;
    current = null;
  };
  let pos = 0;
  while (pos < bytes.length) {
    let nl = bytes.indexOf(0x0a, pos);
    if (nl < 0) nl = bytes.length;
    const lineBuf = bytes.subarray(pos, nl > pos && bytes[nl - 1] === 0x0d ? nl - 1 : nl);
    pos = nl + 1;
    const first = lineBuf[0];
    if (first === 0x20 || first === 0x09) {
      // Continuation line of a folded field; only kept fields store their text.
      if (current && block.headers.length < opts.maxHeaders)
        (current as { parts: string[] }).parts.push(decodeLine(lineBuf, block));
      else if (!current) block.malformedLines++;
      continue;
    }
    flush();
    // Only decode the prefix needed to recognise the field name.
    const head = lineBuf.subarray(0, 200).toString('latin1');
    const m = FIELD.exec(head);
    if (!m) {
      // The mbox "From " envelope line is not a header field but is common in files; skip it.
      if (!(block.total === 0 && head.startsWith('From '))) block.malformedLines++;
      continue;
    }
    block.total++;
    if (block.headers.length < opts.maxHeaders)
      current = { name: m[1]!, parts: [decodeLine(lineBuf.subarray(m[0].length), block)] };
    else block.truncated = true;
  }
  flush();
  return block;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeLine(line: Buffer, block: HeaderBlock): string {
  // Fast path: 7-bit.
  let high = false;
  for (let i = 0; i < line.length; i++)
    if (line[i]! > 0x7f) {
      high = true;
      break;
    }
  if (!high) return line.toString('latin1');
  try {
    return utf8.decode(line);
  } catch {
    block.invalidUtf8 = true;
    return line.toString('latin1');
  }
}

/** All values of a field, in order. */
export function headerValues(block: HeaderBlock, key: string): string[] {
  return block.headers.filter((h) => h.key === key).map((h) => h.value);
}

/** Parameters of a structured header value (`type/sub; a=b; c="d"`), RFC 2045 §5.1; RFC 2231 continuations joined. */
export function parseParams(value: string): { value: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  const semi = value.indexOf(';');
  const main = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  if (semi < 0) return { value: main, params };
  const re = /;\s*([^=\s;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g;
  let m: RegExpExecArray | null;
  const rest = value.slice(semi);
  let guard = 0;
  while ((m = re.exec(rest)) && guard++ < 100) {
    const key = m[1]!.toLowerCase();
    const val = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    const cont = /^(.+?)\*(\d+)\*?$/.exec(key);
    if (cont) params[cont[1]!] = (params[cont[1]!] ?? '') + val;
    else params[key.replace(/\*$/, '')] = val;
  }
  return { value: main, params };
}
