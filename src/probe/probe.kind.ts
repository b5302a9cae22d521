import type { CheckKindDefinition, EngineContext } from '../checks/check-kind';
import { CheckKind } from '../checks/check-kind.decorator';
import { CLOCK, DNS_RESOLVER, PROBE_POLITENESS, SMTP_CONNECTOR } from '../infra/ports.tokens';
import { replyFindingCodes } from '../kb/reply-kb';
import { replyFinding } from '../kb/reply-findings';
import { MX_FINDINGS } from '../mx/mx.findings';
import { PROBE_PORT_KEYS, type ProbeLimiter, type ProbeResultCache } from './politeness.port';
import { runProbe, type ProbeResult } from './probe.engine';
import { PROBE_FINDINGS } from './probe.findings';
import { SmtpAuthInput, SmtpCheckInput } from './probe.input';
import type { SmtpConnector } from './smtp-connector.port';

const SECRET_PASSWORD = 'smtp.auth.password';

/** The probe's ports (SMTP_CONNECTOR, PROBE_POLITENESS), provided by the host: workers share them through Redis, the CLI in-process. */
function ports(ctx: EngineContext) {
  return {
    connector: ctx.ports[PROBE_PORT_KEYS.connector] as SmtpConnector,
    limiter: ctx.ports[PROBE_PORT_KEYS.limiter] as ProbeLimiter,
    cache: ctx.ports[PROBE_PORT_KEYS.cache] as ProbeResultCache,
  };
}

function flagList(v: string | boolean | string[] | undefined): string[] {
  if (v === undefined || typeof v === 'boolean') return [];
  return (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Kind `smtp` (issue 4): talk SMTP to a real server and say exactly what is wrong. */
export const smtpKind: CheckKindDefinition<SmtpCheckInput, ProbeResult> = {
  name: 'smtp',
  description:
    'Probe a mail server over SMTP: connect, banner, EHLO, STARTTLS and certificate, AUTH, MAIL FROM/RCPT TO (never DATA), open-relay test, with a transcript.',
  queue: 'probe',
  inputClass: SmtpCheckInput,
  target: (input) => input.host ?? input.domain ?? '',
  findings: [
    ...Object.values(PROBE_FINDINGS),
    // Replies are classified by the shared knowledge base: every code it can give.
    ...replyFindingCodes()
      .filter((c) => !(c in PROBE_FINDINGS))
      .map(replyFinding),
    MX_FINDINGS.DOMAIN_NOT_FOUND,
    MX_FINDINGS.MX_NULL,
    MX_FINDINGS.MX_MISSING,
    MX_FINDINGS.MX_LOOKUP_FAILED,
    MX_FINDINGS.MX_ALL_UNREACHABLE,
    MX_FINDINGS.DOMAIN_DNS_FAILING,
  ],

  extractSecrets(input): { input: SmtpCheckInput; secrets: Record<string, string> } {
    if (!input.auth?.password) return { input, secrets: {} };
    const auth = Object.assign(new SmtpAuthInput(), { username: input.auth.username, password: '' });
    return {
      input: Object.assign(new SmtpCheckInput(), input, { auth }),
      secrets: { [SECRET_PASSWORD]: input.auth.password },
    };
  },

  timeoutMs(input, config) {
    // The engine bounds itself; the worker's bound adds a margin for QUIT and cleanup.
    return (input.timeoutMs ?? config.probe.defaultTimeoutMs) + 5000;
  },

  async run(input, ctx) {
    const settings = ctx.config.probe;
    const totalMs = Math.min(input.timeoutMs ?? settings.defaultTimeoutMs, settings.maxTimeoutMs);
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(totalMs)]);
    const password = input.auth ? (ctx.secrets[SECRET_PASSWORD] ?? input.auth.password) : undefined;
    const p = ports(ctx);
    return runProbe(
      {
        ...(input.domain ? { domain: input.domain } : {}),
        ...(input.host ? { host: input.host } : {}),
        ...(input.ports ? { ports: input.ports } : {}),
        ...(input.recipient ? { recipient: input.recipient } : {}),
        ...(input.auth ? { auth: { username: input.auth.username, password: password ?? '' } } : {}),
        ...(input.mailFrom !== undefined ? { mailFrom: input.mailFrom } : {}),
        ...(input.ehloName ? { ehloName: input.ehloName } : {}),
        relayTest: input.relayTest ?? false,
      },
      settings,
      { dns: ctx.ports.dns, clock: ctx.ports.clock, log: ctx.ports.log, ...p },
      signal,
      (pct, phase) => ctx.progress(pct, phase),
    );
  },

  cli: {
    usage:
      'smtp <host|domain> [--mx] [--port 25,587] [--rcpt user@example.com] [--from a@b] [--user U --password-env VAR] [--relay-test]',
    toInput(target, flags) {
      const ports = flagList(flags.port ?? flags.ports).map(Number);
      // commander camel-cases option names (--password-env -> passwordEnv, --relay-test -> relayTest)
      const passwordEnv = flags.passwordEnv ?? flags['password-env'];
      const password =
        typeof passwordEnv === 'string'
          ? process.env[passwordEnv]
          : typeof flags.password === 'string'
            ? flags.password
            : undefined;
      return {
        ...(flags.mx ? { domain: target } : { host: target }),
        ...(ports.length ? { ports } : {}),
        ...(typeof flags.rcpt === 'string' ? { recipient: flags.rcpt } : {}),
        ...(typeof flags.from === 'string' ? { mailFrom: flags.from } : {}),
        ...(typeof flags.ehlo === 'string' ? { ehloName: flags.ehlo } : {}),
        ...(typeof flags.user === 'string' ? { auth: { username: flags.user, password: password ?? '' } } : {}),
        ...(flags.relayTest || flags['relay-test'] ? { relayTest: true } : {}),
        ...(typeof flags.timeout === 'string' ? { timeoutMs: Number(flags.timeout) } : {}),
      };
    },
    options: [
      { flags: '--mx', description: 'treat the target as a domain and probe each of its MX hosts' },
      { flags: '--port <ports>', description: 'ports to probe, comma separated (default 25; 587 with --user)' },
      { flags: '--rcpt <address>', description: 'check this recipient with MAIL FROM + RCPT TO (no mail is sent)' },
      { flags: '--from <address>', description: 'envelope sender (default: the null sender <>)' },
      { flags: '--ehlo <name>', description: 'name to send in EHLO' },
      { flags: '--user <name>', description: 'SMTP AUTH user name' },
      { flags: '--password-env <VAR>', description: 'read the SMTP AUTH password from this environment variable' },
      { flags: '--relay-test', description: 'check that the server refuses to relay to an outside domain' },
      { flags: '--timeout <ms>', description: 'total time bound in ms' },
    ],
  },
};

/** Registered by ProbeModule (queue `probe`). */
@CheckKind(smtpKind, { ports: [DNS_RESOLVER, CLOCK, SMTP_CONNECTOR, PROBE_POLITENESS] })
export class SmtpKind {}
