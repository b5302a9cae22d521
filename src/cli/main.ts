import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { CheckModel } from '../checks/check.model';
import type { CheckKindDefinition } from '../checks/check-kind';
import { ApiClient } from './api-client';
import { CLI_KINDS, loadCliKinds as loadKinds } from './cli-kinds';
import { useModelShims } from './model-shims';
import { formatReport, progressBar } from './report.format';
import { registerMonitorCommands } from '../monitors/monitors.cli';

/*
 * Start-up cost: a command loads only what it runs (issue 14). Nothing heavy is imported at the
 * top; `explain` loads the reply knowledge base, a kind command its kind (cli-kinds.ts) with the
 * configuration, the logger and the engines' ports, at the moment it runs.
 */

type Flags = Record<string, string | boolean | string[]>;

/** Kind definitions, with their input classes' GraphQL/OpenAPI decorators shimmed (model-shims.ts). */
function loadCliKinds(names: readonly string[]) {
  useModelShims();
  return loadKinds(names);
}

/** Run checks in-process: the kinds given (and what they use), the configuration and the ports. */
async function localRunner(names: readonly string[]) {
  const [defs, { KindCatalog }, { loadConfig }, { createLogger }, { runLocal }] = await Promise.all([
    loadCliKinds(names),
    import('../checks/kind-catalog.js'),
    import('../config/config.schema.js'),
    import('../common/logger.js'),
    import('./run-local.js'),
  ]);
  const kinds = new KindCatalog(defs);
  const config = loadConfig();
  const log = createLogger(process.env.LOG_LEVEL ?? 'silent');
  return { config, run: (body: Record<string, unknown>) => runLocal(config, log, body, kinds) };
}

async function runViaServer(
  server: string,
  key: string,
  body: Record<string, unknown>,
  waitSeconds: number,
): Promise<CheckModel> {
  const api = new ApiClient(server, key);
  const sub = await api.request<{ id: string }>('POST', '/v1/checks', body);
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const c = await api.request<CheckModel>('GET', `/v1/checks/${sub.body.id}`);
    if (c.body.status === 'completed' || c.body.status === 'failed') return c.body;
    if (Date.now() > deadline)
      throw new Error(`check ${sub.body.id} did not finish within ${waitSeconds} s (still ${c.body.status})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function print(check: CheckModel, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(check, null, 2)}\n` : `${formatReport(check)}\n`);
  // Exit status: 0 pass/warn, 1 fail, 2 indeterminate or could not run (scriptable like swaks).
  process.exitCode =
    check.verdict === 'fail' ? 1 : check.verdict === 'indeterminate' || check.status === 'failed' ? 2 : 0;
}

/** `smtp-doctor <kind> <target>`: from the kind's own CLI mapping (usage, options, toInput). */
function registerKindCommand(program: Command, kind: CheckKindDefinition): void {
  if (!kind.cli) return;
  // The usage string documents options too; commander only needs the name and the positional.
  const positional = /<[^>]+>/.exec(kind.cli.usage)?.[0] ?? '<target>';
  const cmd = program
    .command(`${kind.name} ${positional}`)
    .description(kind.description)
    .option('--json', 'print the same JSON object the API returns')
    .option('--server <url>', 'run through a smtp-doctor server instead of in-process')
    .option('--api-key <key>', 'API key for --server (or SMTP_DOCTOR_API_KEY)')
    .option('--wait <seconds>', 'how long to wait for a server-side check', '120');
  for (const o of kind.cli.options ?? []) cmd.option(o.flags, o.description);
  cmd.action(async (target: string, flags: Flags) => {
    const body = { kind: kind.name, ...kind.cli!.toInput(target, flags) };
    let check: CheckModel;
    if (flags.server) {
      const key = (flags.apiKey as string | undefined) ?? process.env.SMTP_DOCTOR_API_KEY;
      if (!key) throw new Error('--server needs --api-key or SMTP_DOCTOR_API_KEY');
      check = await runViaServer(String(flags.server), key, body, Number(flags.wait) || 120);
    } else {
      check = await (await localRunner([kind.name])).run(body);
    }
    print(check, Boolean(flags.json));
  });
}

/** The commands that need no kind definition to be registered. */
const OTHER_COMMANDS = ['explain', 'batch', 'monitors'];

