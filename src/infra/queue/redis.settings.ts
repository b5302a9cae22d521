import { ConfigError } from '../../config/config-error';

/**
 * Where Redis is (AppConfig slice `redis`, parsed once by loadConfig; documented in the README):
 * - standalone: `REDIS_URL=redis://[user:pass@]host:6379[/db]` or `rediss://` (TLS);
 * - Sentinel: `REDIS_URL=redis+sentinel://[user:pass@]host:26379,host2:26379/mymaster[/db]`
 *   (`rediss+sentinel://` for TLS), or `REDIS_SENTINELS=host:26379,host2:26379` with
 *   `REDIS_SENTINEL_NAME=mymaster`; `REDIS_SENTINEL_PASSWORD` when the sentinels ask for one;
 * - Cluster: `REDIS_URL=redis+cluster://[user:pass@]host:7000,host2:7001` (`rediss+cluster://`),
 *   or `REDIS_CLUSTER_NODES=host:7000,host2:7001` (a few seed nodes; the rest is discovered);
 * - with the list forms (REDIS_SENTINELS, REDIS_CLUSTER_NODES), REDIS_USERNAME / REDIS_PASSWORD.
 * ioredis's own Sentinel and Cluster clients do the rest (failover, redirections). On a Cluster the
 * queue prefix becomes hash-tagged (`{smtp-doctor}`, see `keyPrefix`), so every key of ours (BullMQ's
 * and the product's) hashes to one slot and every Lua script / MULTI stays on one node.
 */
export interface RedisNode {
  host: string;
  port: number;
}

interface RedisAuth {
  username?: string;
  password?: string;
  tls: boolean;
}

export type RedisSettings =
  | ({ topology: 'standalone'; url: string } & RedisAuth)
  | ({ topology: 'sentinel'; sentinels: RedisNode[]; name: string; db: number; sentinelPassword?: string } & RedisAuth)
  | ({ topology: 'cluster'; nodes: RedisNode[] } & RedisAuth);

type Env = Record<string, string | undefined>;

function parseNodes(raw: string, variable: string, defaultPort: number, problems: string[]): RedisNode[] {
  const out: RedisNode[] = [];
  const parts = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!parts.length) problems.push(`${variable}: names no host (expected host:port[,host:port...])`);
  for (const part of parts) {
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9_.-]+))(?::(\d{1,5}))?$/.exec(part);
    const port = m?.[3] ? Number(m[3]) : defaultPort;
    if (!m || port < 1 || port > 65535) {
      problems.push(`${variable}: "${part}" is not host[:port]`);
      continue;
    }
    out.push({ host: (m[1] ?? m[2])!, port });
  }
  return out;
}

/** Splits `scheme://[user[:pass]@]rest` without URL (which cannot hold several hosts). */
function splitUrl(url: string): { scheme: string; username?: string; password?: string; rest: string } | undefined {
  const m = /^([a-z+]+):\/\/(?:([^@/]*)@)?(.*)$/.exec(url);
  if (!m) return undefined;
  let username: string | undefined;
  let password: string | undefined;
  if (m[2] !== undefined) {
    const i = m[2].indexOf(':');
    username = decodeURIComponent(i < 0 ? m[2] : m[2].slice(0, i)) || undefined;
    password = i < 0 ? undefined : decodeURIComponent(m[2].slice(i + 1)) || undefined;
    // redis://:secret@host: a password alone (ioredis reads a lone userinfo as a password too).
    if (i < 0 && username) [username, password] = [undefined, username];
  }
  return { scheme: m[1]!, username, password, rest: m[3]! };
}

const redacted = (url: string) => url.replace(/\/\/[^@/]*@/, '//***@');

