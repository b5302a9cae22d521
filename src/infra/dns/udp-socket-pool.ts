import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { randomInt } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import type { DnsServer } from '../../config/dns-server';
import type { ExchangeOptions, ExchangeResult } from './dns-transport';
import type { DnsStats } from './dns-stats';

export interface UdpPoolOptions {
  /** Long-lived sockets per server, each on its own random source port. */
  sockets: number;
  /** Exchanges in flight per server; more wait in a FIFO queue instead of being sent (and dropped). */
  maxInFlight: number;
  /** A socket is retired after this many queries, so its source port does not stay guessable for long. */
  maxQueriesPerSocket: number;
  /** ... or after this many milliseconds. */
  maxSocketAgeMs: number;
  /** ... or as soon as it has received this many datagrams that answer nothing (a spoofing attempt). */
  maxForeignPerSocket: number;
  /** Sockets of a server with nothing in flight for this long are closed (reopened on demand). */
  idleCloseMs: number;
}

export const DEFAULT_UDP_POOL: UdpPoolOptions = {
  sockets: 4,
  maxInFlight: 128,
  maxQueriesPerSocket: 2000,
  maxSocketAgeMs: 60_000,
  maxForeignPerSocket: 32,
  idleCloseMs: 5_000,
};

interface Pending {
  id: number;
  classify: ExchangeOptions['classify'];
  finish(r: ExchangeResult): void;
}

/**
 * One connected UDP socket with the queries it carries, keyed by DNS id. The kernel delivers only
 * datagrams from the server's address and port (connect(2)); `deliver` checks that again, then the
 * id, then (through `classify`) the question, as RFC 5452 §9.1 asks for.
 */
class Slot {
  readonly pending = new Map<number, Pending>();
  /** Ids whose query gave up (timeout, abort) recently: their late answers are dropped, the id is not reused. */
  readonly late = new Set<number>();
  sent = 0;
  foreign = 0;
  retired = false;
  closed = false;
  private connected = false;
  private readonly waiting: Buffer[] = [];
  readonly born = Date.now();

  constructor(readonly sock: dgram.Socket) {}

  connect(server: DnsServer): void {
    this.sock.connect(server.port, server.host, () => {
      this.connected = true;
      for (const b of this.waiting.splice(0)) this.write(b);
    });
  }

  send(query: Buffer): void {
    this.sent++;
    if (this.connected) this.write(query);
    else this.waiting.push(query);
  }

  private write(query: Buffer): void {
    const id = query.readUInt16BE(0);
    this.sock.send(query, (err) => {
      if (err) this.pending.get(id)?.finish({ failure: 'network', message: err.message });
    });
  }

  /** A fresh id not in use on this socket (RFC 5452 §4.3: unpredictable). */
  freshId(): number {
    for (;;) {
      const id = randomInt(0, 65536);
      if (!this.pending.has(id) && !this.late.has(id)) return id;
    }
  }

  close(stats: DnsStats): void {
    if (this.closed) return;
    this.closed = true;
    stats.socketsClosed++;
    try {
      this.sock.close();
    } catch {
      /* already closed */
    }
  }
}

/**
 * All UDP exchanges with one server: a few long-lived connected sockets instead of a socket per
 * query (socket creation, bind and close dominated the CPU profile), a bound on queries in flight
 * with a queue behind it (a burst beyond the server's receive buffer is silently dropped and turns
 * into timeouts, i.e. indeterminate verdicts), and per-query timers that start when the query is
 * sent, not while it waits in the queue.
 *
 * Anti-spoofing is kept (RFC 5452): each socket has its own random ephemeral port, each query a
 * random id unique on its socket, an answer must match id AND question AND come from the server's
 * address and port; sockets rotate (fresh random port) after `maxQueriesPerSocket` queries, after
 * `maxSocketAgeMs`, and at once when unmatched datagrams suggest someone is guessing.
 */
