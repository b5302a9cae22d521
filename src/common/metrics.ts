import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RunnerObserver } from '../checks/check.runner';
import { dnsStats } from '../infra/dns/dns-stats';

/** Prometheus metrics. One registry per application so tests can build several apps in one process. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'smtp_doctor_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'smtp_doctor_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly jobs = new Counter({
    name: 'smtp_doctor_checks_total',
    help: 'Finished checks by kind and outcome (verdict, or error)',
    labelNames: ['kind', 'outcome'],
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: 'smtp_doctor_check_duration_seconds',
    help: 'Check run time by kind and outcome',
    labelNames: ['kind', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  readonly findings = new Counter({
    name: 'smtp_doctor_findings_total',
    help: 'Findings emitted by kind and code (probe outcomes by finding code)',
    labelNames: ['kind', 'code'],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'smtp_doctor_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [this.registry],
  });
  /** Filled by collectors registered by infra (DNS stats, ...), read at scrape time. */
  private collectors: (() => Promise<void> | void)[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'smtp_doctor_' });
    // DNS counters live in the resolver (process-wide); exposed as monotonically increasing values.
    const dns = new Gauge({
      name: 'smtp_doctor_dns_total',
      help: 'DNS lookups by outcome since start (queries sent upstream, cache hits, timeouts, ...)',
      labelNames: ['event'],
      registers: [this.registry],
    });
    this.addCollector(() => {
      for (const [event, n] of Object.entries(dnsStats) as [string, number][]) dns.set({ event }, n);
    });
  }

  /** Every queue's counts (QueueDepths.depths()), set at scrape time by the API's and the worker's /metrics. */
  setQueueDepths(depths: Record<string, Record<string, number>>): void {
    for (const [queue, states] of Object.entries(depths))
      for (const [state, n] of Object.entries(states)) this.queueDepth.set({ queue, state }, n);
  }

  addCollector(fn: () => Promise<void> | void): void {
    this.collectors.push(fn);
  }

  async render(): Promise<string> {
    for (const c of this.collectors) await Promise.resolve(c()).catch(() => undefined);
    return this.registry.metrics();
  }

  runnerObserver(): RunnerObserver {
    return {
      onFinished: (kind, outcome, ms, codes) => {
        this.jobs.inc({ kind, outcome });
        this.jobDuration.observe({ kind, outcome }, ms / 1000);
        for (const code of codes) this.findings.inc({ kind, code });
      },
    };
  }
}
