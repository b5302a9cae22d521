import { spawn } from 'node:child_process';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/**
 * SMTP servers for the probe's tests, all on 127.0.0.1 and ephemeral ports:
 *  - startSmtp: nodemailer's smtp-server with hooks (real ESMTP, STARTTLS, AUTH, scripted rejections);
 *  - startScripted: a raw TCP (or implicit-TLS) server driven line by line, for misbehaviour
 *    smtp-server cannot produce (tarpits, drops mid-STARTTLS, oversized replies, slow replies);
 *  - startBlackhole: a listener whose accept queue is full, so connects hang (SYNs dropped);
 *  - closedPort: a port nothing listens on (connection refused).
 */
export interface Running {
  port: number;
  close(): Promise<void>;
}

export async function startSmtp(opts: SMTPServerOptions): Promise<Running & { server: SMTPServer }> {
  const server = new SMTPServer({ logger: false, disableReverseLookup: true, ...opts });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { port, server, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A line-oriented view of one raw connection. */
export interface ScriptIO {
  socket: Socket;
  send(...lines: string[]): void;
  /** Next line from the client (without CRLF), or null at EOF. */
  line(): Promise<string | null>;
  sleep(ms: number): Promise<void>;
}

function lineReader(socket: Socket): ScriptIO {
  let buf = '';
  const queue: string[] = [];
  const waiters: ((l: string | null) => void)[] = [];
  let ended = false;
  socket.on('data', (d) => {
    buf += d.toString('latin1');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const l = buf.slice(0, i).replace(/\r$/, '');
      buf = buf.slice(i + 1);
      const w = waiters.shift();
      if (w) w(l);
      else queue.push(l);
    }
  });
  const end = () => {
    ended = true;
    for (const w of waiters.splice(0)) w(null);
  };
  socket.on('end', end);
  socket.on('close', end);
  socket.on('error', () => {});
  return {
    socket,
    send: (...lines) => {
      if (!socket.destroyed) socket.write(lines.map((l) => `${l}\r\n`).join(''));
    },
    line: () =>
      queue.length
        ? Promise.resolve(queue.shift()!)
        : ended
          ? Promise.resolve(null)
          : new Promise((r) => waiters.push(r)),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}

export async function startScripted(
  script: (io: ScriptIO) => void | Promise<void>,
  opts: { tls?: TlsOptions; host?: string } = {},
): Promise<Running> {
  const sockets = new Set<Socket>();
  const onConn = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    Promise.resolve(script(lineReader(s))).catch(() => s.destroy());
  };
  const server: Server = opts.tls ? createTlsServer(opts.tls, onConn) : createServer(onConn);
  server.on('error', () => {});
  await new Promise<void>((r) => server.listen(0, opts.host ?? '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/**
 * A plain SMTP dialogue for scripted servers: answers EHLO/MAIL/RCPT/RSET/QUIT with `replies`
 * overrides (keyed by the upper-cased verb); anything else gets 250.
 */
export async function dialogue(
  io: ScriptIO,
  replies: Record<string, string[] | ((arg: string) => Promise<string[]> | string[])> = {},
  banner = ['220 mx.test ESMTP'],
): Promise<void> {
  io.send(...banner);
  for (;;) {
    const l = await io.line();
    if (l === null) return;
    const verb = l.split(/[\s:]/)[0]!.toUpperCase();
    const r = replies[verb];
    const lines = typeof r === 'function' ? await r(l) : r;
    if (lines) {
      io.send(...lines);
      if (lines.at(-1)?.startsWith('421')) {
        io.socket.end();
        return;
      }
    } else if (verb === 'EHLO') io.send('250-mx.test', '250-PIPELINING', '250-SIZE 10240000', '250 8BITMIME');
    else if (verb === 'QUIT') {
      io.send('221 2.0.0 Bye');
      io.socket.end();
      return;
    } else io.send('250 2.0.0 Ok');
  }
}

/**
 * A listener that never accepts (perl, part of every Debian: perl-base) with its accept queue
 * filled, so the kernel drops further SYNs and a connect hangs: a firewall that drops packets.
 */
export async function startBlackhole(): Promise<Running> {
  const perl = spawn(
    'perl',
    [
      '-MSocket',
      '-e',
      [
        'socket(S, PF_INET, SOCK_STREAM, 0) or die;',
        'bind(S, pack_sockaddr_in(0, inet_aton("127.0.0.1"))) or die;',
        'listen(S, 0) or die;',
        'my ($p) = unpack_sockaddr_in(getsockname(S)); $| = 1; print "$p\\n";',
        'while (<STDIN>) {}',
      ].join(' '),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    perl.once('error', reject);
    perl.stdout.once('data', (d) => resolve(Number(String(d).trim())));
  });
  // Fill the accept queue (backlog 0 admits one, the kernel may take one more).
  const fillers = [0, 1, 2].map(() => netConnect(port, '127.0.0.1').on('error', () => {}));
  await new Promise((r) => setTimeout(r, 100));
  return {
    port,
    close: async () => {
      for (const f of fillers) f.destroy();
      perl.stdin.end();
      perl.kill();
    },
  };
}

export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
