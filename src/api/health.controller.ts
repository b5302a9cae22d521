import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Metrics } from '../common/metrics';
import { CheckQueues } from '../infra/queue/check-queue';
import { Readiness } from '../infra/readiness';

@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    @Inject(Readiness) private readonly readiness: Readiness,
    @Inject(Metrics) private readonly metricsRegistry: Metrics,
    @Inject(CheckQueues) private readonly queues: CheckQueues,
  ) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  healthz() {
    return { status: 'ok' };
  }

  /** Readiness: Redis and the database answer. */
  @Get('readyz')
  async readyz(@Res() res: Response) {
    const r = await this.readiness.check();
    res.status(r.ok ? 200 : 503).json({ status: r.ok ? 'ok' : 'unavailable', redis: r.redis, database: r.database });
  }

  @Get('metrics')
  async metrics(@Res() res: Response) {
    try {
      const depths = await this.queues.depths();
      for (const [queue, states] of Object.entries(depths))
        for (const [state, n] of Object.entries(states)) this.metricsRegistry.queueDepth.set({ queue, state }, n);
    } catch {
      // Redis down: the other metrics are still worth scraping.
    }
    res.type('text/plain; version=0.0.4').send(await this.metricsRegistry.render());
  }
}
