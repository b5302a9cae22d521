import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { ChecksModule } from '../../checks/checks.module';
import { ChecksService } from '../../checks/checks.service';
import { KindRegistry } from '../../checks/registry';
import { AnalysisPool } from '../../infra/cpu/analysis-pool';
import { RateLimitModule } from '../../ratelimit/ratelimit.module';
import { SubmissionLimits } from '../../ratelimit/submission-limits';
import { REPLY_FINDINGS } from '../../kb/reply-findings';
import { AnalysisModule } from './analysis.module';
import { ExplainController } from './explain.controller';
import { ExplainService } from './explain.service';
import { LogsModule } from './logs.module';
import { ReportsResolver } from './reports.resolver';

/** The explanation codes (REPLY_*, BOUNCE_*) join GET /v1/findings, though no kind emits them. */
@Injectable()
export class ReportsFindings implements OnModuleInit {
  constructor(@Inject(KindRegistry) private readonly kinds: KindRegistry) {}
  onModuleInit(): void {
    this.kinds.registerFindings(Object.values(REPLY_FINDINGS));
  }
}

/**
 * Explain and bounces (part of ReportsModule): reply explanations with optional live diagnosis
 * (queued as a batch of the suggested kinds), bounce analysis bounded by BOUNCE_MAX_BYTES, and the
 * GraphQL queries of explain, bounces and logs. Parsing runs in the analysis pool (AnalysisModule).
 */
@Module({
  imports: [ChecksModule, AnalysisModule, LogsModule, RateLimitModule],
  controllers: [ExplainController],
  providers: [
    {
      provide: ExplainService,
      // The diagnosis batch is a submission on the caller's behalf: same limits as POST /v1/batches.
      useFactory: (checks: ChecksService, kinds: KindRegistry, pool: AnalysisPool, limits: SubmissionLimits) =>
        new ExplainService(
          {
            submitBatch: (p, body) => limits.around(p, 'batch', body, undefined, () => checks.submitBatch(p, body)),
          },
          kinds,
          pool,
        ),
      inject: [ChecksService, KindRegistry, AnalysisPool, SubmissionLimits],
    },
    ReportsResolver,
    ReportsFindings,
  ],
})
export class ExplainModule {}