function registerOtherCommands(program: Command): void {
  program
    .command('explain <reply...>')
    .description('Explain an SMTP reply or bounce line: category, meaning, likely causes and the fix')
    .option('--json', 'print the same object as POST /v1/explain')
    .action(async (words: string[], flags: { json?: boolean }) => {
      const { explainCommand } = await import('../reports/api/explain.cli.js');
      process.stdout.write(explainCommand(words, flags));
    });

  program
    .command('batch <file>')
    .description('Run every line of FILE (a target, or a JSON object {kind,...}) as a check, with a progress bar')
    .option('--kind <kind>', 'kind for plain-target lines', 'mx')
    .option('--server <url>', 'submit to a smtp-doctor server as one batch')
    .option('--api-key <key>', 'API key for --server (or SMTP_DOCTOR_API_KEY)')
    .option('--json', 'print all results as JSON lines')
    .action(async (file: string, flags: Flags) => {
      if (!CLI_KINDS[String(flags.kind)]) throw new Error(`unknown kind ${String(flags.kind)}`);
      const [kind] = await loadCliKinds([String(flags.kind)]);
      if (!kind?.cli) throw new Error(`unknown kind ${String(flags.kind)}`);
      const lines = readFileSync(file, 'utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'));
      const checks = lines.map((l) =>
        l.startsWith('{')
          ? (JSON.parse(l) as Record<string, unknown>)
          : { kind: kind.name, ...kind.cli!.toInput(l, {}) },
      );
      const bar = (done: number) =>
        process.stderr.isTTY && process.stderr.write(`\r${progressBar(done, checks.length)}`);
      const results: CheckModel[] = [];
      if (flags.server) {
        const key = (flags.apiKey as string | undefined) ?? process.env.SMTP_DOCTOR_API_KEY;
        if (!key) throw new Error('--server needs --api-key or SMTP_DOCTOR_API_KEY');
        const api = new ApiClient(String(flags.server), key);
        const b = await api.request<{ id: string; total: number }>('POST', '/v1/batches', { checks });
        for (;;) {
          const s = await api.request<{ status: string; completed: number; failed: number }>(
            'GET',
            `/v1/batches/${b.body.id}`,
          );
          bar(s.body.completed + s.body.failed);
          if (!process.stderr.isTTY)
            process.stderr.write(`${progressBar(s.body.completed + s.body.failed, checks.length)}\n`);
          if (s.body.status === 'completed') break;
          await new Promise((r) => setTimeout(r, 1000));
        }
        let cursor: string | undefined;
        do {
          const page = await api.request<{ items: CheckModel[]; nextCursor?: string }>(
            'GET',
            `/v1/batches/${b.body.id}/checks?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
          );
          results.push(...page.body.items);
          cursor = page.body.nextCursor;
        } while (cursor);
      } else {
        // A line may name any kind: all of them.
        const { config, run } = await localRunner(Object.keys(CLI_KINDS));
        let done = 0;
        const queue = [...checks];
        const workers = Array.from({ length: Math.min(config.workerConcurrency, 20) }, async () => {
          for (let c = queue.shift(); c; c = queue.shift()) {
            results.push(await run(c));
            bar(++done);
          }
        });
        await Promise.all(workers);
      }
      if (process.stderr.isTTY) process.stderr.write('\n');
      for (const r of results) process.stdout.write(flags.json ? `${JSON.stringify(r)}\n` : `${formatReport(r)}\n\n`);
      const counts = results.reduce<Record<string, number>>(
        (m, r) => ((m[r.verdict ?? r.status] = (m[r.verdict ?? r.status] ?? 0) + 1), m),
        {},
      );
      process.stderr.write(
        `${results.length} checks: ${Object.entries(counts)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')}\n`,
      );
      process.exitCode = results.some((r) => r.verdict === 'fail') ? 1 : 0;
    });

  registerMonitorCommands(program);
}

/** The first word that is not an option: the command. */
function commandOf(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith('-'));
}

/**
 * Registers the kind commands the arguments need: only the named kind's (its definition carries
 * the usage and options), none for the other commands, every kind's for help or an unknown command.
 */
export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command();
  program
    .name('smtp-doctor')
    .description(
      'Diagnose why email is not getting through. Runs checks in-process, or through a server with --server.',
    )
    .showHelpAfterError();
  const name = commandOf(argv);
  const wanted =
    name !== undefined && CLI_KINDS[name]
      ? [name]
      : name !== undefined && OTHER_COMMANDS.includes(name)
        ? []
        : Object.keys(CLI_KINDS);
  // Kind commands first, in the app's order (as the help lists them).
  if (wanted.length)
    for (const d of await loadCliKinds(wanted)) if (wanted.includes(d.name)) registerKindCommand(program, d);
  registerOtherCommands(program);
  return program;
}

if (
  require.main === module ||
  process.argv[1]?.endsWith('smtp-doctor.js') ||
  process.argv[1]?.endsWith('smtp-doctor')
) {
  buildProgram()
    .then((p) => p.parseAsync(process.argv))
    .catch((e: Error) => {
      process.stderr.write(`smtp-doctor: ${e.message}\n`);
      process.exitCode = 2;
    });
}
