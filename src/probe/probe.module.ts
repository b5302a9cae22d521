import { Module } from '@nestjs/common';
import { CheckQueueProcessor } from '../checks/check-queue.processor';
import { ChecksModule } from '../checks/checks.module';
import { SmtpKind } from './probe.kind';

/** SMTP probe (issue 4): kind `smtp` on the `probe` queue. Settings: the `probe` slice (PROBE_*). */
@Module({
  imports: [ChecksModule],
  providers: [SmtpKind, CheckQueueProcessor('probe')],
})
export class ProbeModule {}
