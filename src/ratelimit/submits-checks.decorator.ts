import { SetMetadata } from '@nestjs/common';

export const SUBMITS_CHECKS = 'smtp-doctor:submits-checks';

/** What a submitting handler creates: one check (its result's `id`) or a batch (`b:<id>`, n checks). */
export type SubmissionShape = 'check' | 'batch';

/**
 * Marks a REST handler or GraphQL mutation that creates checks. RateLimitInterceptor
 * (src/ratelimit) reserves the key's unfinished-check slots, the tenant's daily quota and a
 * visitor's slots before it runs, and commits or releases them after. Each GraphQL field is
 * intercepted on its own, so every aliased submitCheck counts like one REST submit.
 */
export const SubmitsChecks = (shape: SubmissionShape): MethodDecorator => SetMetadata(SUBMITS_CHECKS, shape);
