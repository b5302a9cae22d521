import { simpleParser, type ParsedMail } from 'mailparser';
import addressparser from 'nodemailer/lib/addressparser';
import type { DNSResolver } from 'mailauth';
import { finding, type Finding, type Verdict } from '../common/finding';
import type { DnsResolver } from '../infra/dns/resolver.port';
import type { SpamEngine, SpamEngineResult } from '../infra/spam/spam-engine.port';
import { analyzeAttachment, type AttachmentReport } from './analysis/attachment.analysis';
import { analyzeHtml } from './analysis/html.analysis';
import { analyzeText } from './analysis/text.analysis';
import { collectUrls, type UrlReport } from './analysis/url.analysis';
import { checkIprev } from './auth/iprev';
import { authenticateMessage, type AuthReport, type DeliveryContext } from './auth/message-auth';
import type { ContentSettings } from './content.config';
import { parseHeaderBlock } from './raw/header-block';
import { scanMime } from './raw/mime-scan';
import { detectBulk, type ComplianceRow } from './rules/bulk.rules';
import { COMPLIANCE_RULES, CONTENT_META_FINDINGS, CONTENT_RULES } from './rules/rule.registry';
import { countOnceWithSpamAssassin } from './rules/spamassassin.rules';
import type { MessageFacts, RuleArea } from './rules/rule.types';
import type { WelcomelistPrefs } from './spamassassin/welcomelist-prefs';

/** The check cannot run on this input (the transport answers 400). */
export class ContentInputError extends Error {
  constructor(
    public readonly code: 'CONTENT_TOO_LARGE' | 'CONTENT_EMPTY' | 'CONTENT_INVALID',
    message: string,
  ) {
    super(message);
  }
}

export interface FiredRule {
  code: string;
  area: RuleArea;
  points: number;
  description: string;
  detail: string;
}

export interface ContentResult {
  /**
   * Scale: SpamAssassin-like points, the sum of the fired rules' points (negative = good signs).
   * `threshold` (default 5.0) and above is spam; `warnThreshold` (default 2.5) and above warns.
   */
  score: number;
  threshold: number;
  warnThreshold: number;
  isSpam: boolean;
  rules: FiredRule[];
  compliance: { looksBulk: boolean; reasons: string[]; rows: ComplianceRow[] };
  message: {
    size: number;
    subject: string;
    from: string[];
    headerFields: number;
    mimeParts: number;
    mimeDepth: number;
    hasTextPart: boolean;
    hasHtml: boolean;
    attachments: AttachmentReport[];
  };
  authentication?: AuthReport;
  iprev?: MessageFacts['iprev'];
  text: {
    capsRatioSubject: number;
    capsRatioBody: number;
    phraseHits: { phrase: string; weight: number; where: string }[];
    phraseListVersion: string;
  };
  html?: { links: number; mismatchedLinks: number; images: number; trackingPixels: number; hiddenChars: number };
  urls: UrlReport;
  engines: (SpamEngineResult & { agreesWithUs?: boolean })[];
  durationMs: number;
}

export interface ContentDeps {
  settings: ContentSettings;
  /** Resolver for mailauth (toMailauthResolver(dns)); without it authentication is skipped. */
  mailauthResolver?: DNSResolver;
  /** The DNS port, for iprev of the delivery context. */
  dns?: DnsResolver;
  spamEngines?: SpamEngine[];
  signal?: AbortSignal;
  progress?: (percent: number, phase?: string) => void;
}

const MAX_ATTACHMENTS = 100;

function aborted(signal?: AbortSignal): Promise<never> | undefined {
  if (!signal) return undefined;
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new Error('aborted'));
    signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
  });
}

async function bounded<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  const a = aborted(signal);
  return a ? Promise.race([p, a]) : p;
}

/** What the receiving side is set up with, as far as it changes the score. */
export interface ReceiverSettings {
  /** The recipient's SpamAssassin welcome lists (user_prefs lines, parsed by welcomelist-prefs.ts). */
  filterPrefs?: WelcomelistPrefs;
}

/**
 * Score one raw RFC 5322 message. Pure apart from the injected resolver and spam engines.
 * Hostile structure (deep nesting, 100k headers, zip bombs, bad charsets) becomes findings;
 * only an oversized or empty input throws (ContentInputError).
 */
