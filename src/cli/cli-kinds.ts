import type { CheckKindDefinition } from '../checks/check-kind';

/**
 * The check kinds the CLI runs in-process, in the app's order, each loaded only when a command
 * needs it: `smtp-doctor mx` loads the mx kind and its engine, not the other kinds, Nest's
 * container, GraphQL, BullMQ or the database (a kind module pulls all of those in). The list
 * mirrors the kinds the diagnostic modules register (`kindsOf(DIAGNOSTIC_MODULES)` with a `cli`
 * mapping): test/cli/cli-load.test.ts holds them equal. `uses`: the kinds its in-process engine
 * runs as well (health runs dns and smtp: src/reports/health/health.local.ts).
 */
export const CLI_KINDS: Readonly<Record<string, { load: () => Promise<CheckKindDefinition>; uses?: string[] }>> = {
  mx: { load: async () => (await import('../mx/mx.kind.js')).mxKind },
  dns: { load: async () => (await import('../dns/dns.kind.js')).dnsKind },
  smtp: { load: async () => (await import('../probe/probe.kind.js')).smtpKind },
  content: { load: async () => (await import('../content-spam-check/content.kind.js')).contentKind },
  health: { load: async () => (await import('../reports/health/health.kind.js')).healthKind, uses: ['dns', 'smtp'] },
};

/** The definitions of `names` and of the kinds they use, in the app's order. */
export async function loadCliKinds(names: readonly string[]): Promise<CheckKindDefinition[]> {
  // The input classes' decorators (class-validator, class-transformer, Nest) read reflect metadata.
  await import('reflect-metadata');
  const wanted = new Set<string>();
  const add = (n: string) => {
    if (wanted.has(n) || !CLI_KINDS[n]) return;
    wanted.add(n);
    for (const u of CLI_KINDS[n].uses ?? []) add(u);
  };
  for (const n of names) add(n);
  const order = Object.keys(CLI_KINDS).filter((n) => wanted.has(n));
  return Promise.all(order.map((n) => CLI_KINDS[n]!.load()));
}
