import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isDefinitiveRedisError, redisConnection, waitForRedis } from '../../src/infra/queue/redis.factory';
import { freePort } from '../support/free-port';

/**
 * The boot-time wait for Redis (waitForRedis): a Redis that is not there fails after `failFastMs`
 * with the reason; one that is reachable but slow to answer (a Cluster reading its slot table on a
 * loaded machine: four processes booting at once failed the old fixed 3 s wait) is waited for up
 * to `timeoutMs`. The slow Redis is the real one behind a loopback proxy that holds every new
 * connection for a while before relaying it.
 */
const REDIS_PORT = Number(new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').port || 6379);

function delayingProxy(delayMs: number): Promise<{ port: number; server: Server }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.pause();
    setTimeout(() => {
      const upstream = connect(REDIS_PORT, '127.0.0.1');
      sockets.add(upstream);
      client.pipe(upstream).pipe(client);
      client.resume();
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    }, delayMs);
  });
  const close = server.close.bind(server);
  // Closing the proxy also ends the connections it holds (a net.Server waits for them otherwise).
  server.close = (cb) => {
    for (const s of sockets) s.destroy();
    return close(cb);
  };
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, server })),
  );
}

describe('waiting for Redis at boot', () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('a Redis that is not there fails fast, naming why', async () => {
    const port = await freePort(); // nothing listens there
    const r = redisConnection(`redis://127.0.0.1:${port}`, 'producer', 'test');
    cleanups.push(() => r.disconnect());
    const err = await waitForRedis(r, { failFastMs: 200, timeoutMs: 60_000 }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('a reachable Redis that is slow to answer is waited for past failFastMs', async () => {
    const proxy = await delayingProxy(1500);
    cleanups.push(() => new Promise<void>((res) => proxy.server.close(() => res())));
    const r = redisConnection(`redis://127.0.0.1:${proxy.port}`, 'worker', 'test');
    cleanups.push(() => r.disconnect());
    // failFastMs passes long before the proxy relays the connection: nothing definitive was seen,
    // so the wait goes on and ends with the connection ready.
    await waitForRedis(r, { failFastMs: 100, timeoutMs: 60_000 });
    expect(r.status).toBe('ready');
    expect(await r.ping()).toBe('PONG');
  });

  it('a Redis that stays silent ends the wait at timeoutMs, not at failFastMs', async () => {
    // Accepts connections and never answers.
    const held = new Set<Socket>();
    const silent = createServer((s) => void held.add(s));
    await new Promise<void>((res) => silent.listen(0, '127.0.0.1', () => res()));
    cleanups.push(
      () =>
        new Promise<void>((res) => {
          for (const s of held) s.destroy();
          silent.close(() => res());
        }),
    );
    const port = (silent.address() as { port: number }).port;
    const r = redisConnection(`redis://127.0.0.1:${port}`, 'worker', 'test');
    cleanups.push(() => r.disconnect());
    const err = await waitForRedis(r, { failFastMs: 50, timeoutMs: 1000 }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^cannot connect within 1000 ms/);
  });

  it('tells "not there" from "slow" by the error', () => {
    expect(isDefinitiveRedisError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    expect(isDefinitiveRedisError(new Error('WRONGPASS invalid username-password pair'))).toBe(true);
    expect(
      isDefinitiveRedisError(
        Object.assign(new Error('Failed to refresh slots cache.'), {
          lastNodeError: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        }),
      ),
    ).toBe(true);
    expect(isDefinitiveRedisError(Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }))).toBe(false);
    expect(
      isDefinitiveRedisError(
        Object.assign(new Error('Failed to refresh slots cache.'), { lastNodeError: new Error('timeout') }),
      ),
    ).toBe(false);
  });
});
