import type { Command } from 'commander';
import { ApiClient } from '../cli/api-client';

type Flags = { server?: string; apiKey?: string; json?: boolean; [k: string]: unknown };

function client(flags: Flags): ApiClient {
  const server = flags.server ?? process.env.SMTP_DOCTOR_SERVER;
  const key = flags.apiKey ?? process.env.SMTP_DOCTOR_API_KEY;
  if (!server) throw new Error('monitors live on a server: give --server URL (or SMTP_DOCTOR_SERVER)');
  if (!key) throw new Error('--server needs --api-key or SMTP_DOCTOR_API_KEY');
  return new ApiClient(server, key);
}

function out(v: unknown, json: boolean | undefined, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(v, null, 2)}\n` : `${text()}\n`);
}

interface MonitorView {
  id: string;
  name?: string;
  target: string;
  kinds: string[];
  intervalSeconds: number;
  status: string;
  lastRunAt?: string;
  nextRunAt?: string;
  state?: { kind: string; verdict?: string; findingCodes: string[]; pendingCount: number }[];
}

const line = (m: MonitorView) =>
  `${m.id}  ${m.status.padEnd(6)}  every ${m.intervalSeconds}s  ${m.kinds.join(',')}  ${m.target}${m.name ? `  (${m.name})` : ''}`;

function detail(m: MonitorView): string {
  return [
    line(m),
    ...(m.lastRunAt ? [`  last run: ${m.lastRunAt}`] : []),
    ...(m.nextRunAt ? [`  next run: ${m.nextRunAt}`] : []),
    ...(m.state ?? []).map(
      (s) =>
        `  ${s.kind}: ${s.verdict ?? '-'}${s.findingCodes.length ? ` [${s.findingCodes.join(', ')}]` : ''}${s.pendingCount ? ` (change pending ${s.pendingCount}x)` : ''}`,
    ),
  ].join('\n');
}

/**
 * `smtp-doctor monitors ...`: the monitors of a tenant, through a server's REST API (monitors
 * need the scheduler and the database, so there is no in-process mode).
 */
export function registerMonitorCommands(program: Command): void {
  const monitors = program
    .command('monitors')
    .description('Scheduled checks with alerts on change, on a smtp-doctor server (--server, --api-key)');
  const common = (c: Command) =>
    c
      .option('--server <url>', 'smtp-doctor server (or SMTP_DOCTOR_SERVER)')
      .option('--api-key <key>', 'secret API key (or SMTP_DOCTOR_API_KEY)')
      .option('--json', 'print the JSON the API returns');

  common(monitors.command('list').description("List the tenant's monitors")).action(async (flags: Flags) => {
    const r = await client(flags).request<{ items: MonitorView[] }>('GET', '/v1/monitors?limit=200');
    out(r.body, flags.json, () => r.body.items.map(line).join('\n') || '(no monitors)');
  });

  common(monitors.command('get <id>').description('A monitor with its confirmed state per kind')).action(
    async (id: string, flags: Flags) => {
      const r = await client(flags).request<MonitorView>('GET', `/v1/monitors/${encodeURIComponent(id)}`);
      out(r.body, flags.json, () => detail(r.body));
    },
  );

  common(
    monitors
      .command('create <target>')
      .description('Create a monitor of TARGET (a domain, or a host/IP for smtp)')
      .requiredOption('--kinds <list>', 'comma-separated kinds: health, dns, mx, smtp')
      .option('--every <seconds>', 'interval in seconds', '900')
      .option('--name <name>', 'a name for alerts')
      .option('--confirmations <n>', 'agreeing results before a change alerts')
      .option('--sending-ip <ip...>', 'sending IPs for the dns kind (SPF, PTR, blocklists)')
      .option('--port <port...>', 'ports for the smtp kind')
      .option('--email <address...>', 'e-mail alert recipients')
      .option('--chat <url...>', 'Slack/Mattermost incoming-webhook URLs')
      .option('--webhooks', 'also send monitor.alert to the tenant webhooks'),
  ).action(async (target: string, flags: Flags) => {
    const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : undefined);
    const body = {
      target,
      kinds: String(flags.kinds)
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
      intervalSeconds: Number(flags.every),
      ...(typeof flags.name === 'string' ? { name: flags.name } : {}),
      ...(flags.confirmations ? { confirmations: Number(flags.confirmations) } : {}),
      ...(list(flags.sendingIp) ? { sendingIps: list(flags.sendingIp) } : {}),
      ...(list(flags.port) ? { ports: list(flags.port)!.map(Number) } : {}),
      channels: {
        webhooks: Boolean(flags.webhooks),
        ...(list(flags.email) ? { emails: list(flags.email) } : {}),
        ...(list(flags.chat) ? { chat: list(flags.chat) } : {}),
      },
    };
    const r = await client(flags).request<MonitorView>('POST', '/v1/monitors', body);
    out(r.body, flags.json, () => `created ${line(r.body)}`);
  });

  for (const action of ['pause', 'resume'] as const)
    common(
      monitors.command(`${action} <id>`).description(`${action[0]!.toUpperCase()}${action.slice(1)} a monitor`),
    ).action(async (id: string, flags: Flags) => {
      const r = await client(flags).request<MonitorView>('POST', `/v1/monitors/${encodeURIComponent(id)}/${action}`);
      out(r.body, flags.json, () => line(r.body));
    });

  common(monitors.command('run <id>').description('Run a monitor now')).action(async (id: string, flags: Flags) => {
    const r = await client(flags).request<{ checks: { id: string; kind: string }[] }>(
      'POST',
      `/v1/monitors/${encodeURIComponent(id)}/run`,
    );
    out(r.body, flags.json, () => r.body.checks.map((c) => `${c.kind}: check ${c.id}`).join('\n'));
  });

  common(monitors.command('delete <id>').description('Delete a monitor (its checks stay)')).action(
    async (id: string, flags: Flags) => {
      await client(flags).request('DELETE', `/v1/monitors/${encodeURIComponent(id)}`);
      out({ deleted: id }, flags.json, () => `deleted ${id}`);
    },
  );

  common(monitors.command('alerts <id>').description("A monitor's alerts and their deliveries")).action(
    async (id: string, flags: Flags) => {
      const r = await client(flags).request<{
        items: {
          id: string;
          type: string;
          kind: string;
          createdAt: string;
          deliveries: { channel: string; destination: string; status: string; attempts: number }[];
        }[];
      }>('GET', `/v1/monitors/${encodeURIComponent(id)}/alerts`);
      out(
        r.body,
        flags.json,
        () =>
          r.body.items
            .map((a) =>
              [
                `${a.createdAt}  ${a.type.toUpperCase()}  ${a.kind}  ${a.id}`,
                ...a.deliveries.map((d) => `  ${d.channel} ${d.destination}: ${d.status} (${d.attempts} attempts)`),
              ].join('\n'),
            )
            .join('\n') || '(no alerts)',
      );
    },
  );
}
