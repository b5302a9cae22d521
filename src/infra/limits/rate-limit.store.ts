import type { RedisClient as Redis } from '../queue/redis.factory';

/**
 * The Redis side of rate limits and quotas (the rules live in src/ratelimit/rate-limiter.ts; this
 * store only reads and writes). Every decision is one Lua script, so it is atomic across API
 * replicas sharing the Redis (no read-then-write race between two processes). Provided by
 * LimitStoresModule on the producer connection (fails fast while Redis is down).
 *
 * Keys, all under `<QUEUE_PREFIX>:rl:` (BullMQ's own keys are `<QUEUE_PREFIX>:<queue>:...`):
 * - `rpm:<keyId>`         requests in the current one-minute window (fixed window, starts at
 *                          the key's first request, expires with it);
 * - `quota:<tenant>:<day>` checks admitted on that UTC day (expires after two days);
 * - `conc:<keyId>:f`      hash of unfinished admitted work: checkId -> 1, `b:<batchId>` -> n
 *                          (negative: finished before its submission committed, see COMMIT);
 * - `conc:<keyId>:n`      sum of the positive fields (read in O(1) at admission);
 * - `conc:<keyId>:p`      reservations of submissions in progress: token -> "n:startedMs";
 * - `conc:<keyId>:r`      a short lock so only one replica reconciles a key with the database;
 * - `vis:<tenant>:<client>:f` set of unfinished check ids one visitor of a publishable key
 *                          submitted (client: IPv4 address or IPv6 /64);
 * - `vis:<tenant>:<client>:p` that visitor's reservations in progress, like `conc:<keyId>:p`.
 * A visitor's set is not kept by finish hooks: when the visitor is at the cap, the limiter asks
 * the database which of its (at most cap) checks are still unfinished and drops the others.
 */

// KEYS: window. ARGV: windowMs, cost.
const HIT = `
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

// The admission of n checks, a Lua function of K (keys: quota, total, pending, visitor pending,
// visitor set) and A (args: n, quotaLimit, quotaTtlS, concLimit, nowMs, token, staleBeforeMs,
// visitorLimit (0: no visitor cap)). Returns {0, quotaUsed, inFlight} admitted; {1, quotaUsed}
// quota exceeded; {2, inFlight} too many unfinished for the key; {3, visitorInFlight} too many
// unfinished for the visitor.
const ADMIT_FN = `
local function admit(K, A)
  local n = tonumber(A[1])
  local qlimit = tonumber(A[2])
  local stale = tonumber(A[7])
  local function reserved(key)
    local sum = 0
    local pend = redis.call('HGETALL', key)
    for i = 1, #pend, 2 do
      local pn, ts = string.match(pend[i + 1], '^(%d+):(%d+)$')
      if (not ts) or tonumber(ts) < stale then
        redis.call('HDEL', key, pend[i])
      else
        sum = sum + tonumber(pn)
      end
    end
    return sum
  end
  local used = tonumber(redis.call('GET', K[1]) or '0')
  if qlimit > 0 and used + n > qlimit then return {1, used} end
  local vlimit = tonumber(A[8])
  if vlimit > 0 then
    local visitor = reserved(K[4]) + redis.call('SCARD', K[5])
    if visitor + n > vlimit then return {3, visitor} end
  end
  local climit = tonumber(A[4])
  local inflight = 0
  if climit > 0 then
    inflight = reserved(K[3]) + tonumber(redis.call('GET', K[2]) or '0')
    if inflight + n > climit then return {2, inflight} end
    redis.call('HSET', K[3], A[6], n .. ':' .. A[5])
    redis.call('PEXPIRE', K[3], 3600000)
  end
  if vlimit > 0 then
    redis.call('HSET', K[4], A[6], n .. ':' .. A[5])
    redis.call('PEXPIRE', K[4], 3600000)
  end
  if qlimit > 0 then
    redis.call('INCRBY', K[1], n)
    redis.call('EXPIRE', K[1], A[3])
  end
  return {0, used + n, inflight + n}
