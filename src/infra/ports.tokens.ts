/**
 * Injection tokens of the ports engines run on, provided once by PortsModule. A kind names the
 * ones it needs (`@CheckKind(def, { ports: [...] })`) and the registry refuses to boot without them.
 * Engines never see the tokens: the runner hands them the per-check bag built by ENGINE_PORTS.
 */
/** The shared resolver with its TTL cache (SharedResolver); each check gets a budgeted view of it. */
export const DNS_RESOLVER = Symbol('DNS_RESOLVER');
/** `{ now(): Date }`. */
export const CLOCK = Symbol('CLOCK');
/** The SMTP connection factory (SmtpConnector) with the SSRF address policy. */
export const SMTP_CONNECTOR = Symbol('SMTP_CONNECTOR');
/** `(resolver) => HttpsFetcher`: SSRF-safe HTTPS GET, bound per check to that check's budgeted resolver. */
export const HTTPS_FETCHER = Symbol('HTTPS_FETCHER');
/** The optional external scorers (SpamEngine[]: spamd, rspamd), possibly empty. */
export const SPAM_ENGINES = Symbol('SPAM_ENGINES');
/** Probe politeness across workers: `{ limiter: ProbeLimiter, cache: ProbeResultCache }`. */
export const PROBE_POLITENESS = Symbol('PROBE_POLITENESS');
/** ReportedSelectorsHub: DKIM selectors seen in a tenant's DMARC reports (src/infra/reported-selectors.ts). */
export const REPORTED_SELECTORS = Symbol('REPORTED_SELECTORS');
/** `(checkId) => EnginePorts`: the bag of ports one check's engine receives. */
export const ENGINE_PORTS = Symbol('ENGINE_PORTS');

export type PortToken =
  | typeof DNS_RESOLVER
  | typeof CLOCK
  | typeof SMTP_CONNECTOR
  | typeof HTTPS_FETCHER
  | typeof SPAM_ENGINES
  | typeof PROBE_POLITENESS;
