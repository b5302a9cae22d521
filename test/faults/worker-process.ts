import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

/** A real `node dist/src/main.js` process (built by `npm test` before vitest runs). */
export interface ServiceProcess {
  child: ChildProcess;
  /** Parsed JSON log lines (pino), in order. */
  logs: { level: number; msg: string; [k: string]: unknown }[];
  /** Everything written to stderr so far. */
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForLog(re: RegExp, timeoutMs?: number): Promise<{ level: number; msg: string }>;
}

/** `unset`: variables of the test's own environment the process must not inherit. */
export function spawnService(env: Record<string, string>, unset: string[] = []): ServiceProcess {
  const inherited = { ...process.env };
  for (const name of unset) delete inherited[name];
  const child = spawn(process.execPath, [MAIN], {
    env: { ...inherited, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: ServiceProcess['logs'] = [];
  let buf = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        logs.push(JSON.parse(line) as ServiceProcess['logs'][number]);
      } catch {
        logs.push({ level: 0, msg: line });
      }
    }
    for (const w of waiters) w();
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  void exited.then(() => {
    for (const w of waiters) w();
  });
  return {
    child,
    logs,
    stderr: () => stderr,
    exited,
    waitForLog(re, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = logs.find((l) => re.test(l.msg));
          if (hit) {
            done();
            resolve(hit);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(
              new Error(
                `process exited (${child.exitCode ?? child.signalCode}) before logging ${re}; stderr: ${stderr.slice(0, 500)}`,
              ),
            );
          }
        };
        const t = setTimeout(() => {
          done();
          reject(new Error(`no log line ${re} within ${timeoutMs} ms; stderr: ${stderr.slice(0, 500)}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(t);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