end`;

// KEYS and ARGV: those of admit above.
const ADMIT = `${ADMIT_FN}
return admit(KEYS, ARGV)`;

// One request's whole admission in one round trip (RateLimitStore.gate): the failed-auth block of
// the client's address, the key's per-minute window, then (n > 0) the admission of n checks.
// KEYS: auth failures, window, then admit's five keys. ARGV: authLimit (0: no auth check),
// rpmLimit (0: no window), windowMs, cost, then admit's eight args.
// Returns {0, authTtlMs} blocked for failed authentication (nothing counted);
// {1, count, resetMs} over the per-minute limit (counted, nothing admitted);
// {2, count, resetMs, admitCode, x, y} otherwise (count and resetMs 0 without a window; admitCode
// -1 when n is 0).
const GATE = `${ADMIT_FN}
local alimit = tonumber(ARGV[1])
if alimit > 0 then
  local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
  if failures >= alimit then return {0, redis.call('PTTL', KEYS[1])} end
end
local rlimit = tonumber(ARGV[2])
local count, ttl = 0, 0
if rlimit > 0 then
  count = redis.call('INCRBY', KEYS[2], ARGV[4])
  ttl = redis.call('PTTL', KEYS[2])
  if count == 1 or ttl < 0 then redis.call('PEXPIRE', KEYS[2], ARGV[3]); ttl = tonumber(ARGV[3]) end
  if count > rlimit then return {1, count, ttl} end
end
if tonumber(ARGV[5]) <= 0 then return {2, count, ttl, -1} end
local r = admit({KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]}, {ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12]})
return {2, count, ttl, r[1], r[2], r[3]}`;

// KEYS: fields, total, pending. ARGV: ttlS, then token, member, n for each submission committed.
// Each reservation becomes tracked work. A fast check can finish before its submission commits:
// FINISH then leaves a negative tombstone that this commit absorbs, so the total counts only what
// is still unfinished.
const COMMIT = `
for i = 2, #ARGV, 3 do
  redis.call('HDEL', KEYS[3], ARGV[i])
  local before = tonumber(redis.call('HGET', KEYS[1], ARGV[i + 1]) or '0')
  local after = before + tonumber(ARGV[i + 2])
  if after == 0 then redis.call('HDEL', KEYS[1], ARGV[i + 1]) else redis.call('HSET', KEYS[1], ARGV[i + 1], after) end
  local delta = math.max(after, 0) - math.max(before, 0)
  if delta ~= 0 then redis.call('INCRBY', KEYS[2], delta) end
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return 1`;

// KEYS: quota, pending, visitor pending. ARGV: token, n (refund of the quota; 0 when quota is off).
const RELEASE = `
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
local n = tonumber(ARGV[2])
if n > 0 and redis.call('EXISTS', KEYS[1]) == 1 then
  local v = redis.call('DECRBY', KEYS[1], n)
  if v < 0 then redis.call('SET', KEYS[1], 0, 'KEEPTTL') end
end
return 1`;

// KEYS: visitor pending, visitor set. ARGV: token, checkId, ttlS. The visitor's reservation becomes
// a tracked check.
const VISITOR_COMMIT = `
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1`;

// KEYS: fields, total. ARGV: ttlS, member1, member2, ... One check of each member finished (a
// member listed twice: two of its checks). An untracked member gets a tombstone (-1) in case its
// commit is still on the way (see COMMIT).
const FINISH = `
for i = 2, #ARGV do
  local v = redis.call('HINCRBY', KEYS[1], ARGV[i], -1)
  if v == 0 then redis.call('HDEL', KEYS[1], ARGV[i]) end
  if v >= 0 then
    local t = redis.call('DECR', KEYS[2])
    if t < 0 then redis.call('SET', KEYS[2], 0, 'KEEPTTL') end
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1`;

// KEYS: fields, total. ARGV: member1, count1, member2, count2, ... (unfinished counts read from the
// database). Each field only ever goes down (both numbers are upper bounds of the truth), then the
// total is recomputed from the fields.
const RECONCILE = `
for i = 1, #ARGV, 2 do
  local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
  local want = tonumber(ARGV[i + 1])
  if want <= 0 then redis.call('HDEL', KEYS[1], ARGV[i])
  elseif want < cur then redis.call('HSET', KEYS[1], ARGV[i], want) end