export async function analyzeContent(
  raw: Buffer,
  deps: ContentDeps,
  context?: DeliveryContext,
  receiver: ReceiverSettings = {},
): Promise<{ result: ContentResult; findings: Finding[]; verdict: Verdict }> {
  const started = Date.now();
  const s = deps.settings;
  if (raw.length === 0) throw new ContentInputError('CONTENT_EMPTY', 'The message is empty.');
  if (raw.length > s.maxBytes)
    throw new ContentInputError(
      'CONTENT_TOO_LARGE',
      `The message is ${raw.length} bytes; the limit is ${s.maxBytes} (CONTENT_MAX_BYTES).`,
    );

  const enginesPromise = Promise.all((deps.spamEngines ?? []).map((e) => e.check(raw, { ...context }, deps.signal)));

  deps.progress?.(10, 'structure');
  const header = parseHeaderBlock(raw, { maxHeaders: s.maxHeaders });
  const mime = scanMime(raw, { maxDepth: s.maxMimeDepth, maxParts: s.maxMimeParts, maxHeaders: s.maxHeaders });
  const get = (k: string) => header.headers.filter((x) => x.key === k).map((x) => x.value);

  deps.progress?.(25, 'parse');
  let parsed: ParsedMail | undefined;
  let parseError: string | undefined;
  try {
    parsed = await bounded(
      simpleParser(raw, { skipTextToHtml: true, skipImageLinks: true, maxHtmlLengthToParse: 2 * 1024 * 1024 }),
      deps.signal,
    );
  } catch (e) {
    parseError = (e as Error).message;
  }

  const mailboxes = (v: string | undefined) =>
    (v ? addressparser(v, { flatten: true }) : [])
      .filter((a) => 'address' in a)
      .map((a) => ({ name: a.name, address: a.address ?? '' }));
  const from = mailboxes(get('from')[0]);
  const replyTo = mailboxes(get('reply-to')[0]);
  const subject = parsed?.subject ?? get('subject')[0] ?? '';
  const hasTextPart = mime.leaves.some((l) => l.contentType === 'text/plain' && l.disposition !== 'attachment');
  const html = typeof parsed?.html === 'string' ? parsed.html : undefined;
  const text = hasTextPart ? (parsed?.text ?? '') : '';
  const htmlReport = html !== undefined ? analyzeHtml(html) : undefined;
  const textReport = analyzeText(subject, hasTextPart ? text : (htmlReport?.visibleText ?? parsed?.text ?? ''));
  const hrefs = htmlReport ? [...htmlReport.links.map((l) => l.href), ...htmlReport.images.map((i) => i.src)] : [];
  const urlReport = collectUrls(text, hrefs);

  deps.progress?.(45, 'attachments');
  const attachments = (parsed?.attachments ?? [])
    .slice(0, MAX_ATTACHMENTS)
    .map((a) =>
      analyzeAttachment(
        { filename: a.filename, contentType: a.contentType ?? 'application/octet-stream', content: a.content },
        s,
      ),
    );

  deps.progress?.(60, 'authentication');
  let auth: AuthReport | undefined;
  if (deps.mailauthResolver) {
    try {
      auth = await bounded(authenticateMessage(raw, deps.mailauthResolver, s.mtaName, context), deps.signal);
    } catch (e) {
      auth = { headerFrom: [], dkim: [], arc: { result: 'none', instances: 0 }, error: (e as Error).message };
    }
  }
  let iprev: MessageFacts['iprev'];
  if (context?.clientIp && deps.dns) {
    try {
      iprev = await bounded(checkIprev(context.clientIp, deps.dns, deps.signal), deps.signal);
    } catch (e) {
      iprev = { result: 'temperror', ptr: [], detail: (e as Error).message };
    }
  }

  const facts: MessageFacts = {
    raw,
    size: raw.length,
    settings: s,
    header,
    mime,
    ...(parseError ? { parseError } : {}),
    subject,
    from,
    replyTo,
    text,
    hasTextPart,
    ...(html !== undefined ? { html } : {}),
    textReport,
    ...(htmlReport ? { htmlReport } : {}),
    urlReport,
    attachments,
    ...(auth ? { auth } : {}),
    ...(context ? { context } : {}),
    ...(iprev ? { iprev } : {}),
    bulk: detectBulk(get, text, html),
    ...(receiver.filterPrefs ? { filterPrefs: receiver.filterPrefs } : {}),
  };

  deps.progress?.(75, 'rules');
  const fired: FiredRule[] = [];
  const findings: Finding[] = [];
  const hits = CONTENT_RULES.flatMap((rule) => {
    const hit = rule.test(facts);
    return hit ? [{ rule, hit }] : [];
  });
  countOnceWithSpamAssassin(hits);
  for (const { rule, hit } of hits) {
    const points = hit.points ?? rule.points;
    fired.push({ code: rule.code, area: rule.area, points, description: rule.title, detail: hit.detail });
    findings.push(
      finding({ ...rule, module: 'content', area: null }, hit.detail, {
        evidence: { points, ...(hit.evidence !== undefined ? { data: hit.evidence } : {}) },
      }),
    );
  }
  const rows: ComplianceRow[] = [];
  let complianceFailed = false;
  for (const rule of COMPLIANCE_RULES) {
    const applies = rule.appliesTo === 'all' || facts.bulk.looksBulk;
    const c = applies
      ? rule.check(facts)
      : { status: 'not-applicable' as const, detail: 'the message does not look like bulk mail' };
    rows.push({ code: rule.code, requirement: rule.requirement, appliesTo: rule.appliesTo, ...c });
    if (c.status === 'fail') {
      complianceFailed = true;
      fired.push({ code: rule.code, area: 'bulk', points: rule.points, description: rule.title, detail: c.detail });
      findings.push(
        finding({ ...rule, module: 'content', area: null }, `${rule.requirement}: ${c.detail}.`, {
          evidence: { points: rule.points, requirement: rule.requirement },
        }),
      );
    }
  }

  deps.progress?.(90, 'engines');
  const score = Math.round(fired.reduce((a, r) => a + r.points, 0) * 10) / 10;
  const isSpam = score >= s.spamThreshold;
  const blocked = hits.some(({ rule }) => rule.blocks);
  const engines = (await bounded(enginesPromise, deps.signal).catch(() => [] as SpamEngineResult[])).map((e) => ({
    ...e,
    ...(e.status === 'ok' && e.isSpam !== undefined ? { agreesWithUs: e.isSpam === isSpam } : {}),
  }));
  for (const e of engines.filter((x) => x.status !== 'ok')) {
    findings.push(
      finding(
        CONTENT_META_FINDINGS.SPAM_ENGINE_UNAVAILABLE,
        `${e.engine} at ${e.endpoint}: ${e.status}${e.error ? ` (${e.error})` : ''}.`,
      ),
    );
  }

  fired.sort((a, b) => b.points - a.points || a.code.localeCompare(b.code));
  const hasErrors = findings.some((f) => f.severity === 'critical' || f.severity === 'error');
  // Verdict: points decide (spam -> fail, warn band -> warn); a rule that providers enforce by
  // policy (ContentRule.blocks: executables, archive bombs) fails the message whatever its score;
  // an error-level finding or a failed provider requirement lifts pass to warn, since such mail
  // may be rejected whatever its score.
  const verdict: Verdict =
    isSpam || blocked ? 'fail' : score >= s.warnThreshold || hasErrors || complianceFailed ? 'warn' : 'pass';

  const result: ContentResult = {
    score,
    threshold: s.spamThreshold,
    warnThreshold: s.warnThreshold,
    isSpam,
    rules: fired,
    compliance: { looksBulk: facts.bulk.looksBulk, reasons: facts.bulk.reasons, rows },
    message: {
      size: raw.length,
      subject: subject.slice(0, 500),
      from: from.map((a) => a.address),
      headerFields: header.total,
      mimeParts: mime.parts,
      mimeDepth: mime.maxDepthSeen,
      hasTextPart,
      hasHtml: html !== undefined,
      attachments,
    },
    ...(auth ? { authentication: auth } : {}),
    ...(iprev ? { iprev } : {}),
    text: {
      capsRatioSubject: textReport.subjectCapsRatio,
      capsRatioBody: textReport.bodyCapsRatio,
      phraseHits: textReport.phraseHits,
      phraseListVersion: textReport.phraseListVersion,
    },
    ...(htmlReport
      ? {
          html: {
            links: htmlReport.links.length,
            mismatchedLinks: htmlReport.mismatchedLinks.length,
            images: htmlReport.images.length,
            trackingPixels: htmlReport.trackingPixels,
            hiddenChars: htmlReport.hiddenChars,
          },
        }
      : {}),
    urls: {
      urls: urlReport.urls.slice(0, 100),
      shorteners: urlReport.shorteners.slice(0, 50),
      rawIp: urlReport.rawIp.slice(0, 50),
    },
    engines,
    durationMs: Date.now() - started,
  };
  deps.progress?.(100, 'done');
  return { result, findings, verdict };
}
