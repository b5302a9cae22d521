import { readFileSync } from 'node:fs';
import type { CheckKindDefinition } from '../checks/check-kind';
import { CheckKind } from '../checks/check-kind.decorator';
import { DNS_RESOLVER, SPAM_ENGINES } from '../infra/ports.tokens';
import { toMailauthResolver } from '../infra/dns/mailauth-adapter';
import type { SpamEngine } from '../infra/spam/spam-engine.port';
import { composeMessage } from './content.compose';
import { analyzeContent, ContentInputError, type ContentResult } from './content.engine';
import { ContentCheckInput } from './content.input';
import { CONTENT_FINDINGS } from './rules/rule.registry';
import { parseWelcomelistPrefs } from './spamassassin/welcomelist-prefs';

/** The raw message of an input: as given, or assembled from its parts by MailComposer. */
export async function rawMessageOf(input: ContentCheckInput): Promise<Buffer> {
  if (input.message !== undefined) return Buffer.from(input.message, 'utf8');
  if (input.email) return composeMessage(input.email);
  throw new ContentInputError('CONTENT_INVALID', 'Give exactly one of message or email.');
}

/**
 * Kind `content` (issue 5): score a message the way spam filters will, and say why.
 * Ports: `dns` (mailauth and iprev) and `spamEngines: SpamEngine[]` (SPAM_ENGINES: spamd/rspamd
 * from SPAMD_URL / RSPAMD_URL, possibly none). `score` is on the SpamAssassin-like points scale
 * (see ContentResult).
 */
export const contentKind: CheckKindDefinition<ContentCheckInput, ContentResult> = {
  name: 'content',
  description:
    'Score a message like spam filters do (structure, text, HTML, links, attachments, DKIM/SPF/DMARC/ARC, bulk-sender rules) and explain every point.',
  queue: 'content',
  inputClass: ContentCheckInput,
  target: (input) => {
    if (input.email) return input.email.subject.slice(0, 200) || '(no subject)';
    const m = /^subject:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec((input.message ?? '').slice(0, 64 * 1024));
    return m ? m[1]!.replace(/\s+/g, ' ').trim().slice(0, 200) : '(no subject)';
  },
  findings: CONTENT_FINDINGS,
  timeoutMs: () => 60_000,
  async run(input, ctx) {
    const settings = ctx.config.content;
    const raw = await rawMessageOf(input);
    const spamEngines = (ctx.ports.spamEngines as SpamEngine[] | undefined) ?? [];
    // Validated when submitted (ContentCheckInput); parsed here, per check, never into the rule set.
    const filterPrefs = input.filterPrefs?.length ? parseWelcomelistPrefs(input.filterPrefs).prefs : undefined;
    const { result, findings, verdict } = await analyzeContent(
      raw,
      {
        settings,
        mailauthResolver: toMailauthResolver(ctx.ports.dns),
        dns: ctx.ports.dns,
        spamEngines,
        signal: ctx.signal,
        progress: (p, phase) => ctx.progress(p, phase),
      },
      input.context,
      filterPrefs ? { filterPrefs } : {},
    );
    const indeterminate = findings.some((f) => f.code === 'AUTH_TEMPERROR');
    // The API's score is 0-100, higher is better: each SpamAssassin-like point costs 10, so the
    // spam threshold (5 points) is 50 and 10+ points is 0. The points total stays in result.score.
    const score = Math.max(0, Math.min(100, Math.round(100 - result.score * 10)));
    return { verdict, score, findings, result, ...(indeterminate ? { transient: true } : {}) };
  },
  cli: {
    usage: 'content <message.eml|-> [--client-ip IP] [--helo HOST] [--mail-from ADDR] [--prefs FILE]',
    toInput(target, flags) {
      const message = readFileSync(target === '-' ? 0 : target, 'utf8');
      const context = {
        // commander camel-cases option names (--client-ip -> clientIp)
        ...(typeof flags.clientIp === 'string' ? { clientIp: flags.clientIp } : {}),
        ...(typeof flags.helo === 'string' ? { helo: flags.helo } : {}),
        ...(typeof flags.mailFrom === 'string' ? { mailFrom: flags.mailFrom } : {}),
      };
      // A user_prefs file: one setting a line (blank lines and comments are kept, and skipped as SpamAssassin does).
      const filterPrefs =
        typeof flags.prefs === 'string'
          ? readFileSync(flags.prefs, 'utf8')
              .replace(/\r?\n$/, '')
              .split(/\r?\n/)
          : undefined;
      return {
        message,
        ...(Object.keys(context).length ? { context } : {}),
        ...(filterPrefs ? { filterPrefs } : {}),
      };
    },
    options: [
      { flags: '--client-ip <ip>', description: 'IP of the sending server (enables SPF, DMARC alignment and iprev)' },
      { flags: '--helo <host>', description: 'HELO/EHLO name of the sending server' },
      { flags: '--mail-from <address>', description: 'Envelope sender (MAIL FROM)' },
      {
        flags: '--prefs <file>',
        description:
          "The recipient's SpamAssassin welcome-list lines (user_prefs: welcomelist_from, welcomelist_from_rcvd, ...)",
      },
    ],
  },
};

/** Registered by ContentSpamCheckModule (queue `content`). */
@CheckKind(contentKind, { ports: [DNS_RESOLVER, SPAM_ENGINES] })
export class ContentKind {}