end
local vals = redis.call('HVALS', KEYS[1])
local sum = 0
for _, v in ipairs(vals) do if tonumber(v) > 0 then sum = sum + tonumber(v) end end
if sum > 0 then redis.call('SET', KEYS[2], sum, 'KEEPTTL') else redis.call('DEL', KEYS[2]) end
return sum`;

type Reply = (string | number)[];
interface ScriptedRedis {
  rlHit(k: string, windowMs: number, cost: number): Promise<[number, number]>;
  rlAdmit(k1: string, k2: string, k3: string, k4: string, k5: string, ...argv: (string | number)[]): Promise<Reply>;
  rlGate(...keysThenArgv: (string | number)[]): Promise<Reply>;
  rlGateSubmit(...keysThenArgv: (string | number)[]): Promise<Reply>;
  rlCommitMany(k1: string, k2: string, k3: string, ttlS: number, ...argv: (string | number)[]): Promise<number>;
  rlRelease(k1: string, k2: string, k3: string, ...argv: (string | number)[]): Promise<number>;
  rlVisitorCommit(k1: string, k2: string, token: string, checkId: string, ttlS: number): Promise<number>;
  rlFinishMany(k1: string, k2: string, ttlS: number, ...members: string[]): Promise<number>;
  rlReconcile(k1: string, k2: string, ...argv: (string | number)[]): Promise<number>;
}

/** What RateLimitStore.gate decided (see GATE). */
export type GateResult =
  | { blocked: true; authTtlMs: number }
  | { blocked: false; window?: { count: number; resetMs: number }; admitted?: AdmitResult };

export type AdmitResult =
  | { ok: true; quotaUsed: number; inFlight: number }
  | { ok: false; reason: 'quota'; quotaUsed: number }
  | { ok: false; reason: 'concurrency'; inFlight: number }
  | { ok: false; reason: 'visitor'; inFlight: number };

export interface AdmitArgs {
  keyId: string;
  quotaKey: string;
  n: number;
  quotaLimit: number;
  concLimit: number;
  token: string;
  now: number;
  visitor?: string;
  visitorLimit?: number;
}

/** Tracked work lives a week at most without news (a key that stopped submitting cleans itself up). */
const TRACK_TTL_S = 7 * 24 * 3600;
/** A submission holds its reservation at most this long (a 10,000-check batch insert on a slow disk). */
const RESERVATION_MS = 10 * 60_000;

export class RateLimitStore {
  private readonly r: Redis & ScriptedRedis;
  /** Commits and finishes waiting for this turn's script call, by operation and key (see perTurn). */
  private readonly turn = new Map<string, { args: (string | number)[]; done: Promise<void> }>();

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    // defineCommand sends EVALSHA and falls back to EVAL after a Redis restart flushed the scripts.
    const defs: [string, number, string][] = [
      ['rlHit', 1, HIT],
      ['rlAdmit', 5, ADMIT],
      ['rlGate', 7, GATE],
      ['rlGateSubmit', 7, GATE],
      ['rlCommitMany', 3, COMMIT],
      ['rlRelease', 3, RELEASE],
      ['rlVisitorCommit', 2, VISITOR_COMMIT],
      ['rlFinishMany', 2, FINISH],
      ['rlReconcile', 2, RECONCILE],
    ];
    for (const [name, numberOfKeys, lua] of defs)
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua });
    this.r = redis as Redis & ScriptedRedis;
  }

  private k(...parts: string[]): string {
    return [this.prefix, 'rl', ...parts].join(':');
  }

  /** Count `cost` requests of a key; returns the count in the window and the window's remaining ms. */
  async hit(keyId: string, windowMs = 60_000, cost = 1): Promise<{ count: number; resetMs: number }> {
    const [count, resetMs] = await this.r.rlHit(this.k('rpm', keyId), windowMs, cost);
    return { count: Number(count), resetMs: Number(resetMs) };
  }

  quotaKey(tenantId: string, now: Date): string {
    return this.k('quota', tenantId, now.toISOString().slice(0, 10));
  }

  /** The key of one visitor's unfinished checks: a tenant and a client bucket (see addressBucket, src/common/address-bucket.ts). */
  visitorKey(tenantId: string, client: string): string {
    return this.k('vis', tenantId, client);
  }

  private admitKeys(keyId: string, quotaKey: string, visitor: string | undefined): string[] {
    // Without a visitor the script never touches its two keys; it still needs names to declare.
    const v = visitor ?? this.k('vis', '-');
    return [quotaKey, this.k('conc', keyId, 'n'), this.k('conc', keyId, 'p'), `${v}:p`, `${v}:f`];
  }

  private static admitArgs(a: AdmitArgs): (string | number)[] {
    return [
      a.n,
      a.quotaLimit,
      2 * 24 * 3600,
      a.concLimit,
      a.now,
      a.token,
      a.now - RESERVATION_MS,
      a.visitor ? (a.visitorLimit ?? 0) : 0,
    ];
  }

  private static admitResult(reply: Reply): AdmitResult {
    const [code, x, y] = reply.map(Number);
    if (code === 1) return { ok: false, reason: 'quota', quotaUsed: x! };
    if (code === 2) return { ok: false, reason: 'concurrency', inFlight: x! };
    if (code === 3) return { ok: false, reason: 'visitor', inFlight: x! };
    return { ok: true, quotaUsed: x!, inFlight: y! };
  }

  async admit(a: AdmitArgs): Promise<AdmitResult> {
    const [k1, k2, k3, k4, k5] = this.admitKeys(a.keyId, a.quotaKey, a.visitor);
    return RateLimitStore.admitResult(await this.r.rlAdmit(k1!, k2!, k3!, k4!, k5!, ...RateLimitStore.admitArgs(a)));
  }

  /**
   * One request's admission in one round trip (GATE): refused at once while `auth` (a failed-auth
   * counter, AuthFailureStore.keyOf) has reached its limit; else `cost` counted in the key's
   * minute window when `rpmLimit` > 0, and, when the window admits it and `admit` is given, the
   * admission of `admit.n` checks as `admit` would do it.
   */
  async gate(g: {
    keyId: string;
    auth?: { key: string; limit: number };
    rpmLimit: number;
    windowMs?: number;
    cost: number;
    admit?: AdmitArgs;
  }): Promise<GateResult> {
    const a = g.admit;
    const keys = [
      g.auth?.key ?? this.k('auth', '-'),
      this.k('rpm', g.keyId),
      ...this.admitKeys(g.keyId, a?.quotaKey ?? this.k('quota', '-'), a?.visitor),
    ];
    // A submission's admission may share a write with the others of its turn (rlGateSubmit is
    // auto-pipelined, see redis.factory.ts): its checks are stored a turn later anyway (group
    // commit, ChecksService). A read's admission (rlGate) is sent at once.
    const argv = [
      ...keys,
      g.auth?.limit ?? 0,
      g.rpmLimit,
      g.windowMs ?? 60_000,
      g.cost,
      ...(a ? RateLimitStore.admitArgs(a) : [0, 0, 0, 0, 0, '-', 0, 0]),
    ];
    const reply = await (a ? this.r.rlGateSubmit(...argv) : this.r.rlGate(...argv));
    const [code, x, y, admitCode, ax, ay] = reply.map(Number);
    if (code === 0) return { blocked: true, authTtlMs: x! };
    const window = g.rpmLimit > 0 ? { count: x!, resetMs: y! } : undefined;
    if (code === 1 || admitCode === undefined || admitCode < 0) return { blocked: false, window };
    return { blocked: false, window, admitted: RateLimitStore.admitResult([admitCode, ax!, ay!]) };
  }

  /** The submission was stored: track `member` (a check id, or `b:<batchId>` for n checks). */
  commit(keyId: string, token: string, member: string, n: number): Promise<void> {
    return this.perTurn('commit', keyId, [token, member, n], (args) =>
      this.r.rlCommitMany(
        this.k('conc', keyId, 'f'),
        this.k('conc', keyId, 'n'),
        this.k('conc', keyId, 'p'),
        TRACK_TTL_S,
        ...args,
      ),
    );
  }

  /** The submission failed: drop the reservations and give the quota back. */
  async release(keyId: string, quotaKey: string, token: string, refund: number, visitor?: string): Promise<void> {
    await this.r.rlRelease(quotaKey, this.k('conc', keyId, 'p'), `${visitor ?? this.k('vis', '-')}:p`, token, refund);
  }

  /** A visitor's submission was stored: its reservation becomes the tracked check `checkId`. */
  async commitVisitor(visitor: string, token: string, checkId: string): Promise<void> {
    await this.r.rlVisitorCommit(`${visitor}:p`, `${visitor}:f`, token, checkId, TRACK_TTL_S);
  }

  async visitorChecks(visitor: string): Promise<string[]> {
    return this.r.smembers(`${visitor}:f`);
  }

  /** Forget a visitor's checks that the database shows finished. */
  async dropVisitorChecks(visitor: string, checkIds: string[]): Promise<void> {
    if (checkIds.length) await this.r.srem(`${visitor}:f`, ...checkIds);
  }

  /** One check of `member` finished (see perTurn). */
  finish(keyId: string, member: string): Promise<void> {
    return this.perTurn('finish', keyId, [member], (members) =>
      this.r.rlFinishMany(this.k('conc', keyId, 'f'), this.k('conc', keyId, 'n'), TRACK_TTL_S, ...members),
    );
  }

  /**
   * The commits (or finishes) of one key asked for in one turn of the event loop (a group of
   * submits stored together, a worker finishing many checks at once) go out as one script call,
   * its arguments those of each call in order; every caller is resolved (or rejected) with it.
   * The scripts loop over their arguments, so a call of one is the same as before.
   */
  private perTurn<A extends string | number>(
    op: 'commit' | 'finish',
    keyId: string,
    args: A[],
    send: (args: A[]) => Promise<unknown>,
  ): Promise<void> {
    const at = `${op} ${keyId}`;
    let group = this.turn.get(at) as { args: A[]; done: Promise<void> } | undefined;
    if (!group) {
      const all: A[] = [];
      const done = new Promise<void>((resolve, reject) =>
        setImmediate(() => {
          this.turn.delete(at);
          send(all).then(() => resolve(), reject);
        }),
      );
      this.turn.set(at, (group = { args: all, done }));
    }
    group.args.push(...args);
    return group.done;
  }

  async tracked(keyId: string): Promise<Record<string, number>> {
    const h = await this.r.hgetall(this.k('conc', keyId, 'f'));
    return Object.fromEntries(Object.entries(h).map(([m, v]) => [m, Number(v)]));
  }

  /** Only one replica reconciles a key at a time, and not more often than every `ms`. */
  async reconcileLock(keyId: string, ms: number): Promise<boolean> {
    return (await this.r.set(this.k('conc', keyId, 'r'), '1', 'PX', ms, 'NX')) === 'OK';
  }

  async reconcile(keyId: string, counts: Map<string, number>): Promise<number> {
    const argv: (string | number)[] = [];
    for (const [m, n] of counts) argv.push(m, n);
    return Number(await this.r.rlReconcile(this.k('conc', keyId, 'f'), this.k('conc', keyId, 'n'), ...argv));
  }
}
