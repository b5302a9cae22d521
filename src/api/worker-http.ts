import { createServer, type Server } from 'node:http';
import type { Metrics } from '../common/metrics';
import type { QueueDepths } from '../infra/queue/queue.module';
import type { Readiness } from '../infra/readiness';

/**
 * The worker role serves no API, but still answers /healthz, /readyz and /metrics on PORT so
 * orchestrators can probe it and Prometheus can scrape job durations (recorded only in workers)
 * and every queue's counts (as the API's /metrics has them: a deployment of workers alone can
 * feed HPA/KEDA).
 */
export function startWorkerHttp(
  deps: { readiness: Readiness; metrics: Metrics; queues: Pick<QueueDepths, 'depths'> },
  port: number,
  host: string,
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'Content-Type': type });
      res.end(body);
    };
    if (req.method !== 'GET')
      return send(
        405,
        'application/problem+json',
        JSON.stringify({ type: 'about:blank', title: 'Method not allowed', status: 405, detail: 'GET only' }),
      );
    if (path === '/healthz') return send(200, 'application/json', '{"status":"ok"}');
    if (path === '/readyz') {
      void deps.readiness
        .check()
        .then((r) =>
          send(
            r.ok ? 200 : 503,
            'application/json',
            JSON.stringify({ status: r.ok ? 'ok' : 'unavailable', redis: r.redis, database: r.database }),
          ),
        );
      return;
    }
    if (path === '/metrics') {
      void deps.queues
        .depths()
        .then(
          (d) => deps.metrics.setQueueDepths(d),
          // Redis down: the other metrics are still worth scraping.
          () => undefined,
        )
        .then(() => deps.metrics.render())
        .then(
          (m) => send(200, 'text/plain; version=0.0.4', m),
          () => send(500, 'text/plain', 'metrics unavailable'),
        );
      return;
    }
    send(
      404,
      'application/problem+json',
      JSON.stringify({
        type: 'about:blank',
        title: 'Not found',
        status: 404,
        detail: 'The worker serves /healthz, /readyz and /metrics only.',
      }),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
