import { MODULE_METADATA } from '@nestjs/common/constants';
import type { DynamicModule } from '@nestjs/common';
import type { FindingDefinition } from '../common/finding';
import type { CheckKindDefinition, KindLookup } from './check-kind';
import { checkKindMeta } from './check-kind.decorator';

/** A fixed list of kinds (the CLI's, or a test's), looked up by name. */
export class KindCatalog implements KindLookup {
  private readonly byName: Map<string, CheckKindDefinition>;

  constructor(private readonly kinds: readonly CheckKindDefinition[]) {
    this.byName = new Map(kinds.map((k) => [k.name, k]));
  }

  get(name: string): CheckKindDefinition | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return this.kinds.map((k) => k.name);
  }

  all(): readonly CheckKindDefinition[] {
    return this.kinds;
  }
}

type ModuleRef = DynamicModule | (abstract new (...args: never[]) => unknown) | { forwardRef: () => unknown };

/**
 * The kinds registered by `modules` (their @CheckKind providers), read from the module metadata
 * without a container: the CLI runs engines in-process, with no Redis or database, yet sees the
 * same kinds in the same order as the app (modules depth-first, providers in order), because both
 * read the registrations of the same modules.
 */
export function kindsOf(modules: readonly ModuleRef[]): CheckKindDefinition[] {
  const seenModules = new Set<unknown>();
  const ordered: { providers: unknown[] }[] = [];
  const visit = (m: ModuleRef) => {
    const ref = 'forwardRef' in m && typeof m.forwardRef === 'function' ? (m.forwardRef() as ModuleRef) : m;
    const dynamic = typeof ref === 'object' && ref !== null && 'module' in ref ? (ref as DynamicModule) : undefined;
    const type = dynamic ? dynamic.module : ref;
    const key = dynamic ?? type;
    if (seenModules.has(key)) return;
    seenModules.add(key);
    const meta = (k: string) => (Reflect.getMetadata(k, type as object) as unknown[] | undefined) ?? [];
    ordered.push({ providers: [...meta(MODULE_METADATA.PROVIDERS), ...(dynamic?.providers ?? [])] });
    for (const i of [...meta(MODULE_METADATA.IMPORTS), ...(dynamic?.imports ?? [])]) if (i) visit(i as ModuleRef);
  };
  for (const m of modules) visit(m);
  const out: CheckKindDefinition[] = [];
  const seen = new Set<unknown>();
  for (const { providers } of ordered) {
    for (const p of providers) {
      const meta = checkKindMeta(p);
      if (meta && !seen.has(p)) {
        seen.add(p);
        out.push(meta.definition);
      }
    }
  }
  return out;
}

/** The finding catalog: every code any kind can emit, plus extra entries, de-duplicated by code. */
export function findingCatalog(
  kinds: readonly CheckKindDefinition[],
  extra: readonly FindingDefinition[] = [],
): FindingDefinition[] {
  const seen = new Map<string, FindingDefinition>();
  for (const k of kinds) for (const f of k.findings) if (!seen.has(f.code)) seen.set(f.code, f);
  for (const f of extra) if (!seen.has(f.code)) seen.set(f.code, f);
  return [...seen.values()].sort((a, b) => a.code.localeCompare(b.code));
}