export class ServerChannel {
  private readonly slots: Slot[] = [];
  /** Retired sockets kept open until their pending and late ids are settled. */
  private readonly retiredOpen = new Set<Slot>();
  private next = 0;
  private inFlight = 0;
  private readonly queue: (() => boolean)[] = [];
  private queueHead = 0;
  private readonly serverNorm: string;
  private closed = false;
  private idleTimer?: NodeJS.Timeout;
  private idleSince = 0;

  constructor(
    private readonly server: DnsServer,
    private readonly opts: UdpPoolOptions,
    private readonly stats: DnsStats,
  ) {
    this.serverNorm = normalise(server.host);
  }

  exchange(query: Buffer, opts: ExchangeOptions): Promise<ExchangeResult> {
    return new Promise<ExchangeResult>((resolve) => {
      if (opts.signal?.aborted) return resolve({ failure: 'aborted', message: 'aborted' });
      let done = false;
      const finish = (r: ExchangeResult): void => {
        if (done) return;
        done = true;
        resolve(r);
      };
      const onAbort = (): void => finish({ failure: 'aborted', message: 'aborted' });
      /** Takes the in-flight place just freed; false when the caller gave up while waiting. */
      const start = (): boolean => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (done) return false;
        if (this.closed) {
          finish({ failure: 'network', message: 'resolver closed' });
          return false;
        }
        this.send(query, opts, (r) => {
          finish(r);
          this.release();
        });
        return true;
      };
      if (this.inFlight < this.opts.maxInFlight) {
        this.inFlight++;
        start();
      } else {
        this.stats.queued++;
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        this.queue.push(start);
      }
    });
  }

  /** A place in flight is free: the oldest query still waiting takes it. */
  private release(): void {
    while (!this.closed && this.queueHead < this.queue.length) {
      const start = this.queue[this.queueHead]!;
      this.queue[this.queueHead++] = noStart;
      if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
        this.queue.splice(0, this.queueHead);
        this.queueHead = 0;
      }
      if (start()) return; // it keeps the place
    }
    if (--this.inFlight === 0 && !this.closed) this.armIdle();
  }

  /** Nothing in flight: the sockets are closed unless a query comes within idleCloseMs. */
  private armIdle(): void {
    this.idleSince = Date.now();
    if (this.idleTimer) return; // one timer, re-armed for the remainder when it fires early
    const check = (): void => {
      this.idleTimer = undefined;
      if (this.inFlight > 0 || this.closed) return;
      const left = this.idleSince + this.opts.idleCloseMs - Date.now();
      if (left > 0) {
        this.idleTimer = setTimeout(check, left);
        this.idleTimer.unref();
        return;
      }
      for (const s of [...this.slots]) this.retire(s);
    };
    this.idleTimer = setTimeout(check, this.opts.idleCloseMs);
    this.idleTimer.unref();
  }

  private send(query: Buffer, opts: ExchangeOptions, done: (r: ExchangeResult) => void): void {
    const slot = this.pick();
    const id = slot.freshId();
    const bytes = Buffer.from(query);
    bytes.writeUInt16BE(id, 0);
    let finished = false;
    const finish = (r: ExchangeResult): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      slot.pending.delete(id);
      if (!('response' in r)) {
        // The answer may still come: keep the id out of use until it could no longer arrive.
        slot.late.add(id);
        setTimeout(() => {
          slot.late.delete(id);
          this.maybeClose(slot);
        }, opts.timeoutMs).unref();
      }
      this.maybeClose(slot);
      done(r);
    };
    const onAbort = (): void => finish({ failure: 'aborted', message: 'aborted' });
    const timer = setTimeout(
      () => finish({ failure: 'timeout', message: `no answer within ${opts.timeoutMs} ms` }),
      opts.timeoutMs,
    );
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    slot.pending.set(id, { id, classify: (msg, qid) => opts.classify(msg, qid), finish });
    slot.send(bytes);
    if (slot.sent >= this.opts.maxQueriesPerSocket) this.retire(slot);
  }

  /** Round robin over live sockets, opening them lazily and replacing retired or old ones. */
  private pick(): Slot {
    const now = Date.now();
    for (const s of [...this.slots]) if (now - s.born > this.opts.maxSocketAgeMs) this.retire(s);
    if (this.slots.length < this.opts.sockets) {
      const s = this.open();
      this.slots.push(s);
      return s;
    }
    this.next = (this.next + 1) % this.slots.length;
    return this.slots[this.next]!;
  }

  private open(): Slot {
    const sock = dgram.createSocket(net.isIPv6(this.server.host) ? 'udp6' : 'udp4');
    const slot = new Slot(sock);
    this.stats.socketsOpened++;
    // An ICMP error (port unreachable) on a connected socket cannot be tied to one query: every
    // query on it fails as the per-query socket did, and the socket is replaced.
    sock.on('error', (e) => {
      for (const p of [...slot.pending.values()]) p.finish({ failure: 'network', message: e.message });
      this.retire(slot);
    });
    sock.on('message', (msg, rinfo) => this.deliver(slot, msg, rinfo));
    // Idle sockets must not keep the CLI or a test process alive.
    sock.unref();
    slot.connect(this.server);
    return slot;
  }

  private deliver(slot: Slot, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (slot.closed) return;
    // connect(2) already filters by source; checked again so a routing surprise cannot bypass it.
    const fromServer =
      rinfo.port === this.server.port &&
      (rinfo.address === this.server.host || normalise(rinfo.address) === this.serverNorm);
    const id = msg.length >= 2 ? msg.readUInt16BE(0) : -1;
    const p = fromServer ? slot.pending.get(id) : undefined;
    if (!p) {
      if (fromServer && slot.late.has(id)) return; // a genuine answer after we gave up
      return this.foreign(slot);
    }
    const verdict = p.classify(msg, id);
    if (verdict === 'match') p.finish({ response: msg });
    else if (verdict === 'malformed') p.finish({ failure: 'malformed', message: 'malformed response' });
    else this.foreign(slot); // right id, wrong question: a guess that hit the id, keep waiting
  }

  private foreign(slot: Slot): void {
    this.stats.foreignPackets++;
    if (++slot.foreign >= this.opts.maxForeignPerSocket) this.retire(slot);
  }

  private retire(slot: Slot): void {
    if (slot.retired) return;
    slot.retired = true;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    this.retiredOpen.add(slot);
    this.maybeClose(slot);
  }

  private maybeClose(slot: Slot): void {
    if (slot.retired && slot.pending.size === 0 && slot.late.size === 0) {
      slot.close(this.stats);
      this.retiredOpen.delete(slot);
    }
  }

  /** Fails what is in flight or queued and closes every socket. */
  close(): void {
    this.closed = true;
    clearTimeout(this.idleTimer);
    for (const s of [...this.slots, ...this.retiredOpen]) {
      for (const p of [...s.pending.values()]) p.finish({ failure: 'network', message: 'resolver closed' });
      s.late.clear();
      s.close(this.stats);
    }
    this.slots.length = 0;
    this.retiredOpen.clear();
    const waiting = this.queue.splice(this.queueHead);
    this.queue.length = 0;
    this.queueHead = 0;
    for (const start of waiting) start();
  }
}

const noStart = (): boolean => false;

function normalise(host: string): string {
  try {
    return ipaddr.process(host).toNormalizedString();
  } catch {
    return host;
  }
}

/** The channels of one resolver, one per server. */
export class UdpSocketPool {
  private readonly channels = new Map<string, ServerChannel>();

  constructor(
    private readonly opts: UdpPoolOptions,
    private readonly stats: DnsStats,
  ) {}

  channel(server: DnsServer): ServerChannel {
    const key = `${server.host}|${server.port}`;
    let c = this.channels.get(key);
    if (!c) {
      c = new ServerChannel(server, this.opts, this.stats);
      this.channels.set(key, c);
    }
    return c;
  }

  close(): void {
    for (const c of this.channels.values()) c.close();
    this.channels.clear();
  }
}
