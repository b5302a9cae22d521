import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// docker/healthcheck.cjs is what the image's HEALTHCHECK runs; here it runs against a real HTTP
// server on loopback that answers like /healthz and /readyz would.
const script = resolve(__dirname, '../../docker/healthcheck.cjs');
let server: Server;
let port: number;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    if (req.url === '/healthz') res.writeHead(200).end('{"status":"ok"}');
    else if (req.url === '/readyz') res.writeHead(503).end('{"status":"redis down"}');
    else if (req.url === '/hang')
      return; // never answers
    else res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
});

function run(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => ok({ code, stderr }));
  });
}

describe('docker/healthcheck.cjs', () => {
  it('exits 0 when /healthz answers 2xx, probing loopback for a wildcard HOST', async () => {
    const r = await run({ PORT: String(port), HOST: '0.0.0.0' });
    expect(r).toEqual({ code: 0, stderr: '' });
    expect(seen.at(-1)).toBe('/healthz');
  });

  it('exits 1 with the status when the probed path answers 503', async () => {
    const r = await run({ PORT: String(port), HEALTHCHECK_PATH: '/readyz' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/readyz answered 503');
  });

  it('exits 1 when nothing listens on the port', async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const free = (closed.address() as AddressInfo).port;
    await new Promise((ok) => closed.close(ok));
    const r = await run({ PORT: String(free), HEALTHCHECK_HOST: '127.0.0.1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ECONNREFUSED');
  });

  it('exits 1 when the server does not answer within HEALTHCHECK_TIMEOUT_MS', async () => {
    const r = await run({ PORT: String(port), HEALTHCHECK_PATH: '/hang', HEALTHCHECK_TIMEOUT_MS: '200' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no answer');
  });
});
