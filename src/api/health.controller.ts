import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Metrics } from '../common/metrics';
import { QueueDepths } from '../infra/queue/queue.module';
import { Readiness } from '../infra/readiness';
import { ApiPublic } from './openapi.decorators';

const READINESS_SCHEMA = {
  type: 'object',
  required: ['status', 'redis', 'database'],
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    redis: { type: 'string', description: '`ok`, or `down: <reason>`', example: 'ok' },
    database: { type: 'string', description: '`ok`, or `down: <reason>`', example: 'ok' },
  },
};

@ApiTags('operations')
@ApiPublic()
@Controller()
export class HealthController {
  constructor(
    @Inject(Readiness) private readonly readiness: Readiness,
    @Inject(Metrics) private readonly metricsRegistry: Metrics,
    @Inject(QueueDepths) private readonly queues: QueueDepths,
  ) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiResponse({
    status: 200,
    schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } },
  })
  healthz() {
    return { status: 'ok' };
  }

  /** Readiness: Redis and the database answer. */
  @Get('readyz')
  @ApiOperation({ summary: 'Readiness: Redis and the database answer' })
  @ApiResponse({ status: 200, description: 'Ready', schema: READINESS_SCHEMA })
  @ApiResponse({ status: 503, description: 'Redis or the database does not answer', schema: READINESS_SCHEMA })
  async readyz(@Res() res: Response) {
    const r = await this.readiness.check();
    res.status(r.ok ? 200 : 503).json({ status: r.ok ? 'ok' : 'unavailable', redis: r.redis, database: r.database });
  }

  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format 0.0.4)' })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'The metrics', schema: { type: 'string' } })
  async metrics(@Res() res: Response) {
    try {
      this.metricsRegistry.setQueueDepths(await this.queues.depths());
    } catch {
      // Redis down: the other metrics are still worth scraping.
    }
    res.type('text/plain; version=0.0.4').send(await this.metricsRegistry.render());
  }
}
