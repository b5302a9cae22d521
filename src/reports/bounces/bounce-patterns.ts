import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { linearRegex, type LinearRegex } from '../../common/text/linear-regex';
import { reportsDataDir } from '../data/data.loader';

/**
 * bounce-patterns.json compiled once, for the linear-time engine: these patterns run on every
 * line of a stranger's bounce, where a backtracking engine can take cubic time
 * (common/text/linear-regex.ts).
 */
export interface BouncePatterns {
  bounceFrom: LinearRegex;
  bounceSubject: LinearRegex;
  originalMessageMarkers: LinearRegex[];
  recipientLines: { id: string; re: LinearRegex }[];
  ignoreAddress: LinearRegex;
  ignoreLines: LinearRegex;
  delayWording: LinearRegex;
  finalWording: LinearRegex;
  /** Ends one recipient's diagnostic lines (the next Sendmail-style entry or transcript heading). */
  diagnosticStop: LinearRegex;
  /** The message was returned because its queue lifetime ran out. */
  expiredWording: LinearRegex;
  /** The reply came before any recipient was named (greeting, HELO, MAIL FROM). */
  sessionStage: LinearRegex;
}

let cached: BouncePatterns | undefined;

export function bouncePatterns(): BouncePatterns {
  if (cached) return cached;
  const d = JSON.parse(readFileSync(join(reportsDataDir(), 'bounce-patterns.json'), 'utf8')) as {
    bounceFrom: string;
    bounceSubject: string;
    originalMessageMarkers: string[];
    recipientLines: { id: string; pattern: string }[];
    ignoreAddress: string;
    ignoreLines: string;
    delayWording: string;
    finalWording: string;
    diagnosticStop: string;
    expiredWording: string;
    sessionStage: string;
  };
  // text-bounce.parser.ts skips lines without "@" before trying these.
  const noAt = d.recipientLines.find((r) => !r.pattern.includes('@'));
  if (noAt) throw new Error(`bounce-patterns.json: recipient pattern ${noAt.id} must require an "@"`);
  cached = {
    bounceFrom: linearRegex(d.bounceFrom, 'i'),
    bounceSubject: linearRegex(d.bounceSubject, 'i'),
    originalMessageMarkers: d.originalMessageMarkers.map((m) => linearRegex(m, 'im')),
    recipientLines: d.recipientLines.map((r) => ({ id: r.id, re: linearRegex(r.pattern, 'i') })),
    ignoreAddress: linearRegex(d.ignoreAddress, 'i'),
    ignoreLines: linearRegex(d.ignoreLines, 'i'),
    delayWording: linearRegex(d.delayWording, 'i'),
    finalWording: linearRegex(d.finalWording, 'i'),
    diagnosticStop: linearRegex(d.diagnosticStop, 'i'),
    expiredWording: linearRegex(d.expiredWording, 'i'),
    sessionStage: linearRegex(d.sessionStage, 'im'),
  };
  return cached;
}
