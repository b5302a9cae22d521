import { constants, gunzipSync, inflateRawSync } from 'node:zlib';
import { isZip, readZipDirectory, type ZipEntry } from '../../content-spam-check/analysis/zip-reader';
import { ReportRejected, type ReportLimits } from './report.types';

/**
 * Bounded decompression of report attachments. gzip uses node:zlib with maxOutputLength (zlib
 * stops with ERR_BUFFER_TOO_LARGE, so a gzip bomb costs at most the limit); zip uses the project's
 * central-directory reader (content-spam-check), which checks declared sizes and the
 * compressed/uncompressed ratio before inflating anything, then inflates each entry bounded.
 */
export function isGzip(buf: Buffer): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

export { isZip };

function checkRatio(out: number, inSize: number, limits: ReportLimits, what: string): void {
  if (inSize > 0 && out / inSize > limits.maxRatio)
    throw new ReportRejected(
      'compression_ratio',
      `${what} expands ${Math.round(out / inSize)}x (limit ${limits.maxRatio}x): refused as a decompression bomb`,
    );
}

/** Offset of the deflate data after a gzip member header (RFC 1952 §2.3), or -1. */
function gzipDataOffset(buf: Buffer): number {
  const flags = buf[3] ?? 0;
  let p = 10;
  if (flags & 4) p += 2 + buf.readUInt16LE(p); // FEXTRA
  for (const bit of [8, 16])
    // FNAME, FCOMMENT: zero-terminated
    if (flags & bit) {
      const end = buf.indexOf(0, p);
      if (end < 0) return -1;
      p = end + 1;
    }
  if (flags & 2) p += 2; // FHCRC
  return p < buf.length ? p : -1;
}

const tooLarge = (e: unknown) =>
  (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError;

export function gunzipBounded(buf: Buffer, limits: ReportLimits): Buffer {
  const max = limits.maxDecompressedBytes;
  const refuse = () =>
    new ReportRejected('decompressed_too_large', `the gzip data expands beyond ${max} bytes: refused`);
  let out: Buffer;
  try {
    out = gunzipSync(buf, { maxOutputLength: max });
  } catch (e) {
    if (tooLarge(e)) throw refuse();
    // Some generators (Mimecast) write a header node:zlib rejects or a bad trailer: inflate the raw
    // deflate data after the header, still bounded, and accept what it yields.
    const at = gzipDataOffset(buf);
    try {
      if (at < 0) throw e;
      out = inflateRawSync(buf.subarray(at), { maxOutputLength: max, finishFlush: constants.Z_SYNC_FLUSH });
    } catch (e2) {
      if (tooLarge(e2)) throw refuse();
      throw new ReportRejected('archive_invalid', `the gzip data is corrupt: ${(e as Error).message}`);
    }
  }
  checkRatio(out.length, buf.length, limits, 'the gzip data');
  return out;
}

/** One stored or deflated entry, inflated to at most `max` bytes (APPNOTE §4.3.7 local header). */
function inflateEntry(buf: Buffer, entry: ZipEntry, max: number): Buffer {
  const p = entry.localOffset;
  if (p + 30 > buf.length || buf.readUInt32LE(p) !== 0x04034b50)
    throw new ReportRejected('archive_invalid', `zip entry ${entry.name} has no local header`);
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  const data = buf.subarray(start, Math.min(buf.length, start + entry.compressedSize));
  if (entry.method === 0) return data;
  if (entry.method !== 8)
    throw new ReportRejected('archive_invalid', `zip entry ${entry.name} uses compression method ${entry.method}`);
  try {
    return inflateRawSync(data, { maxOutputLength: max });
  } catch (e) {
    if (tooLarge(e))
      throw new ReportRejected(
        'decompressed_too_large',
        `zip entry ${entry.name} expands beyond ${max} bytes: refused`,
      );
    throw new ReportRejected('archive_invalid', `zip entry ${entry.name} is corrupt: ${(e as Error).message}`);
  }
}

/** The files of a zip archive (directories skipped), each bounded. */
export function unzipBounded(buf: Buffer, limits: ReportLimits): { name: string; data: Buffer }[] {
  const dir = readZipDirectory(buf, limits.maxEntries);
  if (!dir.ok) throw new ReportRejected('archive_invalid', `the zip archive is corrupt: ${dir.error}`);
  if (dir.truncated)
    throw new ReportRejected(
      'archive_too_many_entries',
      `the zip archive declares ${dir.declaredEntries} entries (limit ${limits.maxEntries})`,
    );
  if (dir.overlapping)
    throw new ReportRejected('compression_ratio', 'the zip entries overlap (a non-recursive zip bomb): refused');
  if (dir.totalUncompressed > limits.maxDecompressedBytes)
    throw new ReportRejected(
      'decompressed_too_large',
      `the zip archive declares ${dir.totalUncompressed} bytes uncompressed (limit ${limits.maxDecompressedBytes})`,
    );
  checkRatio(dir.totalUncompressed, Math.max(1, dir.totalCompressed), limits, 'the zip archive');
  const out: { name: string; data: Buffer }[] = [];
  for (const entry of dir.entries) {
    if (entry.name.endsWith('/')) continue;
    if (entry.encrypted) throw new ReportRejected('archive_invalid', `zip entry ${entry.name} is encrypted`);
    // Declared sizes can lie: inflate with the remaining budget as a hard bound.
    const budget = limits.maxDecompressedBytes - out.reduce((n, f) => n + f.data.length, 0);
    const data = inflateEntry(buf, entry, budget);
    if (data.length > budget)
      throw new ReportRejected(
        'decompressed_too_large',
        `zip entry ${entry.name} expands beyond ${limits.maxDecompressedBytes} bytes: refused`,
      );
    checkRatio(data.length, Math.max(1, entry.compressedSize), limits, `zip entry ${entry.name}`);
    out.push({ name: entry.name, data });
  }
  return out;
}
