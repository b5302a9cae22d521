'use strict';
// Container health probe: GET http://<host>:<PORT><path> and exit 0 on 2xx, 1 otherwise.
// Written in plain Node because the slim runtime image has no curl or wget; Docker's
// HEALTHCHECK and `docker compose` use it, Kubernetes uses its own httpGet probes instead.
//
// Settings (all optional): PORT (the app's port, default 3000), HOST (the app's bind address),
// HEALTHCHECK_HOST (overrides the address probed), HEALTHCHECK_PATH (default /healthz, the
// liveness endpoint: /readyz would mark the container unhealthy whenever Redis or the database
// is briefly down, and Docker/Swarm would then restart a process that can recover by itself),
// HEALTHCHECK_TIMEOUT_MS (default 4000, below the Dockerfile's --timeout=5s).
const http = require('node:http');

const port = Number(process.env.PORT || 3000);
const bind = process.env.HOST || '';
// A wildcard bind address is not something to connect to; loopback reaches the same listener.
const host = process.env.HEALTHCHECK_HOST || (['', '0.0.0.0', '::', '[::]'].includes(bind) ? '127.0.0.1' : bind);
const path = process.env.HEALTHCHECK_PATH || '/healthz';
const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS || 4000);

const req = http.get(
  { host, port, path, timeout: timeoutMs, headers: { 'user-agent': 'smtp-doctor-healthcheck' } },
  (res) => {
    res.resume();
    const ok = res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300;
    if (!ok) process.stderr.write(`healthcheck: ${path} answered ${res.statusCode}\n`);
    process.exit(ok ? 0 : 1);
  },
);
req.on('timeout', () => {
  process.stderr.write(`healthcheck: no answer from ${host}:${port}${path} within ${timeoutMs} ms\n`);
  req.destroy();
  process.exit(1);
});
req.on('error', (err) => {
  process.stderr.write(`healthcheck: ${err.message}\n`);
  process.exit(1);
});
