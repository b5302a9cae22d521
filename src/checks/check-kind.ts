import type { Finding, FindingDefinition, Verdict } from '../common/finding';
import type { DnsResolver } from '../infra/dns/resolver.port';
import type { AppConfig } from '../config/config.schema';

/**
 * One queue per diagnostic module (issue 2): probe, dns, content, reports. The module that owns a
 * kind registers its queue (CheckQueueProcessor); the registry refuses a kind whose queue is not.
 */
export type QueueName = string;

export interface Clock {
  now(): Date;
}

/** Minimal structured logger; engines log through it, never console. */
export interface EngineLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/**
 * Every I/O an engine may need, injected. The worker builds these from config; the CLI builds
 * the same in-process; tests build them pointing at loopback servers. Modules may add optional
 * ports here (keep them interfaces; implementations live in src/infra).
 */
export interface EnginePorts {
  dns: DnsResolver;
  clock: Clock;
  log: EngineLogger;
  /** Port-specific extensions added by modules (probe connector, http fetcher, spamd...). */
  [extra: string]: unknown;
}

/** Looks kinds up by name: the registry in the app, a static catalog in the CLI. */
export interface KindLookup {
  get(name: string): CheckKindDefinition | undefined;
  names(): string[];
  all(): readonly CheckKindDefinition[];
}

export interface EngineContext {
  config: AppConfig;
  /** The registered kinds, for engines made of other kinds (health runs dns, mx and smtp). */
  kinds?: KindLookup;
  /** The stored check being run, and its tenant (absent when the CLI runs an engine in-process). */
  checkId?: string;
  tenantId?: string;
  ports: EnginePorts;
  /** Aborted when the job's total time bound passes or the process shuts down. */
  signal: AbortSignal;
  /** Progress 0..100 with an optional phase label; shown live over GraphQL subscriptions. */
  progress(percent: number, phase?: string): void;
  /** Secrets (e.g. SMTP password) restored for this run only; never stored. */
  secrets: Record<string, string>;
}

export interface EngineOutcome<R = unknown> {
  verdict: Verdict;
  score: number;
  findings: Finding[];
  result: R;
  /**
   * The outcome reflects a transient condition (4xx, timeout): the worker retries with backoff
   * while attempts remain, and stores this outcome after the last one. Verdicts are never retried.
   */
  transient?: boolean;
}

/**
 * A check kind, registered once. REST, GraphQL, the worker and the CLI read the registry.
 * `inputClass` is a class-validator + @InputType class, shared by REST and GraphQL.
 */
// `any` by default: the registry holds kinds of every input type, and a kind's `run(input: I)` is
// not assignable to `run(input: object)` (parameters are contravariant). Callers narrow with
// validateInput<object> / plainToInstance<object>.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface CheckKindDefinition<I extends object = any, R = unknown> {
  name: string;
  description: string;
  queue: QueueName;
  inputClass: new () => I;
  /** The main target of the check (domain, host, message subject...) for listing and filtering. */
  target(input: I): string;
  /** The finding codes this kind can emit (merged into GET /v1/findings). */
  findings: FindingDefinition[];
  /** Pull secrets out of the input before it is stored or queued (they travel encrypted). */
  extractSecrets?(input: I): { input: I; secrets: Record<string, string> };
  /** Bound for one run, ms (the worker aborts `signal` after it). */
  timeoutMs?(input: I, config: AppConfig): number;
  /** The engine: plain TypeScript with injected I/O. Throw only if the check could not run. */
  run(input: I, ctx: EngineContext): Promise<EngineOutcome<R>>;
  /** CLI: how `smtp-doctor <kind> <target> [options]` builds the input. */
  cli?: {
    usage: string;
    /** Build an input object from the positional target and parsed flags. */
    toInput(target: string, flags: Record<string, string | boolean | string[]>): Record<string, unknown>;
    options?: { flags: string; description: string }[];
  };
}
