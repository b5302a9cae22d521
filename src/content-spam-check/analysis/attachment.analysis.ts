import type { ContentSettings } from '../content.config';
import { extractEntry, isZip, readZipDirectory, type ZipListing } from './zip-reader';

/**
 * What an attachment really is: extension, declared type, type by magic bytes, executables,
 * double extensions, Office macros and archives holding executables. Bounded: archives are read
 * from their central directory; nested archives are inflated with a hard output cap.
 */
export const EXECUTABLE_EXTENSIONS = new Set([
  'exe',
  'scr',
  'js',
  'jse',
  'vbs',
  'vbe',
  'bat',
  'cmd',
  'com',
  'pif',
  'jar',
  'iso',
  'img',
  'msi',
  'msp',
  'hta',
  'cpl',
  'ps1',
  'psm1',
  'wsf',
  'wsh',
  'lnk',
  'reg',
  'scf',
  'vhd',
  'vhdx',
  'appx',
  'msix',
  'dll',
  'apk',
  'application',
  'gadget',
  'inf',
  'sct',
]);
const DOCUMENT_EXTENSIONS = new Set([
  'pdf',
  'doc',
  'docx',
  'xls',
  'xlsx',
  'ppt',
  'pptx',
  'txt',
  'rtf',
  'jpg',
  'jpeg',
  'png',
  'gif',
  'zip',
  'csv',
  'htm',
  'html',
  'odt',
  'mp3',
  'mp4',
  'wav',
]);
const MACRO_EXTENSIONS = new Set(['docm', 'dotm', 'xlsm', 'xltm', 'xlam', 'pptm', 'potm', 'ppsm', 'sldm']);
/** Zip containers that are documents or programs, not archives of loose files. */
const ZIP_DOCUMENTS = new Set([
  'docx',
  'docm',
  'dotx',
  'dotm',
  'xlsx',
  'xlsm',
  'xltx',
  'xltm',
  'xlam',
  'pptx',
  'pptm',
  'potx',
  'potm',
  'ppsx',
  'ppsm',
  'odt',
  'ods',
  'odp',
  'epub',
  'jar',
  'apk',
  'xpi',
  'appx',
  'msix',
  'vsdx',
  'kmz',
]);

export type MagicType =
  | 'exe'
  | 'elf'
  | 'macho'
  | 'zip'
  | 'ole2'
  | 'pdf'
  | 'png'
  | 'jpeg'
  | 'gif'
  | 'rar'
  | '7z'
  | 'gzip'
  | 'iso'
  | 'script'
  | 'lnk'
  | 'html'
  | 'rtf';

/** Magic numbers (file signatures) of the types that matter for mail filtering. */
export function detectMagic(b: Buffer): MagicType | undefined {
  const starts = (hex: string, at = 0) =>
    b.length >= at + hex.length / 2 && b.subarray(at, at + hex.length / 2).equals(Buffer.from(hex, 'hex'));
  if (starts('4d5a')) return 'exe';
  if (starts('7f454c46')) return 'elf';
  if (starts('feedface') || starts('feedfacf') || starts('cefaedfe') || starts('cffaedfe')) return 'macho';
  if (starts('504b0304') || starts('504b0506')) return 'zip';
  if (starts('d0cf11e0a1b11ae1')) return 'ole2';
  if (starts('25504446')) return 'pdf';
  if (starts('89504e470d0a1a0a')) return 'png';
  if (starts('ffd8ff')) return 'jpeg';
  if (starts('474946383761') || starts('474946383961')) return 'gif';
  if (starts('526172211a07')) return 'rar';
  if (starts('377abcaf271c')) return '7z';
  if (starts('1f8b')) return 'gzip';
  if (starts('4c0000000114020000000000c000000000000046')) return 'lnk';
  if (starts('7b5c727466')) return 'rtf';
  // ISO 9660: "CD001" at 0x8001 (volume descriptor in sector 16).
  if (b.length > 0x8006 && b.subarray(0x8001, 0x8006).toString('latin1') === 'CD001') return 'iso';
  if (starts('2321')) return 'script';
  const head = b.subarray(0, 512).toString('latin1').trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || head.startsWith('<script')) return 'html';
  return undefined;
}

