import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { FindingDefinition } from '../common/finding';
import { ProcessorCatalog } from '../infra/queue/processor.catalog';
import type { CheckKindDefinition, KindLookup } from './check-kind';
import { checkKindMeta, type CheckKindProvider } from './check-kind.decorator';
import { findingCatalog } from './kind-catalog';
import { applyKindContracts } from './kind-contracts';
import { publishKindNames } from './known-kinds.validator';

/** A kind registration the registry cannot accept; boot stops with every problem named. */
export class KindRegistrationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Check kinds are not registered correctly:\n  - ${problems.join('\n  - ')}`);
  }
}

interface Registered {
  definition: CheckKindDefinition;
  /** The provider instance, once Nest has built it (a kind's provider may run the engine itself). */
  instance: () => CheckKindProvider | undefined;
}

/**
 * The check kinds of this application, found at boot: every provider decorated with @CheckKind
 * in the modules that own them (DnsModule: mx, dns; ProbeModule: smtp; ContentSpamCheckModule:
 * content; ReportsModule: health). REST, GraphQL, the workers and the sweeper read it.
 *
 * Discovery reads class metadata, so it runs when the registry is built, before GraphQL compiles
 * its schema and before the OpenAPI document is made: the transport contracts (SubmitCheckInput's
 * field per kind, the REST body's oneOf) are derived from the kinds here. The registry refuses to
 * boot when a kind lacks its input class, its queue (a CheckQueueProcessor in some module), or a
 * port it needs (provided under its token by PortsModule).
 */
@Injectable()
export class KindRegistry implements KindLookup, OnModuleInit {
  private readonly registered: Registered[] = [];
  private readonly byName = new Map<string, Registered>();
  private readonly extraFindings: FindingDefinition[] = [];

  constructor(discovery: DiscoveryService, processors: ProcessorCatalog) {
    const problems: string[] = [];
    const providers = discovery.getProviders();
    const tokens = new Set<unknown>(providers.map((w) => w.token));
    const checkQueues = new Set(processors.checkQueues());
    const seen = new Set<unknown>();
    for (const w of providers) {
      const meta = checkKindMeta(w.metatype);
      if (!meta || seen.has(w.metatype)) continue;
      seen.add(w.metatype);
      const def = meta.definition;
      const name = (w.metatype as { name: string }).name;
      if (!def?.name) {
        problems.push(`${name}: the kind has no name`);
        continue;
      }
      if (this.byName.has(def.name)) problems.push(`${name}: kind "${def.name}" is registered twice`);
      if (typeof def.inputClass !== 'function')
        problems.push(`kind "${def.name}": no input class (a class-validator + @InputType class)`);
      if (!def.queue) problems.push(`kind "${def.name}": no queue`);
      else if (!checkQueues.has(def.queue))
        problems.push(
          `kind "${def.name}": queue "${def.queue}" has no check processor (import CheckQueueProcessor('${def.queue}') in the module that owns the kind)`,
        );
      if (typeof def.run !== 'function') problems.push(`kind "${def.name}": no engine (run)`);
      for (const port of meta.ports)
        if (!tokens.has(port))
          problems.push(`kind "${def.name}": port ${String(port)} is not provided (PortsModule provides the ports)`);
      const r: Registered = { definition: def, instance: () => w.instance as CheckKindProvider | undefined };
      this.registered.push(r);
      this.byName.set(def.name, r);
    }
    if (problems.length) throw new KindRegistrationError(problems);
    applyKindContracts(this.registered.map((r) => r.definition));
    // allowedKinds inputs validate against, and document, the kinds found here.
    publishKindNames(this.names());
  }

  /** Kinds whose provider runs the engine with injected services use that instead of `definition.run`. */
  onModuleInit(): void {
    for (const r of this.registered) {
      const provider = r.instance();
      if (typeof provider?.run === 'function') {
        const run = provider.run.bind(provider);
        r.definition = { ...r.definition, run: (input: object, ctx) => run(input, ctx) };
      }
    }
  }

  get(name: string): CheckKindDefinition | undefined {
    return this.byName.get(name)?.definition;
  }

  names(): string[] {
    return this.registered.map((r) => r.definition.name);
  }

  all(): readonly CheckKindDefinition[] {
    return this.registered.map((r) => r.definition);
  }

  /** Catalog entries from modules that are not check kinds (e.g. reports' explanations). */
  registerFindings(defs: readonly FindingDefinition[]): void {
    this.extraFindings.push(...defs);
  }

  /** Every code any kind can emit (GET /v1/findings), de-duplicated by code. */
  findingCatalog(): FindingDefinition[] {
    return findingCatalog(this.all(), this.extraFindings);
  }
}
