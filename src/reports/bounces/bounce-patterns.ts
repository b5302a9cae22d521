import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportsDataDir } from '../data/data.loader';

/** bounce-patterns.json compiled once. */
export interface BouncePatterns {
  bounceFrom: RegExp;
  bounceSubject: RegExp;
  originalMessageMarkers: RegExp[];
  recipientLines: { id: string; re: RegExp }[];
  ignoreAddress: RegExp;
  ignoreLines: RegExp;
  delayWording: RegExp;
  finalWording: RegExp;
  /** Ends one recipient's diagnostic lines (the next Sendmail-style entry or transcript heading). */
  diagnosticStop: RegExp;
  /** The message was returned because its queue lifetime ran out. */
  expiredWording: RegExp;
  /** The reply came before any recipient was named (greeting, HELO, MAIL FROM). */
  sessionStage: RegExp;
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
  cached = {
    bounceFrom: new RegExp(d.bounceFrom, 'i'),
    bounceSubject: new RegExp(d.bounceSubject, 'i'),
    originalMessageMarkers: d.originalMessageMarkers.map((m) => new RegExp(m, 'im')),
    recipientLines: d.recipientLines.map((r) => ({ id: r.id, re: new RegExp(r.pattern, 'i') })),
    ignoreAddress: new RegExp(d.ignoreAddress, 'i'),
    ignoreLines: new RegExp(d.ignoreLines, 'i'),
    delayWording: new RegExp(d.delayWording, 'i'),
    finalWording: new RegExp(d.finalWording, 'i'),
    diagnosticStop: new RegExp(d.diagnosticStop, 'i'),
    expiredWording: new RegExp(d.expiredWording, 'i'),
    sessionStage: new RegExp(d.sessionStage, 'im'),
  };
  return cached;
}
