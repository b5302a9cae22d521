import { StringDecoder } from 'node:string_decoder';
import { linearRegex } from '../../common/text/linear-regex';
import { explainReply } from '../explain/explain.engine';
import type { Category } from '../explain/explain.types';
import { parseLogLine } from './log-line.parser';
import type { LogAnalysis, LogAnalyzerOptions, LogEvent, LogMta, LogPattern } from './log.types';
import { PatternTable } from './pattern-table';

const FLAG_SENT = 1;
// Linear engine: as a backtracking search the bare-address branch is quadratic on a long word without "@".
const ADDRESS = linearRegex(/<[^<>\s]*@[^<>\s]*>|[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+/g);
const FLAG_DEFERRED = 2;
const FLAG_BOUNCED = 4;

/**
 * Normalise a reply so that the same cause groups together: addresses, IPs, host ids, queue ids
 * and numbers become placeholders; Postfix's "host X[ip] said:" and "(in reply to ...)" go.
 */
export function normalizeReply(text: string): string {
  // Host names and addresses in brackets hold no "[", so a run of "[" is not rescanned per opening.
  return ADDRESS.replaceAll(
    text.replace(/^.*?\bhost\s+[^\s[]+\[[^\][]*\]\s+said:\s*/i, '').replace(/\(in reply to [^()]*\)\s*$/i, ''),
    '<address>',
  )
    .replace(/\b(?:\d{1,3}\.){3}\d{1,3}\b|\b[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}\b/gi, '<ip>')
    .replace(/\b(?=[A-Za-z0-9]*\d)[A-Za-z0-9]{10,}\b/g, '<id>')
    .replace(/(?<![\d.])\d{4,}(?![\d.])/g, '#')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

function domainOf(address: string | undefined): string | undefined {
  const at = address?.lastIndexOf('@') ?? -1;
  return at >= 0 ? address!.slice(at + 1).toLowerCase() : undefined;
}

interface PatternData {
  kind: LogPattern['kind'];
  remoteDomain: string;
  reply: string;
  category: Category;
  sample: string;
}

/**
 * Incremental log analyser: feed lines with `line()` (or chunks with `write()`), read `result()`.
 * Memory is bounded by the options (patterns, examples, open messages, line length), not by the
 * size of the input.
 */
export class LogAnalyzer {
  private readonly opts: Required<LogAnalyzerOptions>;
  private readonly patterns: PatternTable<PatternData>;
  private readonly open = new Map<string, number>();
  private readonly decoder = new StringDecoder('utf8');
  private carry = '';
  private lines = 0;
  private longLines = 0;
  private rejections = 0;
  private readonly recognised: Record<LogMta, number> = { postfix: 0, exim: 0, sendmail: 0 };
  private readonly deliveries = { sent: 0, deferred: 0, bounced: 0, expired: 0 };
  private readonly messages = { sent: 0, bounced: 0, deferred: 0 };
  // Classification of a normalised reply is pure; cache a bounded number of them.
  private readonly categoryCache = new Map<string, Category>();

  constructor(options: LogAnalyzerOptions = {}) {
    this.opts = {
      topN: 20,
      maxExamples: 3,
      maxPatterns: 2000,
      maxTrackedMessages: 50_000,
      maxLineLength: 8 * 1024,
      ...options,
    };
    this.patterns = new PatternTable(this.opts.maxPatterns, this.opts.maxExamples);
  }

  /** Feed a chunk of log text; lines may span chunks. */
  write(chunk: string | Uint8Array): void {
    let text =
      this.carry +
      (typeof chunk === 'string'
        ? chunk
        : this.decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
      this.line(text.slice(start, nl));
      start = nl + 1;
    }
    text = text.slice(start);
    // A line longer than the bound is cut: keep its head, drop the rest until the next newline.
    if (text.length > this.opts.maxLineLength) {
      this.longLines++;
      text = text.slice(0, this.opts.maxLineLength);
    }
    this.carry = text;
  }

  /** Flush the last partial line. */
  end(): void {
    const rest = this.carry + this.decoder.end();
    this.carry = '';
    if (rest.length > 0) this.line(rest);
  }

  line(raw: string): void {
    this.lines++;
    const line = raw.length > this.opts.maxLineLength ? raw.slice(0, this.opts.maxLineLength) : raw.replace(/\r$/, '');
    if (line.length === 0) return;
    const ev = parseLogLine(line);
    if (!ev) return;
    this.recognised[ev.mta]++;
    this.record(ev, line);
  }

  private classify(reply: string, original: string): Category {
    let c = this.categoryCache.get(reply);
    if (!c) {
      c = explainReply(original).category;
      if (this.categoryCache.size >= this.opts.maxPatterns) this.categoryCache.clear();
      this.categoryCache.set(reply, c);
    }
    return c;
  }

  private record(ev: LogEvent, line: string): void {
    if (ev.kind === 'completed') {
      if (ev.queueId) this.finish(ev.queueId);
      return;
    }
    if (ev.kind === 'rejected') this.rejections++;
    else this.deliveries[ev.kind]++;
    if (ev.queueId && ev.kind !== 'rejected') {
      const flag = ev.kind === 'sent' ? FLAG_SENT : ev.kind === 'deferred' ? FLAG_DEFERRED : FLAG_BOUNCED;
      if (!this.open.has(ev.queueId) && this.open.size >= this.opts.maxTrackedMessages) {
        // Evict the oldest open message (Map keeps insertion order) and count it as it stands.
        const oldest = this.open.keys().next().value as string;
        this.finish(oldest);
      }
      this.open.set(ev.queueId, (this.open.get(ev.queueId) ?? 0) | flag);
    }
    if (ev.kind === 'sent') return;
    const original = ev.response ?? (ev.dsn ? `${ev.dsn}` : ev.kind);
    const replyText = ev.dsn && !/\d\.\d{1,3}\.\d{1,3}/.test(original) ? `${original} (#${ev.dsn})` : original;
    const reply = normalizeReply(original);
    const remoteDomain =
      ev.kind === 'rejected'
        ? ev.relay && ev.relay !== 'unknown'
          ? ev.relay.toLowerCase()
          : (ev.clientIp ?? 'unknown')
        : (domainOf(ev.recipient) ?? ev.relay ?? 'unknown');
    const category = this.classify(`${ev.kind}|${reply}|${ev.dsn ?? ''}`, replyText);
    const key = `${ev.kind}\u0000${category}\u0000${remoteDomain}\u0000${reply}`;
    const kind = ev.kind;
    this.patterns.add(key, line, () => ({ kind, remoteDomain, reply, category, sample: replyText.slice(0, 2000) }));
  }

  private finish(queueId: string): void {
    const flags = this.open.get(queueId);
    if (flags === undefined) return;
    this.open.delete(queueId);
    if (flags & FLAG_BOUNCED) this.messages.bounced++;
    else if (flags & FLAG_SENT) this.messages.sent++;
    else if (flags & FLAG_DEFERRED) this.messages.deferred++;
  }

  result(): LogAnalysis {
    const messages = { ...this.messages };
    for (const flags of this.open.values()) {
      if (flags & FLAG_BOUNCED) messages.bounced++;
      else if (flags & FLAG_SENT) messages.sent++;
      else if (flags & FLAG_DEFERRED) messages.deferred++;
    }
    const topPatterns: LogPattern[] = this.patterns.top(this.opts.topN).map((e) => ({
      kind: e.data.kind,
      category: e.data.category,
      remoteDomain: e.data.remoteDomain,
      reply: e.data.reply,
      count: e.count,
      explanation: explainReply(e.data.sample),
      examples: [...e.examples],
    }));
    return {
      lines: this.lines,
      recognised: { ...this.recognised },
      deliveries: { ...this.deliveries },
      rejections: this.rejections,
      messages,
      topPatterns,
      patternsEvicted: this.patterns.evicted,
      longLines: this.longLines,
    };
  }
}

/**
 * Analyse a Postfix, Exim or Sendmail log from a stream (a Readable, or any async iterable of
 * string/Buffer chunks), line by line, in bounded memory. Lines of the three MTAs may be mixed.
 */
export async function analyzeLog(
  source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  options: LogAnalyzerOptions = {},
): Promise<LogAnalysis> {
  const analyzer = new LogAnalyzer(options);
  // for-await over a union of sync and async iterables types the element as any.
  for await (const chunk of source) analyzer.write(chunk as string | Uint8Array);
  analyzer.end();
  return analyzer.result();
}
