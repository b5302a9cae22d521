import { Module } from '@nestjs/common';
import { CheckQueueProcessor } from '../../../src/checks/check-queue.processor';
import { ChecksModule } from '../../../src/checks/checks.module';
import { NoopKind } from './noop.kind';

/**
 * A test-only module that owns kind `noop` and its queue: adding a kind is this folder plus one
 * import (here the module itself is new, so it is composed in with `startTestApp(env, { imports:
 * [NoopKindModule] })` rather than listed in DIAGNOSTIC_MODULES).
 */
@Module({
  imports: [ChecksModule],
  providers: [NoopKind, CheckQueueProcessor('noop')],
})
export class NoopKindModule {}
