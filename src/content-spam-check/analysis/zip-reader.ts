import { inflateRawSync } from 'node:zlib';

/**
 * Reads a ZIP archive's central directory (APPNOTE.TXT §4.3.12-4.3.16) without inflating
 * anything, so a zip bomb costs only the directory walk: entries are capped, sizes are the declared
 * ones, and overlapping local headers (the "non-recursive" bomb shape) are detected from offsets.
 */
export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  method: number;
  encrypted: boolean;
  localOffset: number;
}

export interface ZipListing {
  ok: boolean;
  error?: string;
  entries: ZipEntry[];
  /** Entries the directory declares (may exceed what we read). */
  declaredEntries: number;
  truncated: boolean;
  totalUncompressed: number;
  totalCompressed: number;
  /** Several entries share or overlap local file data. */
  overlapping: boolean;
}

const EOCD = 0x06054b50;
const CEN = 0x02014b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;

export function isZip(buf: Buffer): boolean {
  return buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50;
}

export function readZipDirectory(buf: Buffer, maxEntries: number): ZipListing {
  const out: ZipListing = {
    ok: false,
    entries: [],
    declaredEntries: 0,
    truncated: false,
    totalUncompressed: 0,
    totalCompressed: 0,
    overlapping: false,
  };
  // §4.3.16: the end record sits in the last 22 + 65535 (comment) bytes.
  const from = Math.max(0, buf.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = buf.length - 22; i >= from; i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return { ...out, error: 'no end-of-central-directory record' };
  let count = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  // §4.3.15: ZIP64 locator just before the classic end record.
  if ((count === 0xffff || cdOffset === 0xffffffff) && eocd >= 20 && buf.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) {
    const z64 = Number(buf.readBigUInt64LE(eocd - 20 + 8));
    if (z64 + 56 <= buf.length && buf.readUInt32LE(z64) === ZIP64_EOCD) {
      count = Number(buf.readBigUInt64LE(z64 + 32));
      cdSize = Number(buf.readBigUInt64LE(z64 + 40));
      cdOffset = Number(buf.readBigUInt64LE(z64 + 48));
    }
  }
  out.declaredEntries = count;
  if (cdOffset + cdSize > buf.length) return { ...out, error: 'central directory lies outside the file' };
  let p = cdOffset;
  const limit = Math.min(count, maxEntries);
  for (let n = 0; n < limit; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CEN)
      return { ...out, error: `central directory entry ${n} is corrupt` };
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    let compressedSize = buf.readUInt32LE(p + 20);
    let uncompressedSize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    let localOffset = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString(flags & 0x800 ? 'utf8' : 'latin1');
    // §4.5.3: ZIP64 extra field carries the real sizes when the classic ones are 0xFFFFFFFF.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd && e + 4 <= buf.length) {
      const id = buf.readUInt16LE(e);
      const len = buf.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (uncompressedSize === 0xffffffff && q + 8 <= buf.length) {
          uncompressedSize = Number(buf.readBigUInt64LE(q));
          q += 8;
        }
        if (compressedSize === 0xffffffff && q + 8 <= buf.length) {
          compressedSize = Number(buf.readBigUInt64LE(q));
          q += 8;
        }
        if (localOffset === 0xffffffff && q + 8 <= buf.length) {
          localOffset = Number(buf.readBigUInt64LE(q));
        }
      }
      e += 4 + len;
    }
    out.entries.push({ name, compressedSize, uncompressedSize, method, encrypted: (flags & 1) === 1, localOffset });
    out.totalCompressed += compressedSize;
    out.totalUncompressed += uncompressedSize;
    p = extraEnd + commentLen;
  }
  out.truncated = count > limit;
  const sorted = out.entries
    .filter((x) => !x.name.endsWith('/'))
    .map((x) => [x.localOffset, x.localOffset + x.compressedSize] as const)
    .sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i]![0] < sorted[i - 1]![1] || sorted[i]![0] === sorted[i - 1]![0]) {
      out.overlapping = true;
      break;
    }
  out.ok = true;
  return out;
}

/**
 * Extract one entry, bounded: only stored/deflated entries, at most `maxBytes` out (zlib stops
 * with ERR_BUFFER_TOO_LARGE beyond it). Used for nested archives, never for the whole archive.
 */
export function extractEntry(buf: Buffer, entry: ZipEntry, maxBytes: number): Buffer | undefined {
  const p = entry.localOffset;
  if (entry.encrypted || p + 30 > buf.length || buf.readUInt32LE(p) !== 0x04034b50) return undefined;
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  const data = buf.subarray(start, Math.min(buf.length, start + entry.compressedSize));
  try {
    if (entry.method === 0) return data.subarray(0, maxBytes);
    if (entry.method === 8) return inflateRawSync(data, { maxOutputLength: maxBytes });
  } catch {
    return undefined;
  }
  return undefined;
}
