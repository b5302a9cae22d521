import { headerValues, parseHeaderBlock, parseParams } from './header-block';

/**
 * A structural pass over the MIME tree (RFC 2045/2046) done by us, with hard bounds on depth and
 * part count, so malformed or hostile nesting is reported instead of crashing or stalling a parser.
 * Work is O(size x depth) with depth capped at `maxDepth`.
 */
export type MimeIssueKind =
  | 'unbalanced-boundary'
  | 'boundary-not-found'
  | 'multipart-without-boundary'
  | 'boundary-reused'
  | 'unknown-charset'
  | 'invalid-utf8'
  | 'too-deep'
  | 'too-many-parts';

export interface MimeIssue {
  kind: MimeIssueKind;
  path: string;
  detail: string;
}

export interface MimeLeaf {
  path: string;
  contentType: string;
  charset?: string;
  transferEncoding: string;
  disposition?: string;
  filename?: string;
  start: number;
  end: number;
  depth: number;
}

export interface MimeScan {
  parts: number;
  maxDepthSeen: number;
  leaves: MimeLeaf[];
  issues: MimeIssue[];
}

export interface MimeScanLimits {
  maxDepth: number;
  maxParts: number;
  maxHeaders: number;
}

const CHARSET_EXTRA = new Set([
  'utf-7',
  'unicode-1-1-utf-7',
  'ansi_x3.4-1968',
  'cp1252',
  'cp1251',
  'cp1250',
  'cp850',
  'cp437',
  'ks_c_5601-1987',
  '8bit',
  'default',
]);
/** Bytes decoded per text part for the charset check. */
const CHARSET_SAMPLE = 1024 * 1024;

export function isKnownCharset(label: string): boolean {
  const l = label.trim().toLowerCase();
  if (CHARSET_EXTRA.has(l)) return true;
  try {
    new TextDecoder(l);
    return true;
  } catch {
    return false;
  }
}

export function scanMime(buf: Buffer, limits: MimeScanLimits): MimeScan {
  const scan: MimeScan = { parts: 0, maxDepthSeen: 0, leaves: [], issues: [] };
  walk(buf, 0, buf.length, 0, '1', [], limits, scan);
  return scan;
}

function walk(
  buf: Buffer,
  start: number,
  end: number,
  depth: number,
  path: string,
  boundaries: string[],
  limits: MimeScanLimits,
  scan: MimeScan,
): void {
  if (scan.parts >= limits.maxParts) {
    if (!scan.issues.some((i) => i.kind === 'too-many-parts'))
      scan.issues.push({
        kind: 'too-many-parts',
        path,
        detail: `more than ${limits.maxParts} MIME parts; the rest were not inspected`,
      });
    return;
  }
  scan.parts++;
  scan.maxDepthSeen = Math.max(scan.maxDepthSeen, depth);
  const block = parseHeaderBlock(buf, { maxHeaders: limits.maxHeaders, start, end });
  const ct = parseParams(headerValues(block, 'content-type')[0] ?? 'text/plain');
  const cte = (headerValues(block, 'content-transfer-encoding')[0] ?? '7bit').trim().toLowerCase();
  const disp = headerValues(block, 'content-disposition')[0];
  const dispParsed = disp ? parseParams(disp) : undefined;

  if (ct.value.startsWith('multipart/')) {
    if (depth >= limits.maxDepth) {
      scan.issues.push({
        kind: 'too-deep',
        path,
        detail: `multipart nesting deeper than ${limits.maxDepth} levels; deeper parts were not inspected`,
      });
      return;
    }
    const boundary = ct.params.boundary;
    if (!boundary) {
      scan.issues.push({
        kind: 'multipart-without-boundary',
        path,
        detail: `${ct.value} has no boundary parameter (RFC 2046 §5.1.1 requires one)`,
      });
      return;
    }
    if (boundaries.includes(boundary)) {
      scan.issues.push({
        kind: 'boundary-reused',
        path,
        detail: `boundary "${boundary.slice(0, 70)}" is reused by a nested part (RFC 2046 §5.1.1)`,
      });
    }
    splitMultipart(buf, block.bodyOffset, end, boundary, depth, path, [...boundaries, boundary], limits, scan);
    return;
  }

  const leaf: MimeLeaf = {
    path,
    contentType: ct.value,
    transferEncoding: cte,
    start: block.bodyOffset,
    end,
    depth,
    ...(ct.params.charset ? { charset: ct.params.charset } : {}),
    ...(dispParsed ? { disposition: dispParsed.value } : {}),
    ...((dispParsed?.params.filename ?? ct.params.name)
      ? { filename: dispParsed?.params.filename ?? ct.params.name }
      : {}),
  };
  scan.leaves.push(leaf);
  if (ct.value.startsWith('text/')) checkCharset(buf, leaf, scan);
}

