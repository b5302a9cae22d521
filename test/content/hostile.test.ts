import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { analyzeAttachment } from '../../src/content-spam-check/analysis/attachment.analysis';
import { readZipDirectory } from '../../src/content-spam-check/analysis/zip-reader';
import { ContentInputError } from '../../src/content-spam-check/content.engine';
import { analyze, codes, settings } from './helpers';

/**
 * Hostile inputs return a result (or a ContentInputError the transports turn into 400), never a
 * crash. Bounds are structural (depth, parts, entries, inflate caps), so no wall-clock asserts;
 * memory is checked as heap growth well below what unbounded work would need.
 */
function nested(depth: number): Buffer {
  let body = 'Content-Type: text/plain\r\n\r\nleaf\r\n';
  for (let i = depth; i > 0; i--)
    body = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--\r\n`;
  return Buffer.from(`From: a@example.com\r\nSubject: deep\r\nMIME-Version: 1.0\r\n${body}`);
}

function zipOf(entries: { name: string; data: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  const cen: Buffer[] = [];
  let off = 0;
  for (const e of entries) {
    const comp = deflateRawSync(e.data);
    const name = Buffer.from(e.name);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(8, 8);
    lh.writeUInt32LE(comp.length, 18);
    lh.writeUInt32LE(e.data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(comp.length, 20);
    ch.writeUInt32LE(e.data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(off, 42);
    parts.push(lh, name, comp);
    cen.push(ch, name);
    off += 30 + name.length + comp.length;
  }
  const cd = Buffer.concat(cen);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(off, 16);
  return Buffer.concat([...parts, cd, end]);
}

describe('hostile messages', () => {
  it('1000-deep nested multiparts: result with MIME_TOO_COMPLEX, not a crash', async () => {
    const { result, findings } = await analyze(nested(1000));
    expect(codes(findings)).toContain('MIME_TOO_COMPLEX');
    expect(result.message.mimeDepth).toBeLessThanOrEqual(settings().maxMimeDepth);
  });

  it('100k header fields: counted, only the first CONTENT_MAX_HEADERS kept', async () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `X-H${i}: v${i}`).join('\r\n');
    const raw = Buffer.from(`From: a@example.com\r\nSubject: many\r\n${lines}\r\n\r\nbody\r\n`);
    const before = process.memoryUsage().heapUsed;
    const { result, findings } = await analyze(raw);
    expect(result.message.headerFields).toBe(100_002);
    expect(codes(findings)).toContain('HEADERS_EXCESSIVE');
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('invalid and unknown charsets are findings', async () => {
    const raw = Buffer.concat([
      Buffer.from(
        'From: a@example.com\r\nSubject: =?x-unknown?Q?caf=E9?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset="\u0000bogus"\r\n\r\n',
      ),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0d, 0x0a]),
    ]);
    const { findings } = await analyze(raw);
    expect(codes(findings)).toContain('MIME_BAD_CHARSET');
  });

  it('binary garbage still yields a result', async () => {
    const garbage = Buffer.alloc(64 * 1024);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 2654435761) & 0xff;
    const { result } = await analyze(garbage);
    expect(typeof result.score).toBe('number');
  });

  it('a message over CONTENT_MAX_BYTES is refused with a coded error (400 at the transport)', async () => {
    const raw = Buffer.alloc(5000, 'a');
    await expect(analyze(raw, { settings: settings({ maxBytes: 4096 }) })).rejects.toBeInstanceOf(ContentInputError);
    await expect(analyze(raw, { settings: settings({ maxBytes: 4096 }) })).rejects.toMatchObject({
      code: 'CONTENT_TOO_LARGE',
    });
  });
});

describe('zip bombs are judged from the central directory, never inflated', () => {
  it('a 1 GiB-declared entry is flagged without inflating it', () => {
    const z = zipOf([{ name: 'a.bin', data: Buffer.alloc(1024) }]);
    // Rewrite the declared uncompressed size to 4 GiB - 1 in the central directory.
    const cd = z.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    z.writeUInt32LE(0xfffffffe, cd + 24);
    const rep = analyzeAttachment({ filename: 'a.zip', contentType: 'application/zip', content: z }, settings());
    expect(rep.archive?.bomb).toMatch(/uncompressed bytes/);
  });

  it('42.zip-style nesting stops at the nesting bound', () => {
    let inner = zipOf([{ name: 'payload.txt', data: Buffer.alloc(1000) }]);
    for (let i = 0; i < 6; i++)
      inner = zipOf(Array.from({ length: 4 }, (_, k) => ({ name: `lib${i}_${k}.zip`, data: inner })));
    const rep = analyzeAttachment({ filename: 'nest.zip', contentType: 'application/zip', content: inner }, settings());
    expect(rep.archive?.bomb).toMatch(/nested/);
  });

  it('entry count is capped by CONTENT_ZIP_MAX_ENTRIES', () => {
    const z = zipOf(Array.from({ length: 50 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from('x') })));
    const l = readZipDirectory(z, 10);
    expect(l.entries).toHaveLength(10);
    expect(l.truncated).toBe(true);
    const rep = analyzeAttachment(
      { filename: 'many.zip', contentType: 'application/zip', content: z },
      settings({ zipMaxEntries: 10 }),
    );
    expect(rep.archive?.bomb).toMatch(/entries/);
  });

  it('a truncated archive is reported, not thrown', () => {
    const z = zipOf([{ name: 'a.txt', data: Buffer.from('hello') }]).subarray(0, 40);
    const rep = analyzeAttachment({ filename: 'cut.zip', contentType: 'application/zip', content: z }, settings());
    expect(rep.archive?.error).toBeDefined();
  });
});