const EXT_EXPECT: Record<string, MagicType> = {
  pdf: 'pdf',
  png: 'png',
  jpg: 'jpeg',
  jpeg: 'jpeg',
  gif: 'gif',
  zip: 'zip',
  rar: 'rar',
  '7z': '7z',
  gz: 'gzip',
  tgz: 'gzip',
  iso: 'iso',
  doc: 'ole2',
  xls: 'ole2',
  ppt: 'ole2',
  msg: 'ole2',
  exe: 'exe',
  dll: 'exe',
  scr: 'exe',
  rtf: 'rtf',
  lnk: 'lnk',
  ...Object.fromEntries([...ZIP_DOCUMENTS].map((e) => [e, 'zip' as const])),
};
const MIME_EXPECT: Record<string, MagicType> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'application/zip': 'zip',
  'application/x-zip-compressed': 'zip',
  'application/msword': 'ole2',
  'application/vnd.ms-excel': 'ole2',
  'application/vnd.ms-powerpoint': 'ole2',
  'application/x-rar-compressed': 'rar',
  'application/vnd.rar': 'rar',
  'application/x-7z-compressed': '7z',
  'application/gzip': 'gzip',
  'application/x-msdownload': 'exe',
  'application/vnd.microsoft.portable-executable': 'exe',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'zip',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'zip',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'zip',
};
/** Types whose magic always means "program", whatever the name says. */
const EXECUTABLE_MAGIC = new Set<MagicType>(['exe', 'elf', 'macho', 'lnk']);

export interface ArchiveReport {
  entries: number;
  executables: string[];
  encrypted: boolean;
  /** Why this looks like a decompression bomb. */
  bomb?: string;
  error?: string;
  nestedDepth: number;
}

export interface AttachmentReport {
  filename?: string;
  contentType: string;
  size: number;
  extension?: string;
  magic?: MagicType;
  executable: boolean;
  doubleExtension?: string;
  macro?: string;
  typeMismatch?: string;
  archive?: ArchiveReport;
}

export interface AttachmentInput {
  filename?: string;
  contentType: string;
  content: Buffer;
}

export function extensionOf(name: string | undefined): string | undefined {
  const m = /\.([A-Za-z0-9]{1,12})\s*$/.exec(name ?? '');
  return m ? m[1]!.toLowerCase() : undefined;
}

/** "invoice.pdf.exe", "photo.jpg      .scr", or a right-to-left override hiding the real extension. */
export function doubleExtension(name: string | undefined): string | undefined {
  if (!name) return undefined;
  if (/[\u202e\u202d\u200f]/.test(name)) return 'right-to-left override character in the file name';
  const m = /\.([A-Za-z0-9]{1,5})(\s*)\.([A-Za-z0-9]{1,12})\s*$/.exec(name);
  if (!m) return undefined;
  const inner = m[1]!.toLowerCase();
  const outer = m[3]!.toLowerCase();
  if (EXECUTABLE_EXTENSIONS.has(outer) && (DOCUMENT_EXTENSIONS.has(inner) || m[2]!.length > 0))
    return `.${inner}.${outer}`;
  return undefined;
}

const VBA_UTF16 = Buffer.from('_VBA_PROJECT', 'utf16le');