function splitMultipart(
  buf: Buffer,
  bodyStart: number,
  end: number,
  boundary: string,
  depth: number,
  path: string,
  boundaries: string[],
  limits: MimeScanLimits,
  scan: MimeScan,
): void {
  const delim = Buffer.from(`--${boundary}`, 'latin1');
  const starts: number[] = [];
  let closed = false;
  let pos = bodyStart;
  while (pos < end) {
    const at = buf.indexOf(delim, pos);
    if (at < 0 || at + delim.length > end) break;
    pos = at + delim.length;
    // RFC 2046 §5.1.1: a delimiter starts a line; "--" after it marks the close delimiter.
    if (at !== bodyStart && buf[at - 1] !== 0x0a) continue;
    if (buf[pos] === 0x2d && buf[pos + 1] === 0x2d) {
      closed = true;
      starts.push(at);
      break;
    }
    // Only transport padding (WSP) may follow the boundary on its line.
    let k = pos;
    while (buf[k] === 0x20 || buf[k] === 0x09) k++;
    if (k < end && buf[k] !== 0x0d && buf[k] !== 0x0a) continue;
    starts.push(at);
    if (starts.length > limits.maxParts) break;
  }
  if (starts.length === 0) {
    scan.issues.push({
      kind: 'boundary-not-found',
      path,
      detail: `boundary "${boundary.slice(0, 70)}" never appears in the body`,
    });
    return;
  }
  if (!closed)
    scan.issues.push({
      kind: 'unbalanced-boundary',
      path,
      detail: `no closing delimiter "--${boundary.slice(0, 70)}--" (RFC 2046 §5.1.1)`,
    });
  const count = closed ? starts.length - 1 : starts.length;
  for (let i = 0; i < count; i++) {
    const lineEnd = buf.indexOf(0x0a, starts[i]!);
    const partStart = lineEnd < 0 ? end : lineEnd + 1;
    // The CRLF before the next delimiter belongs to the delimiter.
    let partEnd = i + 1 < starts.length ? starts[i + 1]! : end;
    if (buf[partEnd - 1] === 0x0a) partEnd--;
    if (buf[partEnd - 1] === 0x0d) partEnd--;
    if (partEnd < partStart) partEnd = partStart;
    walk(buf, partStart, partEnd, depth + 1, `${path}.${i + 1}`, boundaries, limits, scan);
    if (scan.parts >= limits.maxParts && scan.issues.some((x) => x.kind === 'too-many-parts')) return;
  }
}

function checkCharset(buf: Buffer, leaf: MimeLeaf, scan: MimeScan): void {
  if (!leaf.charset) return;
  if (!isKnownCharset(leaf.charset)) {
    scan.issues.push({
      kind: 'unknown-charset',
      path: leaf.path,
      detail: `charset "${leaf.charset.slice(0, 60)}" is not a known character set`,
    });
    return;
  }
  if (!/^utf-?8$/i.test(leaf.charset.trim())) return;
  const body = decodeTransfer(
    buf.subarray(leaf.start, Math.min(leaf.end, leaf.start + CHARSET_SAMPLE * 2)),
    leaf.transferEncoding,
  ).subarray(0, CHARSET_SAMPLE);
  // A sample cut mid-character is not an error: decode in streaming mode when truncated.
  const truncated = leaf.end - leaf.start > CHARSET_SAMPLE;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body, { stream: truncated });
  } catch {
    scan.issues.push({
      kind: 'invalid-utf8',
      path: leaf.path,
      detail: 'declared charset=utf-8 but the text is not valid UTF-8',
    });
  }
}

/** Decode a body by its Content-Transfer-Encoding (RFC 2045 §6). Unknown encodings pass through. */
export function decodeTransfer(body: Buffer, cte: string): Buffer {
  if (cte === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (cte === 'quoted-printable') {
    const s = body.toString('latin1').replace(/=\r?\n/g, '');
    const out = Buffer.alloc(s.length);
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
        out[n++] = parseInt(s.slice(i + 1, i + 3), 16);
        i += 2;
      } else out[n++] = c;
    }
    return out.subarray(0, n);
  }
  return body;
}
