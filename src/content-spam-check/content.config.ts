/**
 * Settings of the content module (AppConfig slice `content`, parsed once at boot by loadConfig).
 * Each has a default; bad values fall back to it and are reported by `problems` so the boot
 * check can name them.
 *
 * CONTENT_MAX_BYTES          largest raw message accepted (default 10 MiB; larger -> 400)
 * CONTENT_LARGE_BYTES        size from which MESSAGE_LARGE fires (default 5 MiB)
 * CONTENT_MAX_HEADERS        header fields inspected per message (default 1000; the rest counted)
 * CONTENT_MAX_MIME_DEPTH     multipart nesting inspected (default 30)
 * CONTENT_MAX_MIME_PARTS     MIME parts inspected (default 500)
 * CONTENT_SPAM_THRESHOLD     points from which the verdict is fail/spam (default 5.0)
 * CONTENT_WARN_THRESHOLD     points from which the verdict is warn (default 2.5)
 * CONTENT_ZIP_MAX_ENTRIES    central-directory entries read per archive (default 10000)
 * CONTENT_ZIP_MAX_RATIO      declared uncompressed/compressed ratio called a zip bomb (default 100)
 * CONTENT_ZIP_MAX_TOTAL      declared uncompressed bytes called a zip bomb (default 1 GiB)
 * CONTENT_MTA_NAME           host name used as "our MTA" in Authentication-Results (default smtp-doctor)
 */
export interface ContentSettings {
  maxBytes: number;
  largeBytes: number;
  maxHeaders: number;
  maxMimeDepth: number;
  maxMimeParts: number;
  spamThreshold: number;
  warnThreshold: number;
  zipMaxEntries: number;
  zipMaxRatio: number;
  zipMaxTotal: number;
  mtaName: string;
}

export const DEFAULT_CONTENT_SETTINGS: ContentSettings = {
  maxBytes: 10 * 1024 * 1024,
  largeBytes: 5 * 1024 * 1024,
  maxHeaders: 1000,
  maxMimeDepth: 30,
  maxMimeParts: 500,
  spamThreshold: 5.0,
  warnThreshold: 2.5,
  zipMaxEntries: 10_000,
  zipMaxRatio: 100,
  zipMaxTotal: 1024 * 1024 * 1024,
  mtaName: 'smtp-doctor',
};

export function readContentSettings(env: Record<string, string | undefined> = {}): {
  settings: ContentSettings;
  problems: string[];
} {
  const problems: string[] = [];
  const num = (key: string, def: number, min: number, max: number, integer = true): number => {
    const raw = env[key];
    if (raw === undefined || raw === '') return def;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      problems.push(`${key}: "${raw}" must be a ${integer ? 'whole ' : ''}number between ${min} and ${max}`);
      return def;
    }
    return n;
  };
  const d = DEFAULT_CONTENT_SETTINGS;
  const settings: ContentSettings = {
    maxBytes: num('CONTENT_MAX_BYTES', d.maxBytes, 1024, 100 * 1024 * 1024),
    largeBytes: num('CONTENT_LARGE_BYTES', d.largeBytes, 1024, 100 * 1024 * 1024),
    maxHeaders: num('CONTENT_MAX_HEADERS', d.maxHeaders, 10, 100_000),
    maxMimeDepth: num('CONTENT_MAX_MIME_DEPTH', d.maxMimeDepth, 2, 100),
    maxMimeParts: num('CONTENT_MAX_MIME_PARTS', d.maxMimeParts, 2, 10_000),
    spamThreshold: num('CONTENT_SPAM_THRESHOLD', d.spamThreshold, 0.1, 1000, false),
    warnThreshold: num('CONTENT_WARN_THRESHOLD', d.warnThreshold, 0, 1000, false),
    zipMaxEntries: num('CONTENT_ZIP_MAX_ENTRIES', d.zipMaxEntries, 10, 1_000_000),
    zipMaxRatio: num('CONTENT_ZIP_MAX_RATIO', d.zipMaxRatio, 2, 100_000),
    zipMaxTotal: num('CONTENT_ZIP_MAX_TOTAL', d.zipMaxTotal, 1024, Number.MAX_SAFE_INTEGER),
    mtaName: env.CONTENT_MTA_NAME || d.mtaName,
  };
  if (settings.warnThreshold > settings.spamThreshold) {
    problems.push('CONTENT_WARN_THRESHOLD must not exceed CONTENT_SPAM_THRESHOLD');
    settings.warnThreshold = Math.min(d.warnThreshold, settings.spamThreshold);
  }
  return { settings, problems };
}

/**
 * The bound the input validators apply to message text (CONTENT_MAX_BYTES as characters). Input
 * classes are decorated at import time, before any config exists, so the validator reads it here
 * at validation time; ContentSpamCheckModule (and the CLI) set it once at boot from the `content`
 * slice. The engine re-checks bytes against the same setting.
 */
let inputMaxChars = DEFAULT_CONTENT_SETTINGS.maxBytes;
export function setContentInputBound(maxChars: number): void {
  inputMaxChars = maxChars;
}
export function contentInputBound(): number {
  return inputMaxChars;
}