export function analyzeAttachment(a: AttachmentInput, s: ContentSettings): AttachmentReport {
  const ext = extensionOf(a.filename);
  const magic = detectMagic(a.content);
  const report: AttachmentReport = {
    ...(a.filename ? { filename: a.filename } : {}),
    contentType: a.contentType.toLowerCase(),
    size: a.content.length,
    ...(ext ? { extension: ext } : {}),
    ...(magic ? { magic } : {}),
    executable:
      (ext !== undefined && EXECUTABLE_EXTENSIONS.has(ext)) || (magic !== undefined && EXECUTABLE_MAGIC.has(magic)),
  };
  const dbl = doubleExtension(a.filename);
  if (dbl) report.doubleExtension = dbl;

  // Declared (extension or Content-Type) versus real type by magic bytes.
  if (magic) {
    const byExt = ext ? EXT_EXPECT[ext] : undefined;
    const byMime = MIME_EXPECT[report.contentType];
    const declared = byExt ?? byMime;
    if (declared && declared !== magic && !(declared === 'exe' && magic === 'exe')) {
      report.typeMismatch = `declared ${byExt ? `.${ext}` : report.contentType} but the content is ${magic}`;
    } else if (!declared && EXECUTABLE_MAGIC.has(magic) && !(ext && EXECUTABLE_EXTENSIONS.has(ext))) {
      report.typeMismatch = `declared ${ext ? `.${ext}` : report.contentType} but the content is a program (${magic})`;
    }
  }

  // Office macros: VBA projects in OLE2 files ([MS-OVBA] §2.2: the _VBA_PROJECT stream) and
  // vbaProject.bin parts in OOXML packages, or macro-enabled OOXML extensions.
  if (ext && MACRO_EXTENSIONS.has(ext)) report.macro = `macro-enabled Office format (.${ext})`;
  if (magic === 'ole2' && a.content.indexOf(VBA_UTF16) >= 0)
    report.macro = 'OLE2 document with a VBA project (_VBA_PROJECT stream)';

  if (magic === 'zip') {
    const listing = readZipDirectory(a.content, s.zipMaxEntries);
    const vba = listing.entries.find((e) => /(^|\/)vbaProject\.bin$/i.test(e.name));
    if (vba) report.macro = `Office package with a VBA project (${vba.name})`;
    if (!(ext && ZIP_DOCUMENTS.has(ext)) && !vba && !listing.entries.some((e) => e.name === '[Content_Types].xml')) {
      report.archive = inspectArchive(a.content, listing, s, 0);
    } else if (!listing.ok || isBomb(listing, s)) {
      report.archive = inspectArchive(a.content, listing, s, 0);
    }
  }
  return report;
}

function isBomb(l: ZipListing, s: ContentSettings): string | undefined {
  if (l.overlapping) return 'several entries share the same compressed data (overlapping entries)';
  if (l.totalUncompressed > s.zipMaxTotal)
    return `declares ${l.totalUncompressed} uncompressed bytes (limit ${s.zipMaxTotal})`;
  if (
    l.totalCompressed > 0 &&
    l.totalUncompressed > 10 * 1024 * 1024 &&
    l.totalUncompressed / l.totalCompressed > s.zipMaxRatio
  ) {
    return `compression ratio ${Math.round(l.totalUncompressed / l.totalCompressed)}:1 (limit ${s.zipMaxRatio}:1)`;
  }
  if (l.truncated) return `declares ${l.declaredEntries} entries (limit ${s.zipMaxEntries})`;
  return undefined;
}

const MAX_NESTING = 3;
const NESTED_MAX_BYTES = 20 * 1024 * 1024;

function inspectArchive(buf: Buffer, listing: ZipListing, s: ContentSettings, depth: number): ArchiveReport {
  const rep: ArchiveReport = {
    entries: listing.entries.length,
    executables: [],
    encrypted: listing.entries.some((e) => e.encrypted),
    nestedDepth: depth,
  };
  if (!listing.ok) rep.error = listing.error;
  const bomb = isBomb(listing, s);
  if (bomb) {
    rep.bomb = bomb;
    return rep;
  }
  for (const e of listing.entries) {
    const ext = extensionOf(e.name);
    if ((ext && EXECUTABLE_EXTENSIONS.has(ext)) || doubleExtension(e.name)) rep.executables.push(e.name);
    if (ext === 'zip' && !e.encrypted) {
      if (depth + 1 >= MAX_NESTING) {
        rep.bomb = `archives nested more than ${MAX_NESTING} levels deep`;
        return rep;
      }
      const inner = e.compressedSize <= NESTED_MAX_BYTES ? extractEntry(buf, e, NESTED_MAX_BYTES) : undefined;
      if (inner && isZip(inner)) {
        const sub = inspectArchive(inner, readZipDirectory(inner, s.zipMaxEntries), s, depth + 1);
        rep.executables.push(...sub.executables.map((n) => `${e.name}/${n}`));
        rep.encrypted ||= sub.encrypted;
        rep.nestedDepth = Math.max(rep.nestedDepth, sub.nestedDepth);
        if (sub.bomb) {
          rep.bomb = `${e.name}: ${sub.bomb}`;
          return rep;
        }
      } else if (!inner && e.uncompressedSize > NESTED_MAX_BYTES) {
        rep.bomb = `${e.name} inflates beyond ${NESTED_MAX_BYTES} bytes`;
        return rep;
      }
    }
  }
  return rep;
}
