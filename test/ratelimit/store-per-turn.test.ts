import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitStore } from '../../src/infra/limits/rate-limit.store';
import { CheckEventBus, type CheckEvent } from '../../src/infra/queue/event-bus';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** Count the commands a connection sends, by name (scripts by the name they were defined with). */
function countCommands(r: Redis): Map<string, number> {
  const seen = new Map<string, number>();
  const send = r.sendCommand.bind(r);
  r.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
    const name = (args[0] as { name: string }).name;
    seen.set(name, (seen.get(name) ?? 0) + 1);
    return send(...args);
  }) as Redis['sendCommand'];
  return seen;
}

describe('what is asked for in one turn of the event loop goes out in one command', () => {
  const prefix = `per-turn-${randomBytes(4).toString('hex')}`;
  let pub: Redis;
  let sub: Redis;

  beforeAll(async () => {
    pub = new Redis(REDIS_URL);
    sub = new Redis(REDIS_URL);
    // Connected before counting (commands sent while connecting are queued, then sent again).
    await Promise.all([pub.ping(), sub.ping()]);
  });
  afterAll(async () => {
    const keys = await pub.keys(`${prefix}:*`);
    if (keys.length) await pub.del(...keys);
    pub.disconnect();
    sub.disconnect();
  });

  it('rate limits: the commits and finishes of one turn are one script call each, counted as one by one', async () => {
    const store = new RateLimitStore(pub, prefix);
    const seen = countCommands(pub);
    // Five submissions stored together; two of their checks (and one whose commit is still on the
    // way: a tombstone) finish in the same turn.
    await Promise.all([
      ...['c1', 'c2', 'c3', 'c4', 'c5'].map((m, i) => store.commit('k1', `tok${i}`, m, 1)),
      store.commit('k1', 'tokb', 'b:batch', 3),
    ]);
    await Promise.all([
      store.finish('k1', 'c1'),
      store.finish('k1', 'c2'),
      store.finish('k1', 'b:batch'),
      store.finish('k1', 'late'),
    ]);
    expect(seen.get('evalsha')).toBe(2);
    expect(await store.tracked('k1')).toEqual({ c3: 1, c4: 1, c5: 1, 'b:batch': 2, late: -1 });
    expect(Number(await pub.get(`${prefix}:rl:conc:k1:n`))).toBe(5);
    // The late commit absorbs its tombstone.
    await store.commit('k1', 'tok9', 'late', 1);
    expect(await store.tracked('k1')).toEqual({ c3: 1, c4: 1, c5: 1, 'b:batch': 2 });
    expect(Number(await pub.get(`${prefix}:rl:conc:k1:n`))).toBe(5);
  });

  it('check events: the events of one turn are one PUBLISH, delivered one by one in order', async () => {
    const bus = new CheckEventBus(pub, sub, prefix);
    await bus.start();
    const seen = countCommands(pub);
    const got: CheckEvent[] = [];
    const done = new Promise<void>((resolve) => {
      bus.on('a', (e) => got.push(e));
      bus.on('b', (e) => {
        got.push(e);
        if (e.status === 'completed') resolve();
      });
    });
    const events: CheckEvent[] = [
      { checkId: 'a', tenantId: 't', status: 'running', progress: 0 },
      { checkId: 'b', tenantId: 't', status: 'running', progress: 0 },
      { checkId: 'a', tenantId: 't', status: 'completed', progress: 100 },
      { checkId: 'b', tenantId: 't', status: 'completed', progress: 100 },
    ];
    await Promise.all(events.map((e) => bus.publish(e)));
    await done;
    expect(seen.get('publish')).toBe(1);
    expect(got).toEqual(events);
    // A lone event is sent as itself (what a process of the previous version understands).
    const raw = new Promise<string>((resolve) => sub.once('message', (_ch: string, m: string) => resolve(m)));
    await bus.publish(events[0]!);
    expect(JSON.parse(await raw)).toEqual(events[0]);
  });
});