export function readRedisSettings(env: Env): RedisSettings {
  const problems: string[] = [];
  const url = env.REDIS_URL || undefined;
  const sentinelsRaw = env.REDIS_SENTINELS || undefined;
  const clusterRaw = env.REDIS_CLUSTER_NODES || undefined;
  const sentinelPassword = env.REDIS_SENTINEL_PASSWORD || undefined;
  // The list forms carry no credentials of their own: REDIS_USERNAME / REDIS_PASSWORD.
  const listAuth = { username: env.REDIS_USERNAME || undefined, password: env.REDIS_PASSWORD || undefined, tls: false };
  const given = [url && 'REDIS_URL', sentinelsRaw && 'REDIS_SENTINELS', clusterRaw && 'REDIS_CLUSTER_NODES'].filter(
    Boolean,
  );
  if (given.length > 1) throw new ConfigError([`${given.join(', ')}: set only one of them`]);
  if ((env.REDIS_USERNAME || env.REDIS_PASSWORD) && !sentinelsRaw && !clusterRaw)
    problems.push(
      'REDIS_PASSWORD: only used with REDIS_SENTINELS or REDIS_CLUSTER_NODES (put it in REDIS_URL otherwise)',
    );
  if (env.REDIS_SENTINEL_NAME && !sentinelsRaw)
    problems.push(
      'REDIS_SENTINEL_NAME: only used with REDIS_SENTINELS (or name the master in the redis+sentinel:// URL)',
    );

  let settings: RedisSettings;
  if (sentinelsRaw) {
    const name = env.REDIS_SENTINEL_NAME ?? '';
    if (!/^[A-Za-z0-9_.-]{1,128}$/.test(name))
      problems.push(`REDIS_SENTINEL_NAME: "${name}" must name the master (letters, digits, _ . -)`);
    settings = {
      topology: 'sentinel',
      sentinels: parseNodes(sentinelsRaw, 'REDIS_SENTINELS', 26379, problems),
      name,
      db: 0,
      sentinelPassword,
      ...listAuth,
    };
  } else if (clusterRaw) {
    settings = {
      topology: 'cluster',
      nodes: parseNodes(clusterRaw, 'REDIS_CLUSTER_NODES', 6379, problems),
      ...listAuth,
    };
  } else {
    const raw = url ?? 'redis://127.0.0.1:6379';
    const parts = splitUrl(raw);
    const scheme = parts?.scheme;
    const auth = { username: parts?.username, password: parts?.password, tls: Boolean(scheme?.startsWith('rediss')) };
    if (scheme === 'redis' || scheme === 'rediss') {
      settings = { topology: 'standalone', url: raw, ...auth };
    } else if (parts && (scheme === 'redis+sentinel' || scheme === 'rediss+sentinel')) {
      const [hosts = '', name = '', db = '0', ...extra] = parts.rest.split('/');
      if (!/^[A-Za-z0-9_.-]{1,128}$/.test(name) || !/^\d{1,2}$/.test(db) || extra.length)
        problems.push(
          `REDIS_URL: "${redacted(raw)}" must look like redis+sentinel://host:26379,host2:26379/<master name>[/<db>]`,
        );
      settings = {
        topology: 'sentinel',
        sentinels: parseNodes(hosts, 'REDIS_URL', 26379, problems),
        name,
        db: Number(db) || 0,
        sentinelPassword,
        ...auth,
      };
    } else if (parts && (scheme === 'redis+cluster' || scheme === 'rediss+cluster')) {
      const hosts = parts.rest.replace(/\/$/, '');
      if (hosts.includes('/'))
        problems.push(
          `REDIS_URL: "${redacted(raw)}" must look like redis+cluster://host:7000,host2:7001 (no database)`,
        );
      settings = { topology: 'cluster', nodes: parseNodes(hosts.split('/')[0]!, 'REDIS_URL', 6379, problems), ...auth };
    } else {
      problems.push(
        `REDIS_URL: "${redacted(raw)}" must start with redis://, rediss://, redis+sentinel:// or redis+cluster://`,
      );
      settings = { topology: 'standalone', url: raw, tls: false };
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return settings;
}

/**
 * The prefix of every Redis key of ours. On a Cluster it is a hash tag (`{smtp-doctor}`): BullMQ
 * needs all keys of a queue on one slot, and our Lua scripts and MULTIs (rate limits, politeness,
 * browser limits) touch several keys at once. One slot means one master carries all of it: the
 * Cluster is for availability and for sharing with other tenants of the Cluster, not for spreading
 * this service's keys.
 */
export function keyPrefix(queuePrefix: string, settings: Pick<RedisSettings, 'topology'>): string {
  return settings.topology === 'cluster' ? `{${queuePrefix}}` : queuePrefix;
}

/** A description without credentials, for logs and error lines. */
export function describeRedis(s: RedisSettings): string {
  const hosts = (nodes: RedisNode[]) => nodes.map((n) => `${n.host}:${n.port}`).join(',');
  if (s.topology === 'standalone') return redacted(s.url);
  if (s.topology === 'sentinel') return `Sentinel ${hosts(s.sentinels)} (master ${s.name})`;
  return `Cluster ${hosts(s.nodes)}`;
}
